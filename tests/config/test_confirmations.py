"""Nothing destructive in one click: withdrawing a request, declining an offer, closing an action and
taking someone off a team each go through a page that says what will happen (as "Delete this
visit?", "End this assignment?" and "Revoke this token?" do). No script needed: the page is a GET,
its warning button posts to the same address."""

import re

import lxml.html
import pytest

from organisations.models import Membership
from tests.factories import (
    ActionFactory,
    MembershipFactory,
    SupportOfferFactory,
    SupportRequestFactory,
    TeamFactory,
)
from workstreams.models import SupportOffer, SupportRequest

pytestmark = pytest.mark.django_db


def _one_click_forms(html, path):
    """Forms on a page that would do the action straight away (a POST to the action's address)."""
    tree = lxml.html.fromstring(html)
    return [
        f for f in tree.iter("form") if (f.get("method") or "").lower() == "post" and f.get("action") == path
    ]


def _confirmation(client, path, *, question, button):
    response = client.get(path)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    assert " ".join(tree.xpath("string(//main//h1)").split()) == question
    said = tree.xpath("//h2[normalize-space()='What will happen']/following-sibling::ul[1]/li")
    assert said, "the page says what will happen"
    forms = [f for f in tree.iter("form") if f.get("method") == "post" and f.get("action") == path]
    assert len(forms) == 1
    assert any(re.search(button, b.text_content()) for b in forms[0].iter("button"))
    return forms[0]


def test_withdrawing_a_request_asks_first(client_for, pm_user):
    support_request = SupportRequestFactory(title="SMR cover")
    waiting = SupportOfferFactory(request=support_request)
    client = client_for(pm_user)
    path = f"/help-requests/{support_request.pk}/withdraw/"
    detail = client.get(f"/help-requests/{support_request.pk}/")
    assert not _one_click_forms(detail.content, path)
    assert f'href="{path}"' in detail.content.decode()

    _confirmation(client, path, question="Withdraw the request “SMR cover”?", button="Withdraw request")
    support_request.refresh_from_db()
    assert support_request.status != SupportRequest.Status.WITHDRAWN  # asking changed nothing

    client.post(path)
    support_request.refresh_from_db()
    waiting.refresh_from_db()
    assert support_request.status == SupportRequest.Status.WITHDRAWN
    assert waiting.status == SupportOffer.Status.DECLINED


def test_declining_an_offer_asks_first(client_for, pm_user):
    offer = SupportOfferFactory(staff__name="Asha Patel")
    client = client_for(pm_user)
    path = f"/help-requests/offers/{offer.pk}/decline/"
    assert not _one_click_forms(client.get(f"/help-requests/{offer.request_id}/").content, path)

    _confirmation(client, path, question="Decline the offer from Asha Patel?", button="Decline offer")
    offer.refresh_from_db()
    assert offer.status == SupportOffer.Status.OFFERED

    client.post(path)
    offer.refresh_from_db()
    assert offer.status == SupportOffer.Status.DECLINED
    # A decided offer has nothing to confirm: back to the request
    assert client.get(path).status_code == 302


def test_closing_an_action_asks_first(client_for, pm_user):
    action = ActionFactory()
    client = client_for(pm_user)
    path = f"/action-plan/actions/{action.pk}/close/"
    assert not _one_click_forms(client.get(f"/action-plan/actions/{action.pk}/").content, path)

    form = _confirmation(client, path, question=f"Close {action.reference}?", button="Close action")
    version = form.xpath(".//input[@name='version']/@value")[0]
    action.refresh_from_db()
    assert action.is_open

    client.post(path, {"version": version})
    action.refresh_from_db()
    assert not action.is_open


def test_taking_someone_off_a_team_asks_first(client_for, pm_user):
    # An ordinary seat on the operational team: the PM's to give and take (SLT seats are the SLT's).
    membership = MembershipFactory(
        staff__name="Ben Okafor", team=TeamFactory(kind="operational", name="Operational team")
    )
    client = client_for(pm_user)
    path = f"/teams/members/{membership.pk}/end/"
    assert client.get(f"/teams/{membership.team_id}/").status_code == 200
    assert not _one_click_forms(client.get(f"/teams/{membership.team_id}/").content, path)

    _confirmation(
        client,
        path,
        question=f"Remove Ben Okafor from the {membership.team.name}?",
        button="Remove from the team",
    )
    assert Membership.objects.filter(pk=membership.pk).exists()

    client.post(path)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_people_who_may_not_act_are_not_shown_the_question(client_for, orglead_user, slt_user):
    support_request = SupportRequestFactory()  # another organisation's request
    offer = SupportOfferFactory(request=support_request)
    action = ActionFactory()
    membership = MembershipFactory(team=TeamFactory(kind="operational", name="Operational team"))
    assert client_for(orglead_user).get(f"/help-requests/{support_request.pk}/withdraw/").status_code == 403
    assert client_for(orglead_user).get(f"/help-requests/offers/{offer.pk}/decline/").status_code == 403
    assert client_for(slt_user).get(f"/action-plan/actions/{action.pk}/close/").status_code == 403
    assert client_for(slt_user).get(f"/teams/members/{membership.pk}/end/").status_code == 403
