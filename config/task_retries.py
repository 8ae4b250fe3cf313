"""How the hub's queued work survives a lost worker or a moment without the database or broker:
a task acknowledged only when it has run (a worker killed part-way leaves it to be delivered
again) and retried with back-off on transient errors. Such a task must be safe to run twice."""

import redis.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS = (OperationalError, InterfaceError, redis.exceptions.ConnectionError)
RETRIES = 5


def retried_task(name, **options):
    """`@shared_task` named `name`, acknowledged late and retried with back-off (up to RETRIES
    times) on TRANSIENT_ERRORS."""
    return shared_task(
        name=name,
        acks_late=True,
        autoretry_for=TRANSIENT_ERRORS,
        retry_backoff=True,
        max_retries=RETRIES,
        **options,
    )
