"""What every read of follow-ups shares: the timers' cut-offs for this moment, which follow-ups a
person may see, and the trusts that ever referred one."""

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from carehomes.models import Assignment, CareHome, Visit
from discharge import timers
from discharge.models import DischargeFollowUp, PharmacyOpeningHours
from organisations.access import (
    COMMUNITY_PHARMACY,
    PHARMACY_PROFESSIONAL,
    TRUST_DISCHARGE_TEAM,
    has_role,
    is_leadership,
    organisation_ids_for,
    staff_member_for,
)


def current_cutoffs(now=None) -> timers.Cutoffs:
    """The timers' cut-offs for this moment (one query: every recorded opening session)."""
    now = now or timezone.now()
    rows = PharmacyOpeningHours.objects.values_list("pharmacy_id", "weekday", "opens_at", "closes_at")
    return timers.cutoffs(now, list(rows))


def supported_home_ids(user):
    """The homes a pharmacy professional supports: assigned now, or visited (cover happens)."""
    member = staff_member_for(user)
    if member is None:
        return CareHome.objects.none().values("pk")
    assigned = Assignment.objects.current().filter(staff=member).values("care_home_id")
    visited = Visit.objects.filter(staff=member).values("care_home_id")
    return CareHome.objects.filter(Q(pk__in=assigned) | Q(pk__in=visited)).values("pk")


def visible_followups(user):
    """Every follow-up the user may see: PM and SLT all; a trust's team its own; a pharmacy the
    ones sent to it; a PCN pharmacist the onward referrals at the homes they support."""
    queryset = DischargeFollowUp.objects.all()
    if is_leadership(user):
        return queryset
    organisations = list(organisation_ids_for(user))
    scope = Q(pk__in=[])
    if has_role(user, TRUST_DISCHARGE_TEAM):
        scope |= Q(trust_id__in=organisations)
    if has_role(user, COMMUNITY_PHARMACY):
        scope |= Q(pharmacy_id__in=organisations)
    if has_role(user, PHARMACY_PROFESSIONAL):
        scope |= Q(onward_referral=True, care_home_id__in=supported_home_ids(user))
    return queryset.filter(scope)


# The trusts that ever sent a follow-up, by a loose index scan of (trust, received_at): one index
# probe per trust, not a pass over every follow-up (200,000 a year nationally).
TRUSTS_THAT_REFERRED = """
WITH RECURSIVE referring(trust_id) AS (
    SELECT MIN(trust_id) FROM discharge_dischargefollowup
    UNION ALL
    SELECT (SELECT MIN(f.trust_id) FROM discharge_dischargefollowup f WHERE f.trust_id > referring.trust_id)
    FROM referring WHERE referring.trust_id IS NOT NULL
)
SELECT trust_id FROM referring WHERE trust_id IS NOT NULL
"""


def referring_trust_ids():
    with connection.cursor() as cursor:
        cursor.execute(TRUSTS_THAT_REFERRED)
        return [row[0] for row in cursor.fetchall()]
