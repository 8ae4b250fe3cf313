"""Alerts about follow-ups that are lost, overdue or stalled: raised once, e-mailed until delivered.

The timers are worked out when read (`discharge.timers`); this only tells people. Each follow-up
gets at most one alert of each kind (a unique constraint), so the hourly task can run twice, or
two workers at once, and nobody is e-mailed twice. An alert is marked sent when its e-mail is in
the hub's outbox, in the same transaction (`config.mail.email_queue`); the outbox sends it after
the commit and retries a failed delivery with back-off until it is sent (the "alert e-mail not
delivered" hazard). An alert that could not even be queued stays unsent and is tried next run.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.mail import absolute_url, email_queue
from discharge import selectors, timers
from discharge.models import DischargeAlert, DischargeFollowUp
from organisations.access import PROJECT_MANAGER
from organisations.models import StaffMember

log = logging.getLogger(__name__)

KINDS = {
    DischargeAlert.Kind.LOST: (timers.lost_q, "lost: not acknowledged within 1 working day"),
    DischargeAlert.Kind.OVERDUE: (timers.overdue_q, "overdue: stage 1 not done within 72 opening hours"),
    DischargeAlert.Kind.STALLED: (timers.stalled_q, "stalled: open for more than 14 days"),
}
MAX_ATTEMPTS = 24


def alerts_raise(*, now=None) -> int:
    """Make the alert rows for every follow-up that is lost, overdue or stalled now (each once)."""
    c = selectors.current_cutoffs(now)
    made = 0
    for kind, (condition, _) in KINDS.items():
        due = (
            DischargeFollowUp.objects.filter(condition(c))
            .exclude(alerts__kind=kind)
            .values_list("pk", flat=True)
        )
        rows = [DischargeAlert(follow_up_id=pk, kind=kind) for pk in due]
        DischargeAlert.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        made += len(rows)
    return made


def _recipients(follow_up):
    """The project managers and the receiving pharmacy's staff (and, when stalled, the trust's team)."""
    users = get_user_model().objects.filter(groups__name=PROJECT_MANAGER, is_active=True).exclude(email="")
    addresses = set(users.values_list("email", flat=True))
    organisations = [follow_up.pharmacy_id]
    staff = StaffMember.objects.filter(organisation_id__in=organisations, is_active=True)
    addresses |= {e for e in staff.values_list("email", flat=True) if e}
    addresses |= {e for e in staff.values_list("user__email", flat=True) if e}
    return sorted(addresses)


def _send(alert):
    follow_up = alert.follow_up
    what = KINDS[alert.kind][1]
    link = absolute_url(reverse("discharge:detail", args=[follow_up.pk]))
    recipients = _recipients(follow_up)
    if not recipients:
        log.warning("discharge alert %s has no one to send to", alert.pk)
        return []
    email_queue(
        subject=f"Discharge follow-up {follow_up.reference} is {alert.kind}",
        body=(
            f"The discharge follow-up {follow_up.reference} from {follow_up.trust} for a resident of "
            f"{follow_up.care_home} (sent to {follow_up.pharmacy}) is {what}.\n\n"
            f"See it and act on it in the hub: {link}\n"
        ),
        recipients=recipients,
        purpose="discharge alert",
    )
    return recipients


def alerts_send(*, now=None) -> dict:
    """Raise what is due, then e-mail every unsent alert once. Safe to run twice, or at once."""
    raised = alerts_raise(now=now)
    sent = failed = 0
    tried = []
    while True:
        with transaction.atomic():
            batch = list(
                DischargeAlert.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .exclude(pk__in=tried)
                .select_related("follow_up__trust", "follow_up__pharmacy", "follow_up__care_home")
                .order_by("pk")[:100]
            )
            if not batch:
                break
            for alert in batch:
                tried.append(alert.pk)
                alert.attempts += 1
                try:
                    with transaction.atomic():
                        alert.recipients = ", ".join(_send(alert))
                    alert.sent_at = timezone.now()
                    sent += 1
                except Exception:  # noqa: BLE001 - not even queued: tried again next hour, never lost
                    log.exception("discharge alert %s could not be e-mailed", alert.pk)
                    failed += 1
                alert.save(update_fields=["attempts", "recipients", "sent_at"])
    return {"raised": raised, "sent": sent, "failed": failed}
