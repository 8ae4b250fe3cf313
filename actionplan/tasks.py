"""Celery tasks for the action plan: the weekly gap report.

Thin wrappers over `actionplan.gap_report_services`: they take plain values, call the service, retry on
transient database and broker errors, and are safe to run twice (the service is idempotent, and
a report row is written in one transaction, so a worker killed mid-task leaves no half report).
"""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import previous_week
from actionplan.retention import leavers_anonymise
from config.task_retries import retried_task

LONDON = zoneinfo.ZoneInfo("Europe/London")


def week_just_ended(now: datetime.datetime | None = None) -> str:
    """The ISO week before the current one, in London (the Monday 07:00 run reports on it)."""
    now = now or timezone.now()
    return previous_week(now.astimezone(LONDON).date())


@retried_task("actionplan.tasks.generate_weekly_gap_report")
def generate_weekly_gap_report(week=None):
    """The beat schedule's Monday 07:00 run: the report of the week just ended (or `week`)."""
    report = gap_report_generate(week=week or week_just_ended())
    return {"id": report.pk, "week": report.week, "version": report.version}


@retried_task("actionplan.tasks.generate_gap_report")
def generate_gap_report(week, regenerate=False, user_id=None, requested_at=None):
    """On demand, from the project manager's button: one week's report, optionally a new version.

    A retried regeneration makes no further version: it only regenerates when the current report
    is older than the request (`requested_at`, an ISO timestamp)."""
    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    requested = datetime.datetime.fromisoformat(requested_at) if requested_at else None
    report = gap_report_generate(week=week, by=by, regenerate=regenerate, requested_at=requested)
    return {"id": report.pk, "week": report.week, "version": report.version}


@retried_task("actionplan.tasks.anonymise_leavers")
def anonymise_leavers():
    """Nightly: anonymise every leaver past LEAVER_RETENTION_YEARS (safe to run twice)."""
    return {"anonymised": leavers_anonymise()}
