"""Each care-home gap rule decided in the database, as annotations on a care-home queryset.

For today the rules read each home's kept state (`carehomes.state`): a join, no sub-queries. For
another day (a report as of a past week), or `raw=True` (the drift tests), they are decided from
the raw tables: uncorrelated sub-queries for many homes, correlated look-ups (`few=True`) for one
home or a handful.
"""

import operator
from datetime import date, timedelta
from functools import reduce

from django.db.models import (
    BooleanField,
    Case,
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

from carehomes.gaps.rules import no_visit_days
from carehomes.models import Assignment, CareHome, Visit
from carehomes.state import refresh_expired


def _per_home_rule_conditions(today):
    """The same rules as correlated look-ups: cheaper when a page shows one home or a handful."""
    cutoff = today - timedelta(days=no_visit_days())
    current_lead = Assignment.objects.filter(care_home=OuterRef("pk"), role=Assignment.Role.LEAD).current(
        today
    )
    load = Assignment.objects.filter(staff=OuterRef("staff_id")).current(today).hours_total()
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


def from_state(today, raw=False):
    """Whether the rules can be read from the kept per-home state: only for today, which is the
    day the state describes (a report "as of" an earlier day reads the raw tables), and unless
    `raw` asks for the raw tables (the drift tests compare the two)."""
    return not raw and today == timezone.localdate()


def _has_lead(today, prefix="state__"):
    return (
        Q(**{f"{prefix}lead_staff__isnull": False})
        & Q(**{f"{prefix}lead_starts_on__lte": today})
        & (Q(**{f"{prefix}lead_ends_on__isnull": True}) | Q(**{f"{prefix}lead_ends_on__gte": today}))
    )


def state_rule_conditions(today, prefix="state__"):
    """The kept-state rules that read the state row alone (no lead, no recent visit, lead over
    capacity), on care homes (`prefix` "state__") or on the state rows themselves (`prefix` "")."""
    cutoff = today - timedelta(days=no_visit_days())

    def q(lookup, value):
        return Q(**{f"{prefix}{lookup}": value})

    return {
        "gap_no_lead": q("lead_staff__isnull", True)
        | q("lead_starts_on__gt", today)
        | q("lead_ends_on__lt", today),
        "gap_no_recent_visit": q("last_visited_on__isnull", True) | q("last_visited_on__lt", cutoff),
        # The hours first: PostgreSQL tests them in this order, and few leads are over capacity.
        "gap_lead_over_capacity": q("lead_assigned_hours__gt", F(f"{prefix}lead_available_hours"))
        & _has_lead(today, prefix),
    }


def lead_is_current(state, today):
    """`_has_lead` for one state row already read (a page's homes): their lead leads today."""
    return (
        state.lead_staff_id is not None
        and state.lead_starts_on is not None
        and state.lead_starts_on <= today
        and (state.lead_ends_on is None or state.lead_ends_on >= today)
    )


def _state_conditions(today):
    """The rules read from each home's kept state (`carehomes.state`): a join, no sub-queries.

    Stored dates are compared with today here, so a lead whose assignment ended yesterday, or a
    visit that is now 29 days old, counts as of today without any write.
    """
    never_or_before = Q(state__last_visited_on__isnull=True)
    rules = state_rule_conditions(today)
    return {
        "gap_no_lead": rules["gap_no_lead"],
        "gap_outbreak_not_visited": ~Q(outbreak_status=CareHome.Outbreak.NONE)
        & Q(outbreak_started_on__lte=today)
        & (never_or_before | Q(state__last_visited_on__lt=F("outbreak_started_on"))),
        "gap_no_recent_visit": rules["gap_no_recent_visit"],
        "gap_lead_over_capacity": rules["gap_lead_over_capacity"],
    }


def with_gap_flags(queryset=None, *, today: date | None = None, few=False, raw=False):
    """Annotate care homes with one boolean per rule (gap_no_lead, …) and gap_count.

    For today the rules read each home's kept state; for another day (a report as of a past
    week) they are decided from the raw tables. There, `few=True` when the queryset holds one
    home or a handful: the rules then look each home up instead of deciding them for every home.
    """
    today = today or timezone.localdate()
    queryset = CareHome.objects.all() if queryset is None else queryset
    if from_state(today, raw):
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


def with_any_gap(queryset=None, *, today: date | None = None, codes):
    """The homes with a gap of any of these rules, annotated with those rules' flags only: the
    gap list's one read of every home. The rules are ORed in the WHERE clause (no per-row count
    of every rule, which a page of the list never shows)."""
    today = today or timezone.localdate()
    queryset = CareHome.objects.all() if queryset is None else queryset
    if from_state(today):
        refresh_expired(today)
        conditions = _state_conditions(today)
    else:
        conditions = _rule_conditions(today)
    chosen = [conditions[f"gap_{code}"] for code in codes]
    flags = {
        f"gap_{code}": Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for code, condition in zip(codes, chosen, strict=True)
    }
    return queryset.annotate(**flags).filter(reduce(operator.or_, chosen))


def with_gap_facts(queryset=None, *, today: date | None = None, few=False, raw=False):
    """`with_gap_flags`, plus what the reasons and lists show about each home.

    Extra annotations: lead_staff_id, lead_name, lead_organisation_id, lead_available_hours,
    lead_assigned_hours, last_visited_on. For today they come from the kept state (the lead's
    only while their assignment covers today); for another day, per-home look-ups that
    PostgreSQL evaluates only for the rows a page shows.
    """
    today = today or timezone.localdate()
    hours = DecimalField(max_digits=6, decimal_places=1)
    if from_state(today, raw):
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
    lead_load = Assignment.objects.filter(staff=OuterRef("lead_staff_id")).current(today).hours_total()
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
    if from_state(today):
        return with_gap_facts(queryset, today=today).filter(gap_count__gt=0)
    homes = with_gap_flags(queryset, today=today).filter(gap_count__gt=0).values("pk")
    return with_gap_facts(CareHome.objects.filter(pk__in=homes), today=today)


def _after(day, other):
    """`day > other` as SQL decides it inside a CASE: an unknown (NULL) date is never after."""
    return day is not None and other is not None and day > other


def home_with_gap_facts(queryset):
    """The one home of `queryset` with the attributes `with_gap_facts` annotates, decided in Python
    from its kept state for today (read in the same query by a join).

    For a page that shows one home: the same rules as `_state_conditions` and the same
    comparisons (a missing date or state row counts as SQL's NULL does), without compiling a
    dozen annotations per request. The property test of tests/carehomes/test_state.py holds the two
    equal after any sequence of the services, today and on later days.
    Raises the model's DoesNotExist when the queryset holds no home.
    """
    today = timezone.localdate()
    refresh_expired(today)
    home = queryset.select_related("state__lead_staff").get()
    state = getattr(home, "state", None)
    last = state.last_visited_on if state else None
    lead_id = state.lead_staff_id if state else None
    starts, ends = (state.lead_starts_on, state.lead_ends_on) if state else (None, None)
    has_lead = state is not None and lead_is_current(state, today)
    started = home.outbreak_started_on
    home.gap_no_lead = lead_id is None or _after(starts, today) or _after(today, ends)
    home.gap_outbreak_not_visited = (
        home.outbreak_status != CareHome.Outbreak.NONE
        and started is not None
        and started <= today
        and (last is None or _after(started, last))
    )
    home.gap_no_recent_visit = last is None or _after(today - timedelta(days=no_visit_days()), last)
    home.gap_lead_over_capacity = has_lead and _after(state.lead_assigned_hours, state.lead_available_hours)
    home.gap_count = sum(
        (
            home.gap_no_lead,
            home.gap_outbreak_not_visited,
            home.gap_no_recent_visit,
            home.gap_lead_over_capacity,
        )
    )
    home.lead_staff_id = lead_id if has_lead else None
    home.lead_name = state.lead_staff.name if has_lead and state.lead_staff else None
    home.lead_organisation_id = state.lead_organisation_id if has_lead else None
    home.lead_available_hours = state.lead_available_hours if has_lead else None
    home.lead_assigned_hours = state.lead_assigned_hours if has_lead else None
    home.last_visited_on = last
    return home
