"""Every write a person can make to a discharge follow-up: one function per use case.

Each takes `by=` (the acting user), checks permission inside, runs in a transaction with the row
locked, and leaves a history row saying who, when and why. Nothing is ever deleted: a duplicate is
merged (kept, pointing at the one to track), a misrouted follow-up is redirected, not rejected.

    intake.py         recording a follow-up (duplicates refused or merged)
    transitions.py    the pharmacy's and the trust's moves through the states
    onward.py         the PCN's onward medication review, closed by a visit
    opening_hours.py  a pharmacy's weekly opening hours (the stage-1 timer counts them)
"""

from discharge.services.intake import DuplicateReference, PossibleDuplicate, followup_record
from discharge.services.onward import followup_close_onward_referral, onward_referrals_closed_by_visit
from discharge.services.opening_hours import pharmacy_reset_opening_hours, pharmacy_set_opening_hours
from discharge.services.transitions import (
    STAGES,
    followup_acknowledge,
    followup_close_complete,
    followup_close_partial,
    followup_hold,
    followup_merge,
    followup_record_stage,
    followup_redirect,
    followup_reopen,
    followup_report_readmission,
    followup_resume,
)

__all__ = [
    "STAGES",
    "DuplicateReference",
    "PossibleDuplicate",
    "followup_acknowledge",
    "followup_close_complete",
    "followup_close_onward_referral",
    "followup_close_partial",
    "followup_hold",
    "followup_merge",
    "followup_record",
    "followup_record_stage",
    "followup_redirect",
    "followup_reopen",
    "followup_report_readmission",
    "followup_resume",
    "onward_referrals_closed_by_visit",
    "pharmacy_reset_opening_hours",
    "pharmacy_set_opening_hours",
]
