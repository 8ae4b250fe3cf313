"""Back to the default hours: a pharmacy's staff or the project manager removes its recorded opening
hours after a confirmation page that says what will happen; the history keeps who did it, and the
follow-ups waiting for stage 1 are due by Monday to Saturday 9am to 6pm again."""

import datetime
import re

import pytest
from django.utils import timezone

from discharge import timers
from discharge.models import DischargeFollowUp, PharmacyOpeningHours
from organisations.access import COMMUNITY_PHARMACY
from tests.factories import CommunityPharmacyFactory, DischargeFollowUpFactory, user_with_role

pytestmark = pytest.mark.django_db
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def url(pharmacy, default=False):
    return f"/discharges/pharmacies/{pharmacy.pk}/opening-hours/" + ("default/" if default else "")


def every_day_all_day():
    data = {}
    for day in DAYS:
        data[f"{day}_open"] = "open"
        data[f"{day}_1_opens"], data[f"{day}_1_closes"] = "00:00", "midnight"
    return data


def waiting_follow_up(pharmacy, days_ago=4):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    return DischargeFollowUpFactory(
        pharmacy=pharmacy, received_at=moment, routed_at=moment, state="acknowledged", acknowledged_at=moment
    )


@pytest.fixture
def pharmacy_with_hours(client_for, pm_user):
    pharmacy = CommunityPharmacyFactory(name="Moortown Pharmacy")
    assert client_for(pm_user).post(url(pharmacy), every_day_all_day()).status_code == 302
    return pharmacy


def test_the_hours_page_offers_the_default_only_when_hours_are_recorded(client_for, pm_user):
    pharmacy = CommunityPharmacyFactory()
    client = client_for(pm_user)
    assert url(pharmacy, default=True) not in client.get(url(pharmacy)).content.decode()
    client.post(url(pharmacy), every_day_all_day())
    html = client.get(url(pharmacy)).content.decode()
    assert f'href="{url(pharmacy, default=True)}">Go back to the default hours</a>' in html


def test_the_confirmation_page_says_what_will_happen(client_for, pm_user, pharmacy_with_hours):
    for _ in range(3):
        waiting_follow_up(pharmacy_with_hours)
    response = client_for(pm_user).get(url(pharmacy_with_hours, default=True))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Go back to the default opening hours for Moortown Pharmacy?" in html
    assert "Monday midnight to midnight" in html  # what is recorded now
    assert "Monday to Saturday, 9am to 6pm" in html
    assert "3 follow-ups are still waiting for stage 1 at this pharmacy get new deadlines" in html
    assert "kept in the hours&#39; history with your name" in html
    assert re.search(r"<button[^>]*>\s*Go back to the default hours\s*</button>", html)
    assert "Keep the recorded hours" in html
    assert PharmacyOpeningHours.objects.filter(pharmacy=pharmacy_with_hours).count() == 7  # nothing yet


def test_going_back_removes_the_hours_keeps_history_and_moves_the_deadlines(client_for, pharmacy_with_hours):
    chemist = user_with_role(COMMUNITY_PHARMACY, organisation=pharmacy_with_hours)
    follow_up = waiting_follow_up(pharmacy_with_hours)
    done = waiting_follow_up(pharmacy_with_hours, days_ago=20)
    DischargeFollowUp.objects.filter(pk=done.pk).update(state="stage1", stage1_at=timezone.now())
    recorded_due = DischargeFollowUp.objects.get(pk=follow_up.pk).stage1_due_at
    client = client_for(chemist)

    response = client.post(url(pharmacy_with_hours, default=True))

    assert response.status_code == 302 and response["Location"] == url(pharmacy_with_hours)
    assert not PharmacyOpeningHours.objects.filter(pharmacy=pharmacy_with_hours).exists()
    removed = PharmacyOpeningHours.history.filter(pharmacy_id=pharmacy_with_hours.pk, history_type="-")
    assert removed.count() == 7 and {h.history_user for h in removed} == {chemist}
    html = client.get(url(pharmacy_with_hours)).content.decode()
    assert "Moortown Pharmacy is back to the default hours" in html
    assert "Removed Monday midnight to midnight" in html and "No hours are recorded yet" in html
    # Due by Monday to Saturday 9 to 6 again: 8 working days later, not 3 days (and no longer overdue).
    follow_up.refresh_from_db()
    assert follow_up.stage1_due_at == timers.stage1_due(follow_up.routed_at, timers.default_schedule())
    assert follow_up.stage1_due_at > recorded_due + datetime.timedelta(days=3)
    page = client.get(f"/discharges/{follow_up.pk}/").content.decode()
    assert "counted on Monday to Saturday, 9am to 6pm (no opening hours recorded)" in page
    # A follow-up past stage 1 keeps the deadline it was measured against.
    assert DischargeFollowUp.objects.get(pk=done.pk).stage1_due_at == done.stage1_due_at


def test_nothing_to_go_back_from(client_for, pm_user):
    pharmacy = CommunityPharmacyFactory()
    client = client_for(pm_user)
    response = client.get(url(pharmacy, default=True))
    assert response.status_code == 302 and response["Location"] == url(pharmacy)

    response = client.post(url(pharmacy, default=True), follow=True)
    assert (
        "No opening hours are recorded: the timer already counts the default hours."
        in response.content.decode()
    )
    assert not PharmacyOpeningHours.history.filter(pharmacy_id=pharmacy.pk).exists()


def test_another_pharmacys_staff_may_not_go_back_for_it(client_for, pharmacy_with_hours):
    stranger = user_with_role(COMMUNITY_PHARMACY, organisation=CommunityPharmacyFactory())
    client = client_for(stranger)
    assert client.get(url(pharmacy_with_hours, default=True)).status_code == 403
    assert client.post(url(pharmacy_with_hours, default=True)).status_code == 403
    assert PharmacyOpeningHours.objects.filter(pharmacy=pharmacy_with_hours).count() == 7
