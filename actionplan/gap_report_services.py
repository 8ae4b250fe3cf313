"""The weekly gap report: a frozen snapshot of every gap and headline figure of one ISO week.

    gap_report_generate(week="2026-W48")          # one current report per week, however often asked
    gap_report_generate(week=..., regenerate=True) # an explicit new version; the old one is kept
    gap_report_backfill(weeks=52)                 # history for the demo data (labelled "backfilled")

One current report per week is held by the database (a conditional unique constraint), so two
runs at once, or a Celery retry, leave one report: the loser of the race returns the winner's.
What a report holds is read by `actionplan.gap_report_selectors`.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from actionplan import gap_report_selectors
from actionplan.models import GapReport
from actionplan.report_documents import report_pdf
from actionplan.report_terms import HEADLINE_LABELS, parse_week, week_of, week_title
from config.mail import email_queue
from organisations.access import require
from organisations.permissions import Permission

log = logging.getLogger(__name__)


def gap_report_generate(
    *, week, by=None, regenerate=False, requested_at=None, as_of=None, backfilled=False, notify=True
):
    """Make the report of an ISO week, or return the one that exists.

    Idempotent: with a current report for the week and no `regenerate`, that report is returned
    untouched. `regenerate=True` is the explicit choice to make a new version: the earlier one
    is kept (is_current=False). Concurrent runs for one week leave one report, because the
    database allows one current report per week; the loser returns the winner's report.
    `by` is the acting user (None for the scheduler and the command line).
    `requested_at` makes a regeneration safe to retry: a current report made at or after that
    moment already answers the request, so no further version is made.
    When a report is newly made, the SLT members are emailed its PDF once the transaction commits.
    """
    if by is not None:
        require(by, Permission.ADD_GAPREPORT)
    parse_week(week)
    existing = GapReport.objects.filter(week=week, is_current=True).first()
    if existing is not None and regenerate and requested_at is not None:
        regenerate = existing.generated_at < requested_at
    if existing is not None and not regenerate:
        return existing
    data = gap_report_selectors.compute_report_data(week, as_of=as_of, backfilled=backfilled)
    try:
        with transaction.atomic():
            if regenerate:
                versions = list(GapReport.objects.select_for_update().filter(week=week).order_by("version"))
                GapReport.objects.filter(week=week, is_current=True).update(is_current=False)
                version = (versions[-1].version if versions else 0) + 1
            else:
                version = (GapReport.objects.filter(week=week).aggregate(v=Max("version"))["v"] or 0) + 1
            report = GapReport(
                week=week,
                version=version,
                is_current=True,
                generated_at=timezone.now(),
                generated_by=by,
                data=data,
            )
            report.full_clean()
            report.save()
            if notify:
                transaction.on_commit(lambda: gap_report_email(report_id=report.pk))
    except (IntegrityError, ValidationError) as error:
        # Another run made this week's report first: that one stands.
        winner = GapReport.objects.filter(week=week, is_current=True).first()
        if winner is None:
            raise
        log.info("gap report %s already made by another run (%s)", week, error.__class__.__name__)
        return winner
    log.info("gap report %s version %s made", week, report.version)
    return report


def gap_report_backfill(*, weeks=52, today=None):
    """Reports for the `weeks` weeks before this one that have none, oldest first, for the demo.

    Each is computed as of its week's last day and labelled "backfilled"; no email is sent.
    """
    today = today or timezone.localdate()
    made = []
    for n in range(weeks, 0, -1):
        week = week_of(today - datetime.timedelta(days=7 * n))
        if GapReport.objects.filter(week=week, is_current=True).exists():
            continue
        _, sunday = parse_week(week)
        made.append(gap_report_generate(week=week, as_of=sunday, backfilled=True, notify=False))
    return made


def gap_report_email(*, report_id):
    """Email a newly made report's PDF to the SLT members, through the outbox (`config.mail`): a
    mail failure is retried there and never raised here; the report stands, and is on the hub for
    anyone who missed the email."""
    report = GapReport.objects.get(pk=report_id)
    recipients = gap_report_selectors.slt_recipients()
    if not recipients:
        return 0
    headlines = report.data.get("headlines", {})
    body = "\n".join(
        [
            f"The weekly gap report for {week_title(report.week)} is ready.",
            "",
            *(
                f"{label}: {headlines[key]}"
                for key, label in HEADLINE_LABELS.items()
                if key in headlines and not isinstance(headlines[key], dict)
            ),
            "",
            "The full report is attached as a PDF, and is on the hub under Reports.",
        ]
    )
    try:
        attachment = (
            f"gap-report-{report.week}.pdf",
            report_pdf(report, gap_report_selectors.previous_report_headlines(report.week)),
            "application/pdf",
        )
    except Exception:  # noqa: BLE001 - the e-mail still goes; the report is on the hub
        log.exception("could not make the PDF of gap report %s for its email", report.week)
        attachment = None
    queued = email_queue(
        subject=f"Weekly gap report: {week_title(report.week)}",
        body=body,
        recipients=recipients,
        bcc=True,
        attachment=attachment,
        purpose="weekly gap report",
    )
    return len(recipients) if queued else 0
