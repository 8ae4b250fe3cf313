"""Gaps as lists: each home's gaps with their reasons, the PCN rule, every current gap and the
headline counts (`GapList`, the gap list a page at a time, is in `carehomes.gaps.paged`)."""

from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from carehomes.gaps.conditions import (
    from_state,
    state_rule_conditions,
    with_gap_flags,
    with_gaps,
)
from carehomes.gaps.rules import (
    CARE_HOME_RULES,
    GAP_SOURCES,
    LEAD_OVER_CAPACITY,
    NO_LEAD,
    NO_RECENT_VISIT,
    OUTBREAK_NOT_VISITED,
    PCN_NO_HOURS,
    RULES,
    Gap,
    no_visit_days,
)
from carehomes.models import CareHome, CareHomeState
from carehomes.state import refresh_expired
from config.dates import uk_date
from config.presenters import hours as hours_text
from organisations.models import Organisation

HOME_RULE_CODES = {rule.code for rule in CARE_HOME_RULES}


def _days(since, today):
    return (today - since).days


def gaps_for_home(home, *, today: date | None = None) -> list[Gap]:
    """The gaps of one home annotated by `with_gap_facts`, worst first, each with its reason."""
    today = today or timezone.localdate()
    gaps = [
        home_gap(rule.code, home, today=today)
        for rule in CARE_HOME_RULES
        if getattr(home, f"gap_{rule.code}")
    ]
    return sorted(gaps, key=lambda g: g.sort_key)


def home_gap(code, home, *, today) -> Gap:
    """One care-home rule's gap for a home that has it, with its reason. `home` carries the facts
    `with_gap_facts` annotates (name, outbreak_started_on, last_visited_on, lead_name,
    lead_assigned_hours, lead_available_hours, lead_organisation_id), however they were read."""
    common = {
        "care_home_id": home.pk,
        "care_home_name": home.name,
        "pcn_id": home.pcn_id,
        "locality": home.locality,
        "organisation_ids": [i for i in (home.lead_organisation_id, home.pcn_id) if i],
    }
    if code == NO_LEAD.code:
        return Gap(NO_LEAD, f"{home.name} has no named lead pharmacist or technician.", **common)
    if code == OUTBREAK_NOT_VISITED.code:
        started = home.outbreak_started_on
        days = _days(started, today)
        when = (
            "today" if started == today else f"{uk_date(started)} ({days} day{'s' if days != 1 else ''} ago)"
        )
        return Gap(
            OUTBREAK_NOT_VISITED,
            f"{home.name} has had an outbreak since {when} and no visit since it began.",
            **common,
        )
    if code == NO_RECENT_VISIT.code:
        if home.last_visited_on is None:
            reason = f"{home.name} has never had a recorded visit."
        else:
            reason = (
                f"{home.name} was last visited {_days(home.last_visited_on, today)} days ago "
                f"({uk_date(home.last_visited_on)}); the rule is a visit at least every {no_visit_days()} days."
            )
        return Gap(NO_RECENT_VISIT, reason, **common)
    return Gap(
        LEAD_OVER_CAPACITY,
        f"{home.lead_name}, the lead for {home.name}, is assigned {hours_text(home.lead_assigned_hours)} "
        f"hours a week but has {hours_text(home.lead_available_hours)} available.",
        **common,
    )


def pcns_with_gaps(queryset=None, *, raw=False):
    """PCNs that have care homes aligned and have committed no hours, with their home counts.

    The count of homes comes from each PCN's kept totals (`carehomes.hours_state`); `raw` counts
    the homes instead (the drift tests compare the two)."""
    queryset = Organisation.objects.filter(kind=Organisation.Kind.PCN) if queryset is None else queryset
    if raw:
        queryset = queryset.annotate(home_count=Count("pcn_care_homes", distinct=True))
    else:
        queryset = queryset.annotate(home_count=F("hours_state__pcn_home_count"))
    return (
        queryset.filter(home_count__gt=0)
        .filter(Q(committed_hours__lte=0) | Q(committed_hours__isnull=True))
        .order_by("name")
    )


def pcn_gap(pcn, *, home_count=None) -> Gap:
    homes = pcn.home_count if home_count is None else home_count
    return Gap(
        PCN_NO_HOURS,
        f"{pcn.name} has {homes} care home{'s' if homes != 1 else ''} aligned and has committed no staff hours.",
        pcn_id=pcn.pk,
        pcn_name=pcn.name,
        locality=pcn.locality,
        organisation_ids=[pcn.pk],
    )


