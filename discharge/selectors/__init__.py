"""Reads of discharge follow-ups, scoped to who is asking, with the timers decided in the database; one
module per page family as in `discharge.views`: `followups`, `opening_hours` (`scope` holds what they
share: the cut-offs and who may see which follow-up). Callers import the names from here:
`from discharge import selectors`.
"""

from discharge.selectors.followups import (
    TIMER_FILTERS,
    WorstFirst,
    followup_detail,
    followup_duplicates,
    followup_filter_choices,
    followup_list,
    followup_of_trust,
    followup_timeline,
    late_counts,
    lost_from,
    merge_candidates,
    needs_me_now,
    organisation,
    redirect_choices,
    report_months,
    reporting_trusts,
    stage1_due,
    trusts_for,
    week_bounds,
)
from discharge.selectors.opening_hours import (
    community_pharmacy,
    opening_hours_history,
    opening_sessions,
    own_pharmacies,
    pharmacy_schedule,
    waiting_for_stage1_count,
)
from discharge.selectors.scope import (
    current_cutoffs,
    referring_trust_ids,
    supported_home_ids,
    visible_followups,
)

__all__ = [
    "TIMER_FILTERS",
    "WorstFirst",
    "community_pharmacy",
    "current_cutoffs",
    "followup_detail",
    "followup_duplicates",
    "followup_filter_choices",
    "followup_list",
    "followup_of_trust",
    "followup_timeline",
    "late_counts",
    "lost_from",
    "merge_candidates",
    "needs_me_now",
    "opening_hours_history",
    "opening_sessions",
    "organisation",
    "own_pharmacies",
    "pharmacy_schedule",
    "redirect_choices",
    "referring_trust_ids",
    "report_months",
    "reporting_trusts",
    "stage1_due",
    "supported_home_ids",
    "trusts_for",
    "visible_followups",
    "waiting_for_stage1_count",
    "week_bounds",
]
