"""An incremental refresh (`updated_since` and /deletions) leaves an analyst's copy equal to a full
read: a row whose figures changed is sent again even when its own table row was not written (a
care home's lead, last visit and gaps; an assignment that started or ended by the calendar), and a
row that left a resource (a weekly report superseded by a new version) is in the deletions feed."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from api.services import api_token_create
from carehomes.gaps.rules import RULES, no_visit_days
from tests.factories import AssignmentFactory, CareHomeFactory, StaffMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def read(pm_user, settings):
    settings.HUB = {**settings.HUB, "API_RATE_LIMIT_PER_MINUTE": 10_000}
    _, secret = api_token_create(by=pm_user, name="Refresh", lifetime_days=30)

    def get(resource, since, **params):
        response = Client().get(
            f"/api/v1/{resource}",
            {"updated_since": since.isoformat(), "limit": 1000, **params},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return get


def ids(rows):
    return {row["id"] for row in rows}


def later(time_machine, **delta):
    time_machine.move_to(timezone.now() + datetime.timedelta(**delta))


def test_a_visit_or_a_new_lead_sends_the_home_again(read, frozen_today, time_machine):
    visited, led, untouched = CareHomeFactory.create_batch(3)
    later(time_machine, minutes=5)
    since = timezone.now()
    later(time_machine, minutes=5)

    VisitFactory(care_home=visited, visited_on=frozen_today)
    AssignmentFactory(care_home=led, starts_on=frozen_today)

    rows = {row["id"]: row for row in read("care-homes", since)}
    assert set(rows) == {visited.pk, led.pk}
    assert rows[visited.pk]["last_visited_on"] == frozen_today.isoformat()
    assert rows[led.pk]["lead_staff_id"] is not None


def test_a_deleted_visit_sends_its_home_again(read, frozen_today, time_machine):
    home, other = CareHomeFactory.create_batch(2)
    visit = VisitFactory(care_home=home, visited_on=frozen_today)
    VisitFactory(care_home=other, visited_on=frozen_today)
    later(time_machine, minutes=5)
    since = timezone.now()

    visit.delete()

    assert ids(read("care-homes", since)) == {home.pk}


def test_a_lead_renamed_or_loaded_elsewhere_sends_the_home_again(read, frozen_today, time_machine):
    lead = StaffMemberFactory(hours_per_week=10)
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, staff=lead, starts_on=frozen_today, hours_per_week=6)
    CareHomeFactory()
    later(time_machine, minutes=5)
    since = timezone.now()

    AssignmentFactory(staff=lead, role="support", starts_on=frozen_today, hours_per_week=6)

    rows = {row["id"]: row for row in read("care-homes", since)}
    assert home.pk in rows and "lead_over_capacity" in rows[home.pk]["open_gaps"]


def test_the_calendar_alone_sends_a_home_whose_gaps_changed(read, frozen_today, time_machine):
    """No write at all: the last visit grows too old, so the home gains its "no recent visit" gap."""
    home, fresh = CareHomeFactory.create_batch(2)
    VisitFactory(care_home=home, visited_on=frozen_today - datetime.timedelta(days=no_visit_days()))
    VisitFactory(care_home=fresh, visited_on=frozen_today)
    since = timezone.now()
    before = {row["id"]: row for row in read("care-homes", since - datetime.timedelta(days=1))}
    assert "no_recent_visit" not in before[home.pk]["open_gaps"]

    later(time_machine, days=1)

    rows = {row["id"]: row for row in read("care-homes", since)}
    assert set(rows) == {home.pk}
    assert "no_recent_visit" in rows[home.pk]["open_gaps"]
    assert RULES["no_recent_visit"].name in rows[home.pk]["open_gap_labels"]


def test_an_assignment_that_ends_by_the_calendar_is_sent_again(read, frozen_today, time_machine):
    ending = AssignmentFactory(starts_on=frozen_today - datetime.timedelta(days=10), ends_on=frozen_today)
    AssignmentFactory(starts_on=frozen_today - datetime.timedelta(days=10))
    since = timezone.now()

    later(time_machine, days=1)

    rows = read("assignments", since)
    assert [(row["id"], row["is_current"]) for row in rows] == [(ending.pk, False)]


def test_a_superseded_weekly_report_is_in_the_deletions_feed(read, frozen_today, time_machine):
    first = gap_report_generate(week="2026-W47", notify=False)
    later(time_machine, minutes=5)
    since = timezone.now()

    second = gap_report_generate(week="2026-W47", regenerate=True, notify=False)

    assert ids(read("gap-reports", since)) == {second.pk}
    assert {(d["resource"], d["id"]) for d in read("deletions", since)} == {("gap-reports", first.pk)}
