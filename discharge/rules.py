"""Rules for discharge follow-ups (auto-discovered by django-rules).

Trust discharge teams see and record their own trust's follow-ups; community pharmacies see and
work the ones sent to them; PCN pharmacists see the onward referrals at homes they support; the
project manager and SLT see everything, and the project manager may act on any.
"""

import rules

from carehomes.rules import supports_home
from organisations.access import (
    acts_for,
    is_community_pharmacy,
    is_coordinator,
    is_leadership,
    is_pharmacy_professional,
    is_trust_discharge_team,
    organisation_ids_for,
)
from organisations.permissions import Permission

# The follow-up was sent by the user's trust (or `obj` is that trust).
is_own_trust = acts_for("trust_id", "is_own_trust")


@rules.predicate
def is_own_pharmacy(user, follow_up):
    return follow_up is not None and follow_up.pharmacy_id in organisation_ids_for(user)


@rules.predicate
def supports_followup_home(user, follow_up):
    return follow_up is not None and supports_home(user, follow_up.care_home)


@rules.predicate
def has_onward_referral(user, follow_up):
    return follow_up is not None and follow_up.onward_referral


may_see_all = is_leadership
trust_team_own = is_trust_discharge_team & is_own_trust
pharmacy_own = is_community_pharmacy & is_own_pharmacy

rules.add_perm(
    Permission.LIST_FOLLOWUPS,
    is_leadership | is_trust_discharge_team | is_community_pharmacy | is_pharmacy_professional,
)
rules.add_perm(
    Permission.VIEW_DISCHARGEFOLLOWUP,
    may_see_all
    | trust_team_own
    | pharmacy_own
    | (is_pharmacy_professional & has_onward_referral & supports_followup_home),
)
# Recording and uploading: the trust's own team (object: the trust), or the project manager.
rules.add_perm(Permission.ADD_DISCHARGEFOLLOWUP, is_coordinator | trust_team_own)
rules.add_perm(Permission.UPLOAD_FOLLOWUPS, is_coordinator | is_trust_discharge_team)
# The pharmacy's work: acknowledge, stages, close, hold, redirect.
rules.add_perm(Permission.WORK_FOLLOWUP, is_coordinator | pharmacy_own)
# Merging a duplicate and reopening: either end of the referral, or the project manager.
rules.add_perm(Permission.MERGE_FOLLOWUP, is_coordinator | pharmacy_own | trust_team_own)
rules.add_perm(Permission.REOPEN_FOLLOWUP, is_coordinator | pharmacy_own | trust_team_own)
# Readmissions within 30 days are the trust's to report.
rules.add_perm(Permission.REPORT_READMISSION, is_coordinator | trust_team_own)
# The onward medication review is closed by a PCN pharmacist who supports the home.
rules.add_perm(
    Permission.CLOSE_ONWARD_REFERRAL,
    is_coordinator | (is_pharmacy_professional & supports_followup_home & has_onward_referral),
)
rules.add_perm(Permission.LIST_REPORTS, is_leadership | is_trust_discharge_team)
rules.add_perm(Permission.VIEW_REPORT, is_leadership | trust_team_own)


@rules.predicate
def is_own_organisation(user, organisation):
    """`organisation` is the user's own (their employer or second organisation)."""
    return organisation is not None and organisation.pk in organisation_ids_for(user)


# A pharmacy's opening hours: its own staff, or the project manager (object: the pharmacy).
rules.add_perm(
    Permission.CHANGE_OPENING_HOURS, is_coordinator | (is_community_pharmacy & is_own_organisation)
)
