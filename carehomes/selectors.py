"""Reads for care homes, staff and assignments: scoped to the user, a fixed number of queries a page."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from carehomes.gaps import gaps_for_home, home_with_gap_facts, with_gap_facts
from carehomes.models import Assignment, CareHome, Visit
from carehomes.rules import cover_access_since
from config.history import HISTORY_LIMIT, history_merged, newest
from config.querysets import filter_given
from organisations.access import is_leadership, staff_member_for
from organisations.models import Organisation, StaffMember

HOURS = DecimalField(max_digits=6, decimal_places=1)

CAREHOME_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "locality": ("locality", "name", "pk"),
    "last_visit": (F("last_visited_on").asc(nulls_first=True), "name", "pk"),
    "-last_visit": (F("last_visited_on").desc(nulls_last=True), "name", "pk"),
    "gaps": ("-gap_count", "name", "pk"),
    "beds": ("-beds", "name", "pk"),
}


def visible_care_homes(user, queryset=None):
    """The care homes a user may see: all for leadership; for pharmacy professionals, the homes they
    are assigned to now and those they made a cover visit to in the last COVER_ACCESS_DAYS."""
    queryset = CareHome.objects.all() if queryset is None else queryset
    if is_leadership(user):
        return queryset
    member = staff_member_for(user)
    if member is None:
        return queryset.none()
    current = Assignment.objects.current().filter(staff=member)
    visited = Visit.objects.filter(staff=member, visited_on__gte=cover_access_since())
    return queryset.filter(
        Q(pk__in=current.values("care_home_id")) | Q(pk__in=visited.values("care_home_id"))
    )


# Orders that read the gap facts: a page of the list in such an order computes them for every home.
FACT_SORTS = {"last_visit", "-last_visit", "gaps"}


def carehome_list(
    *,
    user,
    search="",
    locality="",
    pcn=None,
    home_type="",
    specialism="",
    has_lead=None,
    has_gap=None,
    in_outbreak=None,
    sort="name",
    facts=True,
):
    """Care homes the user may see, filtered and sorted, each with its lead and gap facts.

    `has_lead` / `has_gap` are True, False or None (either). Specialisms are prefetched, so a
    page costs the same queries whatever its size. With `facts=False` (a page of the list, whose
    rows `carehome_rows` reads): the homes filtered and in order only, the gap facts computed
    here just when a filter or the order needs them, so a page deep into a country's 15,000 homes
    costs an index entry for each home skipped.
    """
    qs = visible_care_homes(user)
    search = (search or "").strip()
    if search:
        compact = "".join(search.split()).upper()
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(cqc_location_id__iexact=search)
            | Q(postcode__istartswith=search.upper())
            | Q(postcode__iexact=f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact)
        )
    qs = filter_given(qs, locality=locality, pcn_id=pcn, home_type=home_type, specialisms__code=specialism)
    if facts or has_lead is not None or has_gap is not None or sort in FACT_SORTS:
        # Narrowed to a locality, PCN or search, the gap rules are cheapest looked up per home;
        # across the whole register, deciding them for every home at once is cheaper.
        qs = with_gap_facts(qs, few=bool(search or locality or pcn))
    if has_lead is not None:
        qs = qs.filter(gap_no_lead=not has_lead)
    if has_gap is not None:
        qs = qs.filter(gap_count__gt=0) if has_gap else qs.filter(gap_count=0)
    if in_outbreak is not None:
        in_outbreak_now = Q(outbreak_started_on__lte=timezone.localdate()) & ~Q(
            outbreak_status=CareHome.Outbreak.NONE
        )
        qs = qs.filter(in_outbreak_now) if in_outbreak else qs.exclude(in_outbreak_now)
    order = CAREHOME_SORTS.get(sort) or CAREHOME_SORTS["name"]
    if not facts:
        return qs.order_by(*order)
    return qs.select_related("pcn").prefetch_related("specialisms").order_by(*order)


def carehome_rows(pks):
    """The homes `pks` names, in that order, with their gap facts, PCN and specialisms: a page of
    the care-home list (`carehome_list(facts=False)` chose and ordered them). Two queries."""
    rows = with_gap_facts(CareHome.objects.filter(pk__in=pks), few=True)
    by_pk = {home.pk: home for home in rows.select_related("pcn").prefetch_related("specialisms")}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def carehome_localities():
    """Every locality a care home is in, by name (one query): what "fill the gaps" offers."""
    return list(CareHome.objects.order_by("locality").values_list("locality", flat=True).distinct())


def carehome_filter_rows():
    """Localities and PCNs for the care-home list's filters, as (value, label) querysets: read by
    the form for at most a select's worth, a country's not at all (`config.choices.fit_rows`)."""
    return {
        "localities": CareHome.objects.exclude(locality="")
        .order_by("locality")
        .values_list("locality", "locality")
        .distinct(),
        "pcns": Organisation.objects.filter(kind=Organisation.Kind.PCN)
        .order_by("name", "pk")
        .values_list("pk", "name"),
    }


def carehome_detail(*, user, pk):
    """One care home with its gap facts, PCN, practice and specialisms (access checked by the view).
    The gap facts are decided from its kept state read in the same query (`home_with_gap_facts`)."""
    return home_with_gap_facts(
        CareHome.objects.filter(pk=pk)
        .select_related("pcn", "practice", "supplying_pharmacy")
        .prefetch_related("specialisms")
    )


def carehome_assignments(care_home):
    """Current and past assignments of a home: (current, past). Future ones count as current."""
    today = timezone.localdate()
    rows = list(
        Assignment.objects.filter(care_home=care_home)
        .select_related("staff", "staff__organisation")
        .order_by("role", "-starts_on", "-pk")
    )
    current = [a for a in rows if a.ends_on is None or a.ends_on >= today]
    past = sorted((a for a in rows if a not in current), key=lambda a: a.ends_on, reverse=True)
    return current, past


def carehome_recent_visits(care_home, limit=10):
    return list(
        Visit.objects.filter(care_home=care_home)
        .select_related("staff")
        .order_by("-visited_on", "-pk")[:limit]
    )


def carehome_gaps(care_home):
    """The open gaps of a home annotated by `with_gap_facts`, worst first, with reasons."""
    return gaps_for_home(care_home)


def carehome_history(care_home, limit=HISTORY_LIMIT):
    """Changes to the home and its assignments, newest first (who, when, which fields)."""
    return history_merged(
        (newest(care_home.history.all(), limit), lambda r: "Care home details"),
        (
            newest(Assignment.history.filter(care_home_id=care_home.pk).select_related("staff"), limit * 2),
            lambda r: f"Assignment: {r.staff.name} ({r.get_role_display().lower()})",
        ),
        limit=limit,
    )


# Staff -------------------------------------------------------------------------------------------


def staff_committed_hours(staff, *, starts_on, ends_on=None, exclude_pk=None):
    """Hours a week the person is already assigned over the period of a new assignment.

    Counts every assignment not yet ended (current or starting later) that overlaps the period
    from `starts_on` (or today, whichever is later) to `ends_on`. With the start not known (a form
    whose start date is wrong), counts only what overlaps the period whatever its start: what is
    still running on the end date, or with no end date what has no end either, so a refusal made
    on it is never wrong.
    """
    today = timezone.localdate()
    qs = Assignment.objects.filter(staff=staff)
    if starts_on is not None:
        qs = qs.not_ended(max(starts_on, today))
    elif ends_on is not None:
        qs = qs.not_ended(max(ends_on, today))
    else:
        qs = qs.open()
    if ends_on:
        qs = qs.filter(starts_on__lte=ends_on)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("hours_per_week"))["total"] or Decimal("0")


def staff_capacity(queryset):
    """Annotate `assigned_hours` (current and future assignments not yet ended) and `spare_hours`."""
    today = timezone.localdate()
    assigned = Assignment.objects.filter(staff=OuterRef("pk")).not_ended(today).hours_total()
    return queryset.annotate(
        assigned_hours=Coalesce(
            Subquery(assigned, output_field=HOURS), Value(Decimal("0")), output_field=HOURS
        )
    ).annotate(spare_hours=ExpressionWrapper(F("hours_per_week") - F("assigned_hours"), output_field=HOURS))


STAFF_SORTS = {
    "name": ("name", "pk"),
    "spare": ("-spare_hours", "name", "pk"),
    "organisation": ("organisation__name", "name", "pk"),
}


def staff_list(
    *, user=None, search="", organisation=None, sector="", role="", has_spare=None, active=True, sort="name"
):
    """Staff filtered by organisation, sector and role, in order: what a page of the list is cut
    from. Only a filter or sort on spare hours computes anyone's hours here; the page's rows get
    their hours and homes from `staff_rows`, so a page deep into a country's 10,000 people costs
    the 25 it shows, not everyone before them."""
    qs = StaffMember.objects.deployable()
    if active is not None:
        qs = qs.filter(is_active=active)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(gphc_number=search))
    if organisation:
        qs = qs.filter(Q(organisation_id=organisation) | Q(second_organisation_id=organisation))
    if sector:
        qs = qs.filter(organisation__sector=sector)
    if role:
        qs = qs.filter(role=role)
    order = STAFF_SORTS.get(sort) or STAFF_SORTS["name"]
    if has_spare is not None or order is STAFF_SORTS["spare"]:
        qs = staff_capacity(qs)
    if has_spare is True:
        qs = qs.filter(spare_hours__gt=0)
    elif has_spare is False:
        qs = qs.filter(spare_hours__lte=0)
    return qs.order_by(*order)


def staff_rows(pks):
    """The people `pks` names, in that order, with hours available, assigned and spare and the
    number of homes they are assigned to (`home_count`): one query for a page of the staff list."""
    today = timezone.localdate()
    homes = (
        Assignment.objects.filter(staff=OuterRef("pk"))
        .not_ended(today)
        .order_by()
        .values("staff")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = staff_capacity(StaffMember.objects.filter(pk__in=pks)).annotate(
        home_count=Coalesce(Subquery(homes), 0)
    )
    by_pk = {m.pk: m for m in rows.select_related("organisation", "second_organisation")}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def assignment_detail(*, pk):
    """One assignment with its person (and their organisation) and care home."""
    return Assignment.objects.select_related("staff__organisation", "care_home").get(pk=pk)


def staff_detail(*, pk):
    return (
        staff_capacity(StaffMember.objects.filter(pk=pk))
        .select_related("organisation", "second_organisation", "user")
        .get()
    )


def staff_assignments(staff):
    """(current, past) assignments of a person, each with its home."""
    today = timezone.localdate()
    rows = list(
        Assignment.objects.filter(staff=staff).select_related("care_home").order_by("-starts_on", "-pk")
    )
    current = [a for a in rows if a.ends_on is None or a.ends_on >= today]
    past = [a for a in rows if a not in current]
    return current, past


def staff_recent_visits(staff, limit=10):
    return list(
        Visit.objects.filter(staff=staff).select_related("care_home").order_by("-visited_on", "-pk")[:limit]
    )


def staff_history(staff, limit=HISTORY_LIMIT):
    """Changes to the person and their assignments, newest first."""
    return history_merged(
        (newest(staff.history.all(), limit), lambda r: "Staff details"),
        (
            newest(Assignment.history.filter(staff_id=staff.pk).select_related("care_home"), limit * 2),
            lambda r: f"Assignment: {r.care_home.name} ({r.get_role_display().lower()})",
        ),
        limit=limit,
    )


def staff_filter_choices():
    """Organisations someone works for, as (pk, name) rows by name: a queryset, read by the filter
    form for at most a select's worth (`config.choices.fit_rows`)."""
    works_there = StaffMember.objects.filter(organisation=OuterRef("pk"))
    return Organisation.objects.filter(Exists(works_there)).order_by("name", "pk").values_list("pk", "name")


