"""Celery tasks the whole hub shares."""

from celery import shared_task
from django.core.mail import send_mail

from config.mail import one_line


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def send_email(*, subject, body, recipients):
    """Send one e-mail; on a mail-server error, try again with back-off (about an hour in all)."""
    return send_mail(one_line(subject), body, None, list(recipients), fail_silently=False)
