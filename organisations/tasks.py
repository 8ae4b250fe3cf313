"""The monthly ODS import (Celery beat, the 2nd of each month at 06:00; see config/celery.py).

A thin task: fetch every configured report, then import them all in one transaction through
`services.ods_import`. A network failure or a server error from the export service is retried
with exponential backoff (1, 2, 4, 8, 16 minutes by default); nothing is imported until every report has
arrived, so a failure never leaves a half import. When the retries run out, or the service
refuses the request, or a report's layout has changed, the run is recorded as failed for the
project manager's Imports page and the task fails loudly. Safe to run twice: a second import of
the same reports changes nothing.
"""

import hashlib
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from organisations import selectors, services
from organisations.models import ImportRun
from organisations.ods_fetch import OdsFetchError, OdsFetchRefused, fetch_reports

log = logging.getLogger(__name__)

MAX_RETRIES = 5
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


def backoff_seconds(retries: int) -> int:
    """1, 2, 4, 8, 16 minutes by default (ODS_RETRY_BACKOFF_SECONDS doubling), never more than an hour."""
    return min(settings.ODS_RETRY_BACKOFF_SECONDS * 2**retries, 3600)


def _record_fetch_failure(message, started_at):
    services.import_run_record(
        source=ImportRun.Source.ODS,
        via=ImportRun.Via.TASK,
        outcome=ImportRun.Outcome.FAILED,
        files=[
            {
                "name": ", ".join(settings.ODS_REPORTS) + " (not fetched)",
                "sha256": hashlib.sha256(b"").hexdigest(),
                "bytes": 0,
            }
        ],
        started_at=started_at,
        messages=[message],
    )


@shared_task(
    name="organisations.tasks.import_ods_monthly",
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=True,
)
def import_ods_monthly(self):
    """Fetch the month's ODS reports (changes since the last monthly run where offered) and import them."""
    if not settings.ODS_EXPORT_URL:
        log.info("ODS_EXPORT_URL is not set: the monthly ODS import has nothing to fetch")
        return {"outcome": "not configured"}
    started_at = timezone.now()
    since = selectors.last_monthly_ods_import_on()
    try:
        files = fetch_reports(since)
    except OdsFetchError as error:
        if self.request.retries < self.max_retries:
            log.warning("ODS fetch failed (attempt %s), retrying: %s", self.request.retries + 1, error)
            raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error
        _record_fetch_failure(f"{error} Gave up after {self.max_retries + 1} attempts.", started_at)
        raise
    except OdsFetchRefused as error:
        _record_fetch_failure(str(error), started_at)
        raise
    outcome, run = services.ods_import(by=None, files=files, via=ImportRun.Via.TASK)
    return {
        "outcome": "applied",
        "run": run.pk,
        "since": since.isoformat() if since else None,
        **outcome.summary(),
    }