__all__ = [
    "carehome_assignments",
    "carehome_detail",
    "carehome_localities",
    "carehome_gaps",
    "carehome_history",
    "carehome_list",
    "carehome_recent_visits",
    "carehome_rows",
    "carehome_filter_rows",
    "staff_assignments",
    "staff_capacity",
    "staff_detail",
    "staff_history",
    "staff_list",
    "staff_recent_visits",
    "staff_rows",
    "visible_care_homes",
]


def assignments_with_people():
    """Assignments with their staff member and care home, for a page that acts on one."""
    return Assignment.objects.select_related("staff", "care_home")


LOOKUP_LIMIT = 20


def home_lookup(*, user, search):
    """Care homes for the look-up box: those the user may see (as on the care-home pages) whose
    name contains, or CQC ID or postcode starts with, `search`; at most LOOKUP_LIMIT, by name."""
    return homes_matching(visible_care_homes(user), search=search)


def homes_matching(homes, *, search, limit=LOOKUP_LIMIT):
    """What every care-home look-up box suggests: the `homes` (already scoped to who asks) whose
    name contains, or CQC ID or postcode starts with, `search` (two characters at least); at most
    `limit`, by name, with what a suggestion shows."""
    search = (search or "").strip()
    if len(search) < 2:
        return CareHome.objects.none()
    return (
        homes.filter(
            Q(name__icontains=search)
            | Q(cqc_location_id__istartswith=search)
            | Q(postcode__istartswith=search.upper())
        )
        .only("pk", "name", "locality", "postcode", "cqc_location_id")
        .order_by("name", "pk")[:limit]
    )


def staff_lookup(*, search):
    """Active pharmacists and technicians (the people who can be assigned or make a visit) for the
    look-up box, by name or GPhC number; at most LOOKUP_LIMIT, by name."""
    search = (search or "").strip()
    if len(search) < 2:
        return StaffMember.objects.none()
    return (
        StaffMember.objects.deployable()
        .filter(is_active=True)
        .filter(Q(name__icontains=search) | Q(gphc_number__startswith=search))
        .select_related("organisation")
        .order_by("name", "pk")[:LOOKUP_LIMIT]
    )
