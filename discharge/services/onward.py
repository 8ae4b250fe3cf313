"""The onward referral to the PCN for a structured medication review, and the visit that closes it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from discharge.models import DischargeFollowUp
from discharge.services._common import begin, save
from organisations.permissions import Permission


@transaction.atomic
def followup_close_onward_referral(*, by, follow_up, visit=None) -> DischargeFollowUp:
    """The PCN team has done the structured medication review the pharmacy referred the resident for."""
    follow_up = begin(follow_up, by=by, permission=Permission.CLOSE_ONWARD_REFERRAL)
    if not follow_up.onward_referral or follow_up.onward_closed_at is not None:
        raise ValidationError("This follow-up has no open onward referral.")
    follow_up.onward_closed_at = timezone.now()
    follow_up.onward_visit = visit
    return save(follow_up, by=by, reason="Onward medication review done")


def onward_referrals_closed_by_visit(*, visit, by):
    """A logged visit with a post-discharge review closes the home's open onward referrals.

    Only referrals made before the visit was logged, and only those the visitor may close.
    """
    if not visit.activity_post_discharge_review or by is None:
        return []
    closed = []
    candidates = DischargeFollowUp.objects.filter(
        care_home_id=visit.care_home_id,
        onward_referral=True,
        onward_closed_at__isnull=True,
        stage3_at__date__lte=visit.visited_on,
    ).order_by("pk")
    for follow_up in candidates:
        if by.has_perm(Permission.CLOSE_ONWARD_REFERRAL, follow_up):
            closed.append(followup_close_onward_referral(by=by, follow_up=follow_up, visit=visit))
    return closed
