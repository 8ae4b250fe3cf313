"""Reading visits: lists scoped to who is asking, totals, history, and the pharmacist's homes.

Each function costs a fixed number of queries whatever the number of visits.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from carehomes.gaps import gaps_for_home, with_gap_facts
from carehomes.models import Assignment, CareHome, Visit
from carehomes.visits.totals import visit_totals_from_days
from config.dates import for_people
from config.querysets import filter_given
from organisations.access import is_coordinator, staff_member_for

INTERVENTIONS_TOTAL = sum(
    (Coalesce(Sum(f"interventions_{code}"), 0) for code in Visit.INTERVENTIONS),
    start=0,
)


def visits_for(user):
    """The visits a user's visit list holds: a project manager's all, anyone else's their own."""
    queryset = Visit.objects.select_related("care_home", "staff")
    if is_coordinator(user):
        return queryset
    member = staff_member_for(user)
    if member is None:
        return queryset.none()
    return queryset.filter(staff=member)


def visit_filter(
    queryset, *, home="", staff="", date_from=None, date_to=None, activity="", mode="", cover=False
):
    """Narrow visits by home (name, postcode or CQC location ID), person, dates, activity and mode."""
    if home:
        home = home.strip()
        queryset = queryset.filter(
            Q(care_home__name__icontains=home)
            | Q(care_home__postcode__iexact=home)
            | Q(care_home__cqc_location_id__iexact=home)
        )
    if staff:
        queryset = queryset.filter(staff__name__icontains=staff.strip())
    if activity:
        queryset = queryset.filter(Visit.with_activity(activity))
    return filter_given(
        queryset, visited_on__gte=date_from, visited_on__lte=date_to, mode=mode, is_cover=bool(cover)
    )


@dataclass
class VisitPage:
    """One page of a visit list, newest first, with cursors to the pages either side."""

    visits: list
    older: str | None  # cursor for the next (older) page
    newer: str | None  # cursor for the previous (newer) page


def _cursor(visit):
    return f"{visit.visited_on.isoformat()}.{visit.pk}"


def parse_cursor(value):
    """'2026-11-18.123' -> (date, 123); None for anything else (a hand-edited URL shows page 1)."""
    import datetime

    try:
        day, pk = (value or "").split(".")
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def visit_page(queryset, *, older_than=None, newer_than=None, size=25) -> VisitPage:
    """A page of visits by keyset (date, id), newest first: page 1 and page 2,000 cost the same.

    `older_than` / `newer_than` are cursors from a page's `older` / `newer`. No COUNT and no
    OFFSET: each page is one index range read of `size + 1` rows.
    """
    after, before = parse_cursor(older_than), parse_cursor(newer_than)
    if before is not None:
        day, pk = before
        rows = list(
            # The redundant bound on the date alone lets the index range read start at the cursor.
            queryset.filter(
                Q(visited_on__gt=day) | Q(visited_on=day, pk__gt=pk), visited_on__gte=day
            ).order_by("visited_on", "pk")[: size + 1]
        )
        has_newer = len(rows) > size
        visits = rows[:size][::-1]
        has_older = True
    else:
        if after is not None:
            day, pk = after
            queryset = queryset.filter(
                Q(visited_on__lt=day) | Q(visited_on=day, pk__lt=pk), visited_on__lte=day
            )
        rows = list(queryset.order_by("-visited_on", "-pk")[: size + 1])
        visits = rows[:size]
        has_older = len(rows) > size
        has_newer = after is not None
    return VisitPage(
        visits=visits,
        older=_cursor(visits[-1]) if visits and has_older else None,
        newer=_cursor(visits[0]) if visits and has_newer else None,
    )


# Filters the day totals can answer; a filter on a home or a person sums that home's or person's
# visits instead (an index range read), as does the list of anyone who sees only their own.
DAY_TOTAL_FILTERS = {"date_from", "date_to", "activity", "mode", "cover"}


