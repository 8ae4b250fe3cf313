"""Celery tasks for discharge follow-ups: the hourly alerts (thin, idempotent, retried on transient
errors) and the nightly check of the kept daily counts."""

from celery import shared_task

from config.task_retries import retried_task
from discharge.alerts import alerts_send
from discharge.day_counts import day_counts_check


@retried_task("discharge.tasks.send_discharge_alerts")
def send_discharge_alerts():
    """Every hour (beat, locked by redbeat): e-mail each new lost, overdue or stalled alert once."""
    return alerts_send()


@shared_task(name="discharge.tasks.check_day_counts", acks_late=True)
def check_day_counts():
    """Nightly: recount the follow-ups' kept daily counts from the follow-ups; log drift and repair it."""
    return day_counts_check(repair=True)
