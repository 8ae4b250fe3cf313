"""Celery task for discharge follow-ups: the hourly alerts (thin, idempotent, retried on transient errors)."""

import redis.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError

from discharge.alerts import alerts_send

TRANSIENT_ERRORS = (OperationalError, InterfaceError, redis.exceptions.ConnectionError)


@shared_task(
    name="discharge.tasks.send_discharge_alerts",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def send_discharge_alerts():
    """Every hour (beat, locked by redbeat): e-mail each new lost, overdue or stalled alert once."""
    return alerts_send()
