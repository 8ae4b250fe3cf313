"""The Celery app. With no broker configured, tasks run in-process (see settings)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # The e-mail outbox: whatever is due (a retry a worker lost, a message queued while the broker
    # was down) is sent (config/mail.py, ADR 0013).
    "send-due-email": {
        "task": "config.tasks.send_due_email",
        "schedule": crontab(),
    },
    # The weekly gap report for the week just ended, ready for the Monday command meetings.
    "weekly-gap-report": {
        "task": "actionplan.tasks.generate_weekly_gap_report",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Every home's kept state recomputed from the raw tables; drift is logged as an error and repaired.
    "care-home-state-check": {
        "task": "carehomes.tasks.check_care_home_state",
        "schedule": crontab(minute=30, hour=2),
    },
    # Every organisation's kept hour totals, the same way.
    "organisation-hours-check": {
        "task": "carehomes.tasks.check_organisation_hours",
        "schedule": crontab(minute=40, hour=2),
    },
    # The visit list's day totals recomputed from the visit table; drift logged and repaired.
    "visit-totals-check": {
        "task": "carehomes.tasks.check_visit_totals",
        "schedule": crontab(minute=45, hour=2),
    },
    # The discharge follow-ups' kept daily counts recounted; drift logged and repaired.
    "discharge-day-counts-check": {
        "task": "discharge.tasks.check_day_counts",
        "schedule": crontab(minute=50, hour=2),
    },
    # Lost, overdue and stalled discharge follow-ups: each alert e-mailed once (the timers
    # themselves are worked out whenever a page is read).
    "discharge-alerts": {
        "task": "discharge.tasks.send_discharge_alerts",
        "schedule": crontab(minute=5),
    },
    # Leavers past the retention period (HUB["LEAVER_RETENTION_YEARS"]) anonymised, nightly.
    "anonymise-leavers": {
        "task": "actionplan.tasks.anonymise_leavers",
        "schedule": crontab(minute=15, hour=3),
    },
    # The month's ODS reference data (organisations, practices, PCNs and memberships).
    "monthly-ods-import": {
        "task": "organisations.tasks.import_ods_monthly",
        "schedule": crontab(minute=0, hour=6, day_of_month=2),
    },
}
