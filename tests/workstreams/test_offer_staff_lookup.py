"""A help-request offer's "Who can help?": a select the script enhances while the people offered are a
city's size, and past it a look-up scoped as the form (any active person for the project manager, an
organisation lead's own organisation's staff for them), which without script still takes a GPhC
number or exact name (issue 14)."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations import people_lookup
from organisations.models import StaffMember
from tests.conftest import FROZEN_TODAY
from tests.factories import OrganisationFactory, PcnFactory, StaffMemberFactory, SupportRequestFactory
from workstreams.models import SupportOffer

# Today frozen for the whole test: a "today" read at import went stale when the suite ran past
# midnight, and an offer starting "yesterday" was refused.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY.isoformat()


@pytest.fixture
def people(orglead_user):
    own = orglead_user.staff_member.organisation
    return {
        "request": SupportRequestFactory(organisation=PcnFactory()),
        "mine": StaffMemberFactory(
            name="Mina Larch", gphc_number="2012345", organisation=own, hours_per_week=Decimal("10")
        ),
        "stranger": StaffMemberFactory(
            name="Sam Larch",
            gphc_number="2054321",
            organisation=OrganisationFactory(),
            hours_per_week=Decimal("10"),
        ),
        "gone": StaffMemberFactory(
            name="Cat Larch",
            gphc_number="2099999",
            is_active=False,
            organisation=own,
            hours_per_week=Decimal("10"),
        ),
    }


@pytest.fixture
def country(monkeypatch, people):
    """Past a city's size: more people than the form may list."""
    monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 0)
    return people


def url(people):
    return f"/help-requests/{people['request'].pk}/offer/people/"


def page_url(people):
    return f"/help-requests/{people['request'].pk}/"


def texts(response):
    assert response.status_code == 200, response.status_code
    return [row["text"].split(" – ")[0] for row in response.json()["results"]]


def _post(client, people, **fields):
    data = {"hours_per_week": "2", "starts_on": TODAY} | fields
    return client.post(f"/help-requests/{people['request'].pk}/offer/", data)


def test_the_project_manager_finds_any_active_person(client_for, pm_user, people):
    assert texts(client_for(pm_user).get(url(people), {"q": "larch"})) == ["Mina Larch", "Sam Larch"]


def test_an_organisation_lead_finds_only_their_own_people(client_for, orglead_user, people):
    client = client_for(orglead_user)
    assert texts(client.get(url(people), {"q": "larch"})) == ["Mina Larch"]
    assert texts(client.get(url(people), {"q": "20543"})) == []  # a stranger's GPhC number


@pytest.mark.parametrize("role", ["slt_user", "pharmacist_user", "trust_user", "no_role_user"])
def test_others_are_refused(request, client_for, role, people):
    response = client_for(request.getfixturevalue(role)).get(url(people), {"q": "larch"})
    assert response.status_code == 403
    assert b"Larch" not in response.content


def test_the_look_up_runs_the_same_queries_for_one_match_or_many(client_for, pm_user, people):
    client = client_for(pm_user)
    counts = []
    for size, surname in ((1, "Moor"), (6, "Fell")):
        for n in range(size):
            StaffMemberFactory(name=f"Dee {surname} {n}", organisation=OrganisationFactory())
        client.get(url(people), {"q": surname})
        with CaptureQueriesContext(connection) as context:
            assert len(texts(client.get(url(people), {"q": surname}))) == size
        counts.append(len(context))
    assert counts[0] == counts[1]


def test_a_citys_people_are_a_select_the_script_enhances(client_for, pm_user, people):
    page = client_for(pm_user).get(page_url(people)).content.decode()
    assert re.search(r'<select[^>]*name="staff"[^>]*data-autocomplete="select"', page)
    assert "Sam Larch" in page and url(people) not in page


@pytest.mark.parametrize("user", ["pm_user", "orglead_user"])
def test_past_a_citys_size_a_look_up_box_and_no_list(request, client_for, country, user):
    page = client_for(request.getfixturevalue(user)).get(page_url(country)).content.decode()
    assert f'data-lookup-url="{url(country)}"' in page and 'name="staff"' in page
    assert not re.search(r'<select[^>]*name="staff"', page)
    assert "Mina Larch" not in page and "Sam Larch" not in page


@pytest.mark.parametrize(
    ("user", "typed", "who"),
    [
        ("pm_user", "Sam Larch – Pharmacist, X (GPhC 2054321)", "stranger"),
        ("pm_user", "2012345", "mine"),
        ("orglead_user", "mina larch", "mine"),
    ],
)
def test_past_a_citys_size_the_person_is_read_from_the_box(request, client_for, country, user, typed, who):
    response = _post(client_for(request.getfixturevalue(user)), country, staff=typed)
    assert response.status_code == 302
    assert SupportOffer.objects.get().staff == country[who]


@pytest.mark.parametrize("typed", ["Sam Larch", "2054321", "Cat Larch", "Nobody Here"])
def test_an_organisation_lead_cannot_offer_anyone_else_and_keeps_what_was_typed(
    client_for, orglead_user, country, typed
):
    response = _post(client_for(orglead_user), country, staff=typed, hours_per_week="")
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "There is a problem" in page
    assert f"No one you may offer has the GPhC number or name “{typed}”." in page
    assert "Enter the hours a week" in page  # every error in one round
    assert f'value="{typed}"' in page
    assert not SupportOffer.objects.exists()


def test_the_spare_hours_rule_still_applies_past_a_citys_size(client_for, pm_user, country):
    response = _post(client_for(pm_user), country, staff="2012345", hours_per_week="50")
    assert response.status_code == 400 and "cannot be offered 50" in response.content.decode()


@pytest.mark.parametrize("size", ["city", "country"])
def test_the_request_page_runs_the_same_queries_for_a_few_people_or_many(
    client_for, pm_user, people, monkeypatch, size
):
    if size == "country":
        monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 0)
    client = client_for(pm_user)
    counts = []
    for extra in (0, 20):
        for _ in range(extra):
            StaffMemberFactory(role=StaffMember.Role.PHARMACIST)
        client.get(page_url(people))
        with CaptureQueriesContext(connection) as context:
            client.get(page_url(people))
        counts.append(len(context))
    assert counts[0] == counts[1]