def visit_list_totals(user, filters, queryset):
    """The visit list's totals for what `filters` (VisitFilterForm.filters()) select.

    A project manager's whole list, or narrowed by dates, activity, mode or cover, is summed from
    the day totals the writers keep (`carehomes.visits.totals`): one small query whatever the
    number of visits, and never stale after a write. Anything narrower sums `queryset`.
    """
    if is_coordinator(user) and set(filters) <= DAY_TOTAL_FILTERS:
        totals = visit_totals_from_days(**filters)
        totals["hours"] = round(totals["minutes"] / 60, 1)
        return totals
    return visit_totals(queryset)


def visit_totals(queryset):
    """Visits, residents reviewed, interventions, issues escalated and minutes: one aggregate query."""
    totals = queryset.order_by().aggregate(
        visits=Count("pk"),
        residents_reviewed=Coalesce(Sum("residents_reviewed"), 0),
        interventions=INTERVENTIONS_TOTAL,
        issues_escalated=Coalesce(Sum("issues_escalated"), 0),
        minutes=Coalesce(Sum("minutes_spent"), 0),
    )
    totals["hours"] = round(totals["minutes"] / 60, 1)
    return totals


def recent_visits_for_home(care_home, limit=10):
    """The latest visits to a home by anyone (continuity of care), newest first, with the visitor."""
    return list(
        Visit.objects.filter(care_home=care_home).select_related("staff", "staff__organisation")[:limit]
    )


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str  # "Logged", "Changed" or "Deleted"
    changes: list  # [(field label, old, new)]
    reason: str


HIDDEN_HISTORY_FIELDS = {"created_at", "created_by", "id"}


def _display(record, name):
    field = record._meta.get_field(name)
    value = getattr(record, field.attname)
    if field.choices:
        return dict(field.choices).get(value, value)
    if field.is_relation:
        related = getattr(record, name, None)
        return str(related) if related is not None else ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(for_people(value))


def visit_history(visit):
    """The visit's history, newest first: who, when, which fields changed (old → new), and why.

    Two queries: the history rows with their users, then the homes and people they name.
    """
    records = list(visit.history.select_related("history_user", "care_home", "staff").order_by("history_id"))
    kinds = {"+": "Logged", "~": "Changed", "-": "Deleted"}
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_HISTORY_FIELDS:
                    continue
                label = record._meta.get_field(change.field).verbose_name
                changes.append(
                    (
                        label[:1].upper() + label[1:],
                        _display(previous, change.field),
                        _display(record, change.field),
                    )
                )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "The hub",
                kind=kinds.get(record.history_type, record.history_type),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
        previous = record
    return list(reversed(entries))


def my_care_homes(user):
    """The homes the user is assigned to now, with role, days since the last visit and open gaps.

    One query whatever the number of homes (the gap facts are annotations).
    """
    member = staff_member_for(user)
    if member is None:
        return []
    current = Assignment.objects.current().filter(staff=member)
    role = current.filter(care_home=OuterRef("pk")).order_by("role").values("role")[:1]
    homes = with_gap_facts(CareHome.objects.filter(pk__in=current.values("care_home_id")), few=True).annotate(
        my_role=Subquery(role)
    )
    rows = []
    for home in homes.order_by("name"):
        home.gaps = gaps_for_home(home)
        home.my_role_display = dict(Assignment.Role.choices).get(home.my_role, "")
        rows.append(home)
    return rows


def care_home_choices(user):
    """Homes to pick when logging a visit: the user's current homes first, then every other home.

    Any home may be chosen (cover happens); the user's own come first so the usual choice is quick.
    """
    member = staff_member_for(user)
    # With what the visit rules read of the chosen home (beds, registration date): no second query.
    homes = CareHome.objects.only("pk", "name", "postcode", "beds", "registered_on")
    if member is None:
        return homes.order_by("name")
    mine = Assignment.objects.current().filter(staff=member).values("care_home_id")
    return homes.annotate(
        mine=Case(When(pk__in=mine, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("mine", "name")


def visits_with_people():
    """Visits with their home, staff member and organisation, for one visit's pages."""
    return Visit.objects.select_related("care_home", "staff", "staff__organisation")
