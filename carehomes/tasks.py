"""Celery tasks of the care-homes app: thin wrappers around services."""

from celery import shared_task

from carehomes.hours_state import organisation_hours_check
from carehomes.state import carehome_state_check
from carehomes.visits.totals import visit_totals_check


@shared_task(acks_late=True)
def check_care_home_state():
    """Nightly: recompute every home's kept state from the raw tables; log drift and repair it."""
    return carehome_state_check(repair=True)


@shared_task(acks_late=True)
def check_organisation_hours():
    """Nightly: recompute every organisation's kept hour totals; log drift and repair it."""
    return organisation_hours_check(repair=True)


@shared_task(acks_late=True)
def check_visit_totals():
    """Nightly: recompute the visit list's day totals from the visit table; log drift and repair it."""
    return visit_totals_check(repair=True)
