"""The weekly gap report task: thin, idempotent, retried, and on the Monday 07:00 schedule."""

import datetime
import zoneinfo

import pytest
import redis.exceptions
import time_machine
from django.db import InterfaceError, OperationalError

from actionplan import gap_report_selectors
from actionplan.models import GapReport
from actionplan.tasks import generate_gap_report, generate_weekly_gap_report, week_just_ended
from config.celery import app

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def light_reports(monkeypatch):
    """Reports without their figures: these tests are about when and how often they are made."""
    monkeypatch.setattr(
        gap_report_selectors,
        "compute_report_data",
        lambda week, **kwargs: {"week": week, "headlines": {}, "gaps": []},
    )


def test_week_just_ended_is_taken_in_london():
    # Sunday 29 November 2026 23:30 UTC is still Sunday in London (GMT): the week before W48 ended.
    assert week_just_ended(datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)) == "2026-W47"
    # Sunday 28 June 2026 23:30 UTC is Monday 00:30 in London (BST): W26 has just ended.
    assert week_just_ended(datetime.datetime(2026, 6, 28, 23, 30, tzinfo=datetime.UTC)) == "2026-W26"


def test_task_is_idempotent_and_retries_transient_errors(light_reports):
    first = generate_weekly_gap_report(week="2026-W48")
    again = generate_weekly_gap_report(week="2026-W48")
    assert first == again
    assert GapReport.objects.count() == 1
    task = generate_weekly_gap_report
    assert task.name == "actionplan.tasks.generate_weekly_gap_report"
    assert task.acks_late is True and task.max_retries == 5 and task.retry_backoff
    assert set(task.autoretry_for) == {OperationalError, InterfaceError, redis.exceptions.ConnectionError}


def test_on_demand_task_regenerates_once(light_reports, pm_user):
    generate_gap_report(week="2026-W48")
    requested_at = datetime.datetime.now(tz=datetime.UTC).isoformat()
    with time_machine.travel(datetime.timedelta(seconds=5)):
        generate_gap_report(week="2026-W48", regenerate=True, user_id=pm_user.pk, requested_at=requested_at)
        generate_gap_report(week="2026-W48", regenerate=True, user_id=pm_user.pk, requested_at=requested_at)
    assert list(GapReport.objects.order_by("version").values_list("version", "is_current")) == [
        (1, False),
        (2, True),
    ]


def test_a_year_of_the_beat_schedule_makes_52_reports_at_monday_7_london(light_reports):
    """Hour by hour through a year that crosses both clock changes (29 March and 25 October
    2026), asking the beat schedule what beat asks it, and running the task when it is due."""
    assert app.conf.timezone == "Europe/London"
    schedule = app.conf.beat_schedule["weekly-gap-report"]["schedule"]
    schedule.app = app
    start = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)  # Monday, after that day's run
    last_run_at = start - datetime.timedelta(hours=1)
    ran_at = []
    with time_machine.travel(start, tick=False) as clock:
        now = start
        while now <= start + datetime.timedelta(weeks=52):
            due, _next_check = schedule.is_due(last_run_at)
            if due:
                generate_weekly_gap_report()
                ran_at.append(now)
                last_run_at = now
            now += datetime.timedelta(hours=1)
            clock.move_to(now)

    assert len(ran_at) == 52
    assert GapReport.objects.count() == 52
    local = [t.astimezone(LONDON) for t in ran_at]
    assert all((t.weekday(), t.hour, t.minute) == (0, 7, 0) for t in local)
    assert {t.utcoffset() for t in local} == {datetime.timedelta(0), datetime.timedelta(hours=1)}
    weeks = list(GapReport.objects.order_by("week").values_list("week", flat=True))
    assert weeks[0] == "2026-W02" and weeks[-1] == "2026-W53"  # each run reports the week just ended
    assert len(set(weeks)) == 52
