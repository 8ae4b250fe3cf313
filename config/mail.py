"""The hub's e-mail, all of it: an outbox row written with the record, sent after the commit.

`email_queue()` is the only way the hub sends e-mail (a test checks that no other module calls
the mail library). It writes an `OutboxEmail` row in the caller's transaction and, once that
commits, queues the mail task (`config.tasks.send_email`) with the row's id: nothing but the id is
a task argument. `deliver()` sends one row; a failure is recorded on the row (attempts, the error's
kind, the next attempt after a back-off) and never raised into the request that saved the record.

Retries (ADR 0013): on a worker the task retries itself at the row's next attempt; whatever is
still due (a worker restarted, a broker lost) is sent by the periodic `send_due_email` task. On the
embedded default, where tasks run in-process, a failed message is sent again after a later request
once it is due (`EMAIL_RETRY_AFTER_REQUESTS`), or by `manage.py send_queued_email` from cron.
A message is claimed with a short lease before it is sent, so two senders never send it twice.

Subjects are one line (a line break in a title would otherwise be refused by the mail library);
links are absolute, from SITE_URL. A message whose text the patient-data validator refuses is
never queued (a second line of defence: every field it is built from was validated when saved).
"""

import datetime
import logging
import re
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from config.patient_data import patient_data_problem

log = logging.getLogger("hub.mail")

# A link the hub writes into an e-mail (a password reset, an invitation) carries a random token,
# which can hold ten digits that pass the NHS number check; the text around it is what people wrote,
# and each field of it went through the validator when it was saved.
_LINK = re.compile(r"https?://\S+")

SUBJECT_LIMIT = 150
FIRST_RETRY_SECONDS = 30
LONGEST_WAIT_SECONDS = 60 * 60
MAX_ATTEMPTS = 12  # 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: about seven hours in all
LEASE = datetime.timedelta(minutes=5)
KEEP_SENT_DAYS = 90


def one_line(subject: str) -> str:
    """The subject on one line: every run of whitespace (line breaks included) becomes a space."""
    text = " ".join(str(subject).split())
    return text if len(text) <= SUBJECT_LIMIT else text[: SUBJECT_LIMIT - 1].rstrip() + "…"


def absolute_url(path: str) -> str:
    """An address people can follow from an e-mail: SITE_URL and the path."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the given number of failed attempts."""
    return datetime.timedelta(
        seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_WAIT_SECONDS)
    )


def email_queue(*, subject: str, body: str, recipients, purpose: str, bcc: bool = False, attachment=None):
    """Write the e-mail to the outbox now and send it once the current transaction commits.

    `attachment` is (file name, bytes, content type). Returns the outbox row (None when there is
    nobody to send to, or when its text holds what the patient-data validator refuses: then the
    message is withheld and the log names its purpose, never its content).
    """
    from config.models import OutboxEmail

    recipients = [address for address in dict.fromkeys(recipients or ()) if address]
    if not recipients:
        return None
    subject = one_line(subject)
    if patient_data_problem(subject) or patient_data_problem(_LINK.sub(" ", body)):
        log.error("e-mail (%s) withheld: its text held what the patient-data validator refuses", purpose)
        return None
    name, content, content_type = attachment or ("", None, "")
    email = OutboxEmail.objects.create(
        purpose=purpose,
        subject=subject,
        body=body,
        recipients=recipients,
        hide_recipients=bcc,
        attachment_name=name,
        attachment=content,
        attachment_type=content_type,
    )
    transaction.on_commit(lambda: _queue_task(email.pk))
    return email


def _queue_task(outbox_id):
    try:
        send_email.delay(outbox_id)
    except Exception:  # noqa: BLE001 - a broker or mail failure must never reach the person's request
        # The row is still due: the periodic task (or the next request, embedded) sends it.
        log.exception("e-mail %s not handed to the mail task; it stays in the outbox", outbox_id)
        _note_due(timezone.now())


