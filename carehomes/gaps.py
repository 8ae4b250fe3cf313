"""Gaps in care-home pharmacy support: computed, never stored by hand.

A care home has a gap when it has no current named lead, has had no visit in the last
`NO_VISIT_DAYS` days (28 by default: a visit 28 days ago still counts, 29 does not), is in an
outbreak with no visit since the outbreak began (an outbreak that began today and has no visit
today is a gap), or its lead is over capacity (assigned more hours than they have available).
A PCN has a gap when care homes are aligned to it and it has committed no hours.

Every rule is decided in the database by annotating a queryset (`with_gap_facts`), so a list of
homes can be filtered by "has a gap" and the gap list costs the same few queries for 150 homes
or 15,000. Python only turns the annotated rows into plain-English reasons.

    homes = with_gap_facts(CareHome.objects.all())
    homes.filter(gap_count__gt=0)
    gaps = current_gaps()                       # every gap, worst first
    gaps_for_home(home_with_facts)              # the gaps of one annotated home
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from carehomes.models import Assignment, CareHome, Visit
from config.dates import uk_date
from config.presenters import hours as hours_text
from organisations.models import Organisation

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    fix: str  # what fixes it, shown as the link text


NO_LEAD = Rule("no_lead", "No named lead", HIGH, "Assign a named lead")
OUTBREAK_NOT_VISITED = Rule(
    "outbreak_not_visited", "Outbreak and no visit since it began", HIGH, "Log a visit"
)
NO_RECENT_VISIT = Rule("no_recent_visit", "No recent visit", MEDIUM, "Log a visit")
LEAD_OVER_CAPACITY = Rule("lead_over_capacity", "Lead over capacity", MEDIUM, "Rebalance the lead's homes")
PCN_NO_HOURS = Rule("pcn_no_hours", "PCN has committed no hours", MEDIUM, "Talk to the PCN")

CARE_HOME_RULES = (NO_LEAD, OUTBREAK_NOT_VISITED, NO_RECENT_VISIT, LEAD_OVER_CAPACITY)
RULES = {r.code: r for r in (*CARE_HOME_RULES, PCN_NO_HOURS)}


@dataclass
class Gap:
    rule: Rule
    reason: str
    care_home_id: int | None = None
    care_home_name: str = ""
    pcn_id: int | None = None
    pcn_name: str = ""
    locality: str = ""
    organisation_ids: list[int] = field(default_factory=list)
    # For a gap about neither a home nor a PCN (e.g. a trust): what it is about.
    subject_name: str = ""

    @property
    def severity(self):
        return self.rule.severity

    @property
    def sort_key(self):
        return (SEVERITY_ORDER[self.rule.severity], self.rule.code, self.subject)

    @property
    def subject(self):
        return self.care_home_name or self.pcn_name or self.subject_name

    def as_dict(self):
        return {
            "rule": self.rule.code,
            "name": self.rule.name,
            "severity": self.rule.severity,
            "reason": self.reason,
            "care_home_id": self.care_home_id,
            "care_home": self.care_home_name,
            "pcn_id": self.pcn_id,
            "pcn": self.pcn_name,
            "locality": self.locality,
            "subject": self.subject,
        }


# Rules from the apps above carehomes (which carehomes never imports), registered at start-up:
# each source says its rules and collects its gaps; `current_gaps` composes them with its own.
@dataclass(frozen=True)
class GapSource:
    rules: tuple
    # collect(homes=<CareHome queryset or None>, today=<date>) -> list[Gap]
    collect: object


GAP_SOURCES: list[GapSource] = []


def register_gap_source(*, rules, collect):
    """Add gap rules kept by another app (e.g. discharge); idempotent per rule set."""
    if any(source.rules == tuple(rules) for source in GAP_SOURCES):
        return
    GAP_SOURCES.append(GapSource(tuple(rules), collect))
    RULES.update({rule.code: rule for rule in rules})


def no_visit_days():
    return settings.HUB["NO_VISIT_DAYS"]


def _per_home_rule_conditions(today):
    """The same rules as correlated look-ups: cheaper when a page shows one home or a handful."""
    cutoff = today - timedelta(days=no_visit_days())
    current_lead = Assignment.objects.filter(care_home=OuterRef("pk"), role=Assignment.Role.LEAD).current(
        today
    )
    load = (
        Assignment.objects.filter(staff=OuterRef("staff_id"))
        .current(today)
        .order_by()
        .values("staff")
        .annotate(total=Sum("hours_per_week"))
        .values("total")
    )
    over_capacity_lead = current_lead.annotate(
        load=Subquery(load, output_field=DecimalField(max_digits=6, decimal_places=1))
    ).filter(load__gt=F("staff__hours_per_week"))
    visited = Visit.objects.filter(care_home=OuterRef("pk"), visited_on__lte=today)
    return {
        "gap_no_lead": ~Exists(current_lead),
        "gap_outbreak_not_visited": ~Q(outbreak_status=CareHome.Outbreak.NONE)
        & Q(outbreak_started_on__lte=today)
        & ~Exists(visited.filter(visited_on__gte=OuterRef("outbreak_started_on"))),
        "gap_no_recent_visit": ~Exists(visited.filter(visited_on__gte=cutoff)),
        "gap_lead_over_capacity": Exists(over_capacity_lead),
    }


def _rule_conditions(today):
    """One Q per care-home rule, each built on uncorrelated subqueries.

    PostgreSQL runs each `pk IN (SELECT ...)` once as a hashed sub-plan, so deciding every rule
    for 15,000 homes costs a few index range scans, not a sub-query per home.
    """
    cutoff = today - timedelta(days=no_visit_days())
    current_leads = Assignment.objects.filter(role=Assignment.Role.LEAD).current(today)
    over_capacity_staff = (
        Assignment.objects.current(today)
        .order_by()
        .values("staff")
        .annotate(total=Sum("hours_per_week"))
        .filter(total__gt=F("staff__hours_per_week"))
        .values("staff")
    )
    visited_recently = Visit.objects.filter(visited_on__gte=cutoff, visited_on__lte=today).values("care_home")
    visited_since_outbreak = Exists(
        Visit.objects.filter(
            care_home=OuterRef("pk"), visited_on__gte=OuterRef("outbreak_started_on"), visited_on__lte=today
        )
    )
    return {
        "gap_no_lead": ~Q(pk__in=current_leads.values("care_home")),
        # An outbreak counts from the day it began, so a report "as of" an earlier day ignores it.
        "gap_outbreak_not_visited": ~Q(outbreak_status=CareHome.Outbreak.NONE)
        & Q(outbreak_started_on__lte=today)
        & ~visited_since_outbreak,
        "gap_no_recent_visit": ~Q(pk__in=visited_recently),
        "gap_lead_over_capacity": Q(
            pk__in=current_leads.filter(staff__in=over_capacity_staff).values("care_home")
        ),
    }


def _from_state(today, raw=False):
    """Whether the rules can be read from the kept per-home state: only for today, which is the
    day the state describes (a report "as of" an earlier day reads the raw tables), and unless
    `raw` asks for the raw tables (the drift tests compare the two)."""
    return not raw and today == timezone.localdate()


def _has_lead(today):
    return (
        Q(state__lead_staff__isnull=False)
        & Q(state__lead_starts_on__lte=today)
        & (Q(state__lead_ends_on__isnull=True) | Q(state__lead_ends_on__gte=today))
    )


def _state_conditions(today):
    """The rules read from each home's kept state (`carehomes.state`): a join, no sub-queries.

    Stored dates are compared with today here, so a lead whose assignment ended yesterday, or a
    visit that is now 29 days old, counts as of today without any write.
    """
    cutoff = today - timedelta(days=no_visit_days())
    never_or_before = Q(state__last_visited_on__isnull=True)
    return {
        "gap_no_lead": Q(state__lead_staff__isnull=True)
        | Q(state__lead_starts_on__gt=today)
        | Q(state__lead_ends_on__lt=today),
        "gap_outbreak_not_visited": ~Q(outbreak_status=CareHome.Outbreak.NONE)
        & Q(outbreak_started_on__lte=today)
        & (never_or_before | Q(state__last_visited_on__lt=F("outbreak_started_on"))),
        "gap_no_recent_visit": never_or_before | Q(state__last_visited_on__lt=cutoff),
        "gap_lead_over_capacity": _has_lead(today)
        & Q(state__lead_assigned_hours__gt=F("state__lead_available_hours")),
    }


def with_gap_flags(queryset=None, *, today: date | None = None, few=False, raw=False):
    """Annotate care homes with one boolean per rule (gap_no_lead, …) and gap_count.

    For today the rules read each home's kept state; for another day (a report as of a past
    week) they are decided from the raw tables. There, `few=True` when the queryset holds one
    home or a handful: the rules then look each home up instead of deciding them for every home.
    """
    today = today or timezone.localdate()
    queryset = CareHome.objects.all() if queryset is None else queryset
    if _from_state(today, raw):
        from carehomes.state import refresh_expired

        refresh_expired(today)
        conditions = _state_conditions(today)
    else:
        conditions = _per_home_rule_conditions(today) if few else _rule_conditions(today)
    queryset = queryset.annotate(
        **{
            name: Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
            for name, condition in conditions.items()
        }
    )
    return queryset.annotate(
        gap_count=sum(
            (
                Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
                for condition in conditions.values()
            ),
            Value(0),
        )
    )


def with_gap_facts(queryset=None, *, today: date | None = None, few=False, raw=False):
    """`with_gap_flags`, plus what the reasons and lists show about each home.

    Extra annotations: lead_staff_id, lead_name, lead_organisation_id, lead_available_hours,
    lead_assigned_hours, last_visited_on. For today they come from the kept state (the lead's
    only while their assignment covers today); for another day, per-home look-ups that
    PostgreSQL evaluates only for the rows a page shows.
    """
    today = today or timezone.localdate()
    hours = DecimalField(max_digits=6, decimal_places=1)
    if _from_state(today, raw):
        lead = _has_lead(today)

        def if_lead(expression, output_field=None):
            return Case(When(lead, then=expression), default=Value(None), output_field=output_field)

        return with_gap_flags(queryset, today=today).annotate(
            lead_staff_id=if_lead(F("state__lead_staff_id"), IntegerField()),
            lead_name=if_lead(F("state__lead_staff__name")),
            lead_organisation_id=if_lead(F("state__lead_organisation_id"), IntegerField()),
            lead_available_hours=if_lead(F("state__lead_available_hours"), hours),
            lead_assigned_hours=if_lead(F("state__lead_assigned_hours"), hours),
            last_visited_on=F("state__last_visited_on"),
        )
    current_lead = (
        Assignment.objects.filter(care_home=OuterRef("pk"), role=Assignment.Role.LEAD)
        .current(today)
        .order_by("starts_on", "pk")
    )
    lead_load = (
        Assignment.objects.filter(staff=OuterRef("lead_staff_id"))
        .current(today)
        .order_by()
        .values("staff")
        .annotate(total=Sum("hours_per_week"))
        .values("total")
    )
    queryset = with_gap_flags(queryset, today=today, few=few, raw=raw).annotate(
        lead_staff_id=Subquery(current_lead.values("staff_id")[:1]),
        lead_name=Subquery(current_lead.values("staff__name")[:1]),
        lead_organisation_id=Subquery(current_lead.values("staff__organisation_id")[:1]),
        lead_available_hours=Subquery(current_lead.values("staff__hours_per_week")[:1], output_field=hours),
        last_visited_on=Subquery(
            Visit.objects.filter(care_home=OuterRef("pk"), visited_on__lte=today)
            .order_by("-visited_on")
            .values("visited_on")[:1]
        ),
    )
    return queryset.annotate(lead_assigned_hours=Subquery(lead_load, output_field=hours))


def with_gaps(queryset=None, *, today=None):
    """Only the homes that have at least one gap, annotated as `with_gap_facts`."""
    today = today or timezone.localdate()
    if _from_state(today):
        return with_gap_facts(queryset, today=today).filter(gap_count__gt=0)
    homes = with_gap_flags(queryset, today=today).filter(gap_count__gt=0).values("pk")
    return with_gap_facts(CareHome.objects.filter(pk__in=homes), today=today)


def _days(since, today):
    return (today - since).days


def gaps_for_home(home, *, today: date | None = None) -> list[Gap]:
    """The gaps of one home annotated by `with_gap_facts`, worst first, each with its reason."""
    today = today or timezone.localdate()
    common = {
        "care_home_id": home.pk,
        "care_home_name": home.name,
        "pcn_id": home.pcn_id,
        "locality": home.locality,
        "organisation_ids": [i for i in (home.lead_organisation_id, home.pcn_id) if i],
    }
    gaps = []
    if home.gap_no_lead:
        gaps.append(Gap(NO_LEAD, f"{home.name} has no named lead pharmacist or technician.", **common))
    if home.gap_outbreak_not_visited:
        started = home.outbreak_started_on
        days = _days(started, today)
        when = (
            "today" if started == today else f"{uk_date(started)} ({days} day{'s' if days != 1 else ''} ago)"
        )
        gaps.append(
            Gap(
                OUTBREAK_NOT_VISITED,
                f"{home.name} has had an outbreak since {when} and no visit since it began.",
                **common,
            )
        )
    if home.gap_no_recent_visit:
        if home.last_visited_on is None:
            reason = f"{home.name} has never had a recorded visit."
        else:
            reason = (
                f"{home.name} was last visited {_days(home.last_visited_on, today)} days ago "
                f"({uk_date(home.last_visited_on)}); the rule is a visit at least every {no_visit_days()} days."
            )
        gaps.append(Gap(NO_RECENT_VISIT, reason, **common))
    if home.gap_lead_over_capacity:
        gaps.append(
            Gap(
                LEAD_OVER_CAPACITY,
                f"{home.lead_name}, the lead for {home.name}, is assigned {hours_text(home.lead_assigned_hours)} "
                f"hours a week but has {hours_text(home.lead_available_hours)} available.",
                **common,
            )
        )
    return sorted(gaps, key=lambda g: g.sort_key)


def pcns_with_gaps(queryset=None):
    """PCNs that have care homes aligned and have committed no hours, with their home counts."""
    queryset = Organisation.objects.filter(kind=Organisation.Kind.PCN) if queryset is None else queryset
    return (
        queryset.annotate(home_count=Count("pcn_care_homes", distinct=True))
        .filter(home_count__gt=0)
        .filter(Q(committed_hours__lte=0) | Q(committed_hours__isnull=True))
        .order_by("name")
    )


def pcn_gap(pcn) -> Gap:
    homes = pcn.home_count
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


def gap_counts(*, homes=None, today=None):
    """Headline counts per care-home rule, computed by one aggregate query."""
    qs = with_gap_flags(homes, today=today)
    return qs.aggregate(
        homes=Count("pk"),
        **{f"{rule.code}": Count("pk", filter=Q(**{f"gap_{rule.code}": True})) for rule in CARE_HOME_RULES},
        any_gap=Count("pk", filter=Q(gap_count__gt=0)),
    ) | {"pcn_no_hours": pcns_with_gaps().count()}


__all__ = [
    "CARE_HOME_RULES",
    "RULES",
    "Gap",
    "Rule",
    "current_gaps",
    "gap_counts",
    "gaps_for_home",
    "register_gap_source",
    "pcns_with_gaps",
    "with_gap_facts",
    "with_gap_flags",
    "with_gaps",
]
