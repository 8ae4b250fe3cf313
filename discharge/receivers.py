"""Receivers for the hooks carehomes offers (carehomes never imports discharge)."""

from django.dispatch import receiver

from carehomes.signals import visit_logged
from discharge.services import onward_referrals_closed_by_visit


@receiver(visit_logged, dispatch_uid="discharge_close_onward_referrals")
def close_onward_referrals(sender, visit, by, **kwargs):
    """A committed visit with a post-discharge review closes the home's open onward referrals."""
    onward_referrals_closed_by_visit(visit=visit, by=by)