def deliver(outbox_id, *, now=None) -> str:
    """Send one outbox row if it is due and nobody else holds it: "sent", "failed" or "skipped"."""
    from config.models import OutboxEmail

    now = now or timezone.now()
    waiting = OutboxEmail.objects.filter(
        pk=outbox_id, sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now
    )
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    if not waiting.filter(free).update(claimed_until=now + LEASE):
        return "skipped"
    email = OutboxEmail.objects.get(pk=outbox_id)
    message = EmailMessage(
        subject=one_line(email.subject),
        body=email.body,
        to=[] if email.hide_recipients else list(email.recipients),
        bcc=list(email.recipients) if email.hide_recipients else [],
    )
    if email.attachment_name:
        message.attach(email.attachment_name, bytes(email.attachment), email.attachment_type)
    email.attempts += 1
    email.claimed_until = None
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - recorded on the row and tried again, never raised
        email.last_error = type(error).__name__[:200]
        if email.attempts >= MAX_ATTEMPTS:
            email.given_up_at = now
            log.error("e-mail %s (%s) given up after %s attempts", email.pk, email.purpose, email.attempts)
        else:
            email.next_attempt_at = now + backoff(email.attempts)
            _note_due(email.next_attempt_at)
            log.warning(
                "e-mail %s (%s) not sent (attempt %s, %s); next attempt in %s seconds",
                email.pk,
                email.purpose,
                email.attempts,
                email.last_error,
                int(backoff(email.attempts).total_seconds()),
            )
        email.save(
            update_fields=["attempts", "claimed_until", "last_error", "given_up_at", "next_attempt_at"]
        )
        return "failed"
    email.sent_at = timezone.now()
    email.body = ""  # it may hold a one-time link; what was sent is the subject and the recipients
    email.attachment = None
    email.save(update_fields=["attempts", "claimed_until", "sent_at", "body", "attachment"])
    return "sent"


def due_ids(*, now=None, limit=100):
    from config.models import OutboxEmail

    now = now or timezone.now()
    return list(
        OutboxEmail.objects.filter(sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_due(*, now=None) -> dict:
    """Send every message that is due (retries included); forget sent ones past KEEP_SENT_DAYS."""
    from config.models import OutboxEmail

    now = now or timezone.now()
    outcomes = {"sent": 0, "failed": 0, "skipped": 0}
    for outbox_id in due_ids(now=now):
        outcomes[deliver(outbox_id, now=now)] += 1
    OutboxEmail.objects.filter(sent_at__lt=now - datetime.timedelta(days=KEEP_SENT_DAYS)).delete()
    waiting = OutboxEmail.objects.filter(sent_at__isnull=True, given_up_at__isnull=True)
    _next_due.clear()
    if (earliest := waiting.aggregate(at=Min("next_attempt_at"))["at"]) is not None:
        _note_due(earliest)
    return outcomes


# The embedded default: no worker, no scheduler. A process that saw a message fail (or that has
# just started and may have inherited one) sends what is due after a later request.
_next_due: list = [0.0]  # epoch seconds of the earliest known due message in this process; empty: none
_MIN_GAP_SECONDS = 30
_last_run = [0.0]


def _note_due(when):
    at = when.timestamp()
    _next_due[:] = [min([*_next_due, at])]


def send_due_after_request(**_kwargs):
    """`request_finished` receiver (embedded default): send what is due, after the response."""
    if not getattr(settings, "EMAIL_RETRY_AFTER_REQUESTS", False) or not _next_due:
        return
    now = time.time()
    if now < _next_due[0] or now - _last_run[0] < _MIN_GAP_SECONDS:
        return
    _last_run[0] = now
    try:
        send_due()
    except Exception:  # noqa: BLE001 - never let the outbox break the serving of pages
        log.exception("queued e-mail could not be sent after a request")


# The mail tasks live beside the outbox they send, so that this module never imports the task
# module that calls it (no import circle); `config.tasks` lists them under their names.
@shared_task(name="config.tasks.send_email", bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_email(self, outbox_id):
    """Send one outbox e-mail (its id is the only argument). On a worker a failure is retried at
    the row's next attempt (back-off, `backoff`) until it is sent or given up; in-process
    (the embedded default) the failure is recorded on the row and sent again later (ADR 0013)."""
    outcome = deliver(outbox_id)
    if outcome == "failed" and not self.request.is_eager:
        from config.models import OutboxEmail

        email = OutboxEmail.objects.filter(pk=outbox_id, given_up_at__isnull=True).first()
        if email is not None:
            wait = max((email.next_attempt_at - timezone.now()).total_seconds(), 1)
            raise self.retry(countdown=wait)
    return outcome


@shared_task(name="config.tasks.send_due_email", ignore_result=True)
def send_due_email():
    """Every minute on a worker: send whatever in the outbox is due (a retry a worker lost, a
    message queued while the broker was down)."""
    return send_due()
