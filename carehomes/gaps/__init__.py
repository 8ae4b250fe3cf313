"""Gaps in care-home pharmacy support: computed, never stored by hand.

A care home has a gap when it has no current named lead, has had no visit in the last
`NO_VISIT_DAYS` days (28 by default: a visit 28 days ago still counts, 29 does not), is in an
outbreak with no visit since the outbreak began (an outbreak that began today and has no visit
today is a gap), or its lead is over capacity (assigned more hours than they have available).
A PCN has a gap when care homes are aligned to it and it has committed no hours.

Every rule is decided in the database by annotating a queryset (`with_gap_facts`), so a list of
homes can be filtered by "has a gap" and the gap list costs the same few queries for 150 homes
or 15,000. Python turns the annotated rows into plain-English reasons; a page that shows one
home decides its rules in Python from its kept state (`home_with_gap_facts`, held equal to the
annotations by a test), which costs less than compiling the annotations.

    homes = with_gap_facts(CareHome.objects.all())
    homes.filter(gap_count__gt=0)
    gaps = current_gaps()                       # every gap, worst first
    page = GapList(homes=...)[0:50]             # the first 50 of them, building only those
    gaps_for_home(home_with_facts)              # the gaps of one annotated home
    home_with_gap_facts(CareHome.objects.filter(pk=pk))  # one home's facts, decided in Python

The package: `rules` (the rules, `Gap`, the registry other apps add rules through),
`conditions` (the rules as annotations, from the kept state or the raw tables), `lists`
(reasons, the PCN rule, every gap, counts), `paged` (the paged `GapList`).
"""

from carehomes.gaps.conditions import home_with_gap_facts, with_gap_facts, with_gap_flags, with_gaps
from carehomes.gaps.lists import (
    current_gaps,
    gap_counts,
    gaps_for_home,
    pcn_gap,
    pcns_with_gaps,
)
from carehomes.gaps.paged import GapList
from carehomes.gaps.rules import (
    CARE_HOME_RULES,
    GAP_SOURCES,
    HIGH,
    LEAD_OVER_CAPACITY,
    LOW,
    MEDIUM,
    NO_LEAD,
    NO_RECENT_VISIT,
    OUTBREAK_NOT_VISITED,
    PCN_NO_HOURS,
    RULES,
    SEVERITY_ORDER,
    Gap,
    GapSource,
    KnownKeys,
    Rule,
    gap_key,
    no_visit_days,
    register_gap_source,
    rule_order,
)

__all__ = [
    "CARE_HOME_RULES",
    "GAP_SOURCES",
    "HIGH",
    "LEAD_OVER_CAPACITY",
    "LOW",
    "MEDIUM",
    "NO_LEAD",
    "NO_RECENT_VISIT",
    "OUTBREAK_NOT_VISITED",
    "PCN_NO_HOURS",
    "RULES",
    "SEVERITY_ORDER",
    "Gap",
    "GapList",
    "GapSource",
    "KnownKeys",
    "Rule",
    "current_gaps",
    "gap_key",
    "gap_counts",
    "gaps_for_home",
    "home_with_gap_facts",
    "no_visit_days",
    "pcn_gap",
    "pcns_with_gaps",
    "register_gap_source",
    "rule_order",
    "with_gap_facts",
    "with_gap_flags",
    "with_gaps",
]
