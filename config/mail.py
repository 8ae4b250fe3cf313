"""The hub's e-mail: queued after the commit, sent by a Celery task with retries.

A mail failure never fails or loses the saved request: the write has committed before anything is
queued, the task retries with back-off on a worker, and on the embedded default (tasks run
in-process) a failure after the retries is logged here, never raised into the request.
Subjects are one line (a line break in a title would otherwise be refused by the mail library
with an error); links are absolute, from SITE_URL.
"""

import logging

from django.conf import settings
from django.db import transaction

log = logging.getLogger("hub.mail")

SUBJECT_LIMIT = 150


def one_line(subject: str) -> str:
    """The subject on one line: every run of whitespace (line breaks included) becomes a space."""
    text = " ".join(str(subject).split())
    return text if len(text) <= SUBJECT_LIMIT else text[: SUBJECT_LIMIT - 1].rstrip() + "…"


def absolute_url(path: str) -> str:
    """An address people can follow from an e-mail: SITE_URL and the path."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def _send_now(subject, body, recipients):
    from config.tasks import send_email

    try:
        send_email.delay(subject=subject, body=body, recipients=recipients)
    except Exception:  # noqa: BLE001 - a mail failure must never reach the person's request
        log.exception("e-mail not sent: %s recipient(s)", len(recipients))


def email_queue(*, subject: str, body: str, recipients) -> None:
    """Queue an e-mail to send once the current transaction commits (at once outside one)."""
    recipients = [address for address in dict.fromkeys(recipients or ()) if address]
    if not recipients:
        return
    subject = one_line(subject)
    transaction.on_commit(lambda: _send_now(subject, body, recipients))