def current_gaps(*, homes=None, pcns=None, today=None, rules=None) -> list[Gap]:
    """Every current gap, worst first. Two queries, whatever the number of homes.

    `homes` and `pcns` narrow the querysets (e.g. by locality, PCN or organisation);
    `rules` narrows to some rule codes.
    """
    today = today or timezone.localdate()
    gaps = []
    wanted = set(rules or RULES)
    if wanted & {r.code for r in CARE_HOME_RULES}:
        rows = with_gaps(homes, today=today).select_related("pcn")
        for home in rows:
            for gap in gaps_for_home(home, today=today):
                if gap.rule.code in wanted:
                    gap.pcn_name = home.pcn.name if home.pcn else ""
                    gaps.append(gap)
    if PCN_NO_HOURS.code in wanted:
        gaps.extend(pcn_gap(p) for p in pcns_with_gaps(pcns))
    for source in GAP_SOURCES:
        if wanted & {rule.code for rule in source.rules}:
            gaps.extend(g for g in source.collect(homes=homes, today=today) if g.rule.code in wanted)
    return sorted(gaps, key=lambda g: g.sort_key)


def gap_counts(*, homes=None, today=None, raw=False):
    """Headline counts per care-home rule, homes in outbreak, homes with any gap and PCNs with no
    hours. For every home today, from the kept state alone (`_kept_counts`); otherwise (some homes,
    another day, or `raw`: the drift tests) by one aggregate over the homes annotated with their
    gap flags."""
    today = today or timezone.localdate()
    if homes is None and from_state(today, raw):
        counts = _kept_counts(today)
    else:
        qs = with_gap_flags(homes, today=today, raw=raw)
        counts = qs.aggregate(
            homes=Count("pk"),
            **{rule.code: Count("pk", filter=Q(**{f"gap_{rule.code}": True})) for rule in CARE_HOME_RULES},
            any_gap=Count("pk", filter=Q(gap_count__gt=0)),
            in_outbreak=Count("pk", filter=_in_outbreak(today)),
        )
    return counts | {"pcn_no_hours": pcns_with_gaps(raw=raw).count()}


def _in_outbreak(today, prefix=""):
    return ~Q(**{f"{prefix}outbreak_status": CareHome.Outbreak.NONE}) & Q(
        **{f"{prefix}outbreak_started_on__lte": today}
    )


def _kept_counts(today):
    """Every home's rule counts from the kept state (`carehomes.state`), set-based: one scan of
    the narrow state rows (no join to the homes, no per-row CASE), the homes counted by their
    primary key, and the homes in outbreak (a few hundred, by a partial index) joined to their
    state. The same rules as `with_gap_flags` reading the state, row for row (the state-machine
    test in tests/carehomes/test_state.py compares them with the raw tables after every step)."""
    refresh_expired(today)
    rules = state_rule_conditions(today, prefix="")
    lead_gaps = rules["gap_no_lead"] | rules["gap_no_recent_visit"] | rules["gap_lead_over_capacity"]
    kept = CareHomeState.objects.aggregate(
        rows=Count("*"),
        no_lead=Count("pk", filter=rules["gap_no_lead"]),
        no_recent_visit=Count("pk", filter=rules["gap_no_recent_visit"]),
        lead_over_capacity=Count("pk", filter=rules["gap_lead_over_capacity"]),
        any_gap=Count("pk", filter=lead_gaps),
    )
    homes = CareHome.objects.count()
    # A home with no state row yet (only between a bulk load and its rebuild) reads as the join
    # reads it: no lead, never visited.
    missing = homes - kept["rows"]
    never = Q(state__isnull=True) | Q(state__last_visited_on__isnull=True)
    in_state = state_rule_conditions(today, prefix="state__")
    state_gap = in_state["gap_no_lead"] | in_state["gap_no_recent_visit"] | in_state["gap_lead_over_capacity"]
    not_visited = never | Q(state__last_visited_on__lt=F("outbreak_started_on"))
    outbreak = CareHome.objects.filter(_in_outbreak(today)).aggregate(
        in_outbreak=Count("pk"),
        not_visited=Count("pk", filter=not_visited),
        only_gap=Count("pk", filter=not_visited & Q(state__isnull=False) & ~state_gap),
    )
    return {
        "homes": homes,
        "no_lead": kept["no_lead"] + missing,
        "outbreak_not_visited": outbreak["not_visited"],
        "no_recent_visit": kept["no_recent_visit"] + missing,
        "lead_over_capacity": kept["lead_over_capacity"],
        "any_gap": kept["any_gap"] + missing + outbreak["only_gap"],
        "in_outbreak": outbreak["in_outbreak"],
    }
