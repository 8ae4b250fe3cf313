"""Celery tasks the whole hub shares."""

from celery import shared_task
from django.utils import timezone

from config import mail


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_email(self, outbox_id):
    """Send one outbox e-mail (its id is the only argument). On a worker a failure is retried at
    the row's next attempt (back-off, `config.mail.backoff`) until it is sent or given up; in-process
    (the embedded default) the failure is recorded on the row and sent again later (ADR 0013)."""
    outcome = mail.deliver(outbox_id)
    if outcome == "failed" and not self.request.is_eager:
        from config.models import OutboxEmail

        email = OutboxEmail.objects.filter(pk=outbox_id, given_up_at__isnull=True).first()
        if email is not None:
            wait = max((email.next_attempt_at - timezone.now()).total_seconds(), 1)
            raise self.retry(countdown=wait)
    return outcome


@shared_task(ignore_result=True)
def send_due_email():
    """Every minute on a worker: send whatever in the outbox is due (a retry a worker lost, a
    message queued while the broker was down)."""
    return mail.send_due()
