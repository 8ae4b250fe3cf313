"""An organisation lead offers their own people, and keeps their own staff and hours from their organisation's page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from organisations.models import StaffMember
from tests.conftest import FROZEN_TODAY
from tests.factories import AssignmentFactory, PcnFactory, StaffMemberFactory, SupportRequestFactory

# Today frozen for the whole test: a "today" read at import went stale when the suite ran past
# midnight, and an offer starting "yesterday" was refused.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


def _options(html):
    return html.split('name="staff"', 1)[1].split("</select>", 1)[0]


def test_after_an_error_the_offer_form_still_lists_only_the_leads_own_people(client_for, orglead_user):
    # Given a request from another PCN, one of the lead's people, and someone elsewhere in the city
    own_pcn = orglead_user.staff_member.organisation
    mine = StaffMemberFactory(name="Mina Own", organisation=own_pcn, hours_per_week=Decimal("10"))
    StaffMemberFactory(name="Stranger Elsewhere", hours_per_week=Decimal("10"))
    support_request = SupportRequestFactory(organisation=PcnFactory())
    client = client_for(orglead_user)

    # When the lead offers with the hours left out
    response = client.post(
        reverse("workstreams:offer_create", args=[support_request.pk]),
        {"staff": mine.pk, "hours_per_week": "", "starts_on": TODAY.isoformat()},
    )

    # Then the form comes back listing only their own people, with their choice kept
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the hours a week" in html
    assert "Mina Own" in _options(html) and "Stranger Elsewhere" not in _options(html)
    assert f'value="{mine.pk}" selected' in _options(html)


def test_the_offer_form_shows_every_error_in_one_round(client_for, orglead_user):
    own_pcn = orglead_user.staff_member.organisation
    mine = StaffMemberFactory(organisation=own_pcn, hours_per_week=Decimal("2"))
    support_request = SupportRequestFactory(organisation=PcnFactory())
    response = client_for(orglead_user).post(
        reverse("workstreams:offer_create", args=[support_request.pk]),
        {
            "staff": mine.pk,
            "hours_per_week": "5",
            "starts_on": (TODAY - datetime.timedelta(days=3)).isoformat(),
        },
    )
    html = response.content.decode()
    assert "cannot be offered 5" in html
    assert "The start date must be today or in the future" in html


def test_an_organisation_lead_adds_a_person_to_their_own_organisation(client_for, orglead_user):
    own_pcn = orglead_user.staff_member.organisation
    client = client_for(orglead_user)
    page = client.get(reverse("organisations:detail", args=[own_pcn.pk])).content.decode()
    assert reverse("organisations:staff_add", args=[own_pcn.pk]) in page

    response = client.post(
        reverse("organisations:staff_add", args=[own_pcn.pk]),
        {
            "name": "Priya Shah",
            "role": "pharmacist",
            "gphc_number": "2087654",
            "funding": "pcn",
            "hours_per_week": "7.5",
        },
    )
    assert response.status_code == 302
    person = StaffMember.objects.get(name="Priya Shah")
    assert person.organisation == own_pcn and person.hours_per_week == Decimal("7.5")


def test_a_refused_person_keeps_what_was_typed_and_says_each_problem(client_for, orglead_user):
    own_pcn = orglead_user.staff_member.organisation
    response = client_for(orglead_user).post(
        reverse("organisations:staff_add", args=[own_pcn.pk]), {"name": "Priya Shah", "hours_per_week": "500"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Priya Shah"' in html
    assert "Choose the person&#39;s role." in html and "Choose how the post is funded." in html
    assert "168 or fewer" in html
    assert not StaffMember.objects.filter(name="Priya Shah").exists()


def test_an_organisation_lead_cannot_add_or_change_another_organisations_staff(client_for, orglead_user):
    other = PcnFactory()
    person = StaffMemberFactory(organisation=other)
    client = client_for(orglead_user)
    assert client.get(reverse("organisations:staff_add", args=[other.pk])).status_code == 403
    assert (
        client.post(
            reverse("organisations:staff_hours", args=[other.pk, person.pk]), {"hours_per_week": "1"}
        ).status_code
        == 403
    )
    own_pcn = orglead_user.staff_member.organisation
    assert client.get(reverse("organisations:staff_hours", args=[own_pcn.pk, person.pk])).status_code == 404


def test_hours_cannot_go_below_what_is_assigned(client_for, orglead_user):
    own_pcn = orglead_user.staff_member.organisation
    person = StaffMemberFactory(organisation=own_pcn, hours_per_week=Decimal("6"))
    AssignmentFactory(staff=person, hours_per_week=Decimal("4"))
    client = client_for(orglead_user)
    url = reverse("organisations:staff_hours", args=[own_pcn.pk, person.pk])

    refused = client.post(url, {"hours_per_week": "3"})
    assert refused.status_code == 400
    assert "is assigned 4 hours a week" in refused.content.decode()

    assert client.post(url, {"hours_per_week": "8"}).status_code == 302
    person.refresh_from_db()
    assert person.hours_per_week == Decimal("8")
