"""Reads for workstreams, requests for help, offers and the organisation pages.

Each list costs a fixed number of queries whatever the data size: counts are subqueries, and
related rows are fetched once with select_related / prefetch_related.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from carehomes import gaps
from carehomes.models import Assignment, CareHome
from carehomes.selectors import HISTORY_LIMIT, history_entries, staff_capacity
from organisations.models import EngagementNote, Organisation, StaffMember
from workstreams.models import ProgressNote, SupportOffer, SupportRequest, Workstream

HOURS = DecimalField(max_digits=8, decimal_places=1)


def _subquery_count(queryset, group_field):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_field).annotate(n=Count("pk", distinct=True)).values("n")[:1]
        ),
        Value(0),
        output_field=IntegerField(),
    )


# ---------------------------------------------------------------- workstreams


def workstream_list(*, status=None):
    """Workstreams with their lead and how many organisations and homes take part."""
    queryset = Workstream.objects.select_related("lead_organisation", "lead").annotate(
        organisation_count=_subquery_count(
            Workstream.participating_organisations.through.objects.filter(workstream=OuterRef("pk")),
            "workstream",
        ),
        home_count=_subquery_count(
            Workstream.care_homes.through.objects.filter(workstream=OuterRef("pk")), "workstream"
        ),
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("name")


def workstream_detail(pk):
    """One workstream with its organisations, homes, progress notes and linked actions."""
    return (
        Workstream.objects.select_related("lead_organisation", "lead")
        .prefetch_related(
            "participating_organisations",
            Prefetch("care_homes", queryset=CareHome.objects.select_related("pcn").order_by("name")),
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
            "actions__section",
        )
        .get(pk=pk)
    )


# ---------------------------------------------------------------- requests for help


def _current_status_expression(today):
    return Case(
        When(Q(status__in=SupportRequest.OPEN_STATUSES) & Q(needed_by__lt=today), then=Value("expired")),
        default="status",
        output_field=CharField(),
    )


STATUS_FILTERS = {
    "open": ("open", "offered"),
    "met": ("met",),
    "closed": ("withdrawn", "expired"),
}


def support_request_list(*, show="open", organisation=None, today=None):
    """Requests for help, soonest needed first, each with its offers waiting and hours accepted.

    `show` is "open" (open or offered and not past its date), "met", "closed" (withdrawn or
    expired) or "all". A request past its date while open or offered shows as expired.
    """
    today = today or timezone.localdate()
    queryset = (
        SupportRequest.objects.select_related("organisation")
        .prefetch_related(
            Prefetch("care_homes", queryset=CareHome.objects.only("id", "name").order_by("name"))
        )
        .annotate(
            shown_status=_current_status_expression(today),
            offers_waiting=_subquery_count(
                SupportOffer.objects.filter(request=OuterRef("pk"), status="offered"), "request"
            ),
            hours_accepted=Coalesce(
                Subquery(
                    SupportOffer.objects.filter(request=OuterRef("pk"), status="accepted")
                    .order_by()
                    .values("request")
                    .annotate(total=Sum("hours_per_week"))
                    .values("total")[:1]
                ),
                Value(Decimal("0")),
                output_field=HOURS,
            ),
        )
    )
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if show in STATUS_FILTERS:
        queryset = queryset.filter(shown_status__in=STATUS_FILTERS[show])
    urgency_order = Case(
        When(urgency="urgent", then=Value(0)), When(urgency="soon", then=Value(1)), default=Value(2)
    )
    return queryset.order_by(urgency_order, "needed_by", "-id")


def support_request_detail(pk):
    """One request with its homes and every offer (staff, organisation, assignments made)."""
    return (
        SupportRequest.objects.select_related("organisation", "raised_by")
        .prefetch_related(
            Prefetch("care_homes", queryset=CareHome.objects.order_by("name")),
            Prefetch(
                "offers",
                queryset=SupportOffer.objects.select_related("staff", "organisation", "decided_by")
                .prefetch_related(
                    Prefetch("assignments", queryset=Assignment.objects.select_related("care_home"))
                )
                .order_by("created_at"),
            ),
        )
        .get(pk=pk)
    )


def homes_for_request(support_request):
    """The homes a PM may choose from when accepting an offer for a request that named a locality:
    the locality's homes, else the homes the requesting organisation may ask help for."""
    homes = CareHome.objects.filter(locality__iexact=support_request.locality).order_by("name")
    return homes if homes.exists() else homes_for_organisation(support_request.organisation)


def support_offers():
    """Offers with their request and staff member, for a page that acts on one."""
    return SupportOffer.objects.select_related("request", "staff")


def homes_for_organisation(organisation, today=None):
    """The care homes an organisation may ask help for: aligned to it, supported by its staff, or
    in its locality."""
    today = today or timezone.localdate()
    supported = Assignment.objects.current(today).filter(
        Q(staff__organisation=organisation) | Q(staff__second_organisation=organisation)
    )
    condition = Q(pcn=organisation) | Q(practice=organisation) | Q(pk__in=supported.values("care_home"))
    if organisation.locality:
        condition |= Q(locality__iexact=organisation.locality)
    return CareHome.objects.filter(condition).order_by("name")


def staff_to_offer(*, organisation_ids=None):
    """Active staff who may be offered, with their spare hours; only the given organisations' when
    set (employed by, or second post in, one of them)."""
    queryset = StaffMember.objects.filter(is_active=True).select_related("organisation")
    if organisation_ids is not None:
        queryset = queryset.filter(
            Q(organisation_id__in=organisation_ids) | Q(second_organisation_id__in=organisation_ids)
        )
    return staff_capacity(queryset).order_by("name")


# ---------------------------------------------------------------- organisations


def organisation_list(*, kind=None, sector=None, today=None):
    """Every organisation with its staff count, care homes supported and (for PCNs) homes aligned."""
    today = today or timezone.localdate()
    queryset = Organisation.objects.select_related("clinical_director").annotate(
        staff_count=_subquery_count(
            StaffMember.objects.filter(organisation=OuterRef("pk"), is_active=True), "organisation"
        ),
        homes_supported=Coalesce(
            Subquery(
                Assignment.objects.current(today)
                .filter(staff__organisation=OuterRef("pk"))
                .order_by()
                .values("staff__organisation")
                .annotate(n=Count("care_home", distinct=True))
                .values("n")[:1]
            ),
            Value(0),
            output_field=IntegerField(),
        ),
        homes_aligned=_subquery_count(CareHome.objects.filter(pcn=OuterRef("pk")), "pcn"),
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(sector=sector)
    return queryset.order_by("name")


def pcns_without_committed_hours():
    """PCNs with care homes aligned and no committed hours: the PCN gap rule of carehomes.gaps."""
    return [gaps.pcn_gap(pcn) for pcn in gaps.pcns_with_gaps()]


@dataclass
class FairShare:
    """A PCN's fair share of the hours all PCNs have committed, in proportion to its beds."""

    pcn_beds: int
    all_beds: int
    all_committed: Decimal
    committed: Decimal

    @property
    def hours(self):
        if not self.all_beds:
            return Decimal("0")
        return (Decimal(self.pcn_beds) / self.all_beds * self.all_committed).quantize(Decimal("0.1"))

    @property
    def difference(self):
        return self.committed - self.hours


def pcn_fair_share(pcn):
    """Two aggregate queries: this PCN's beds, and the city's PCN-aligned beds and committed hours."""
    beds = CareHome.objects.filter(pcn__isnull=False).aggregate(
        all_beds=Coalesce(Sum("beds"), 0), pcn_beds=Coalesce(Sum("beds", filter=Q(pcn=pcn)), 0)
    )
    committed = Organisation.objects.filter(kind=Organisation.Kind.PCN).aggregate(
        total=Coalesce(Sum("committed_hours"), Value(Decimal("0")), output_field=HOURS)
    )["total"]
    return FairShare(
        pcn_beds=beds["pcn_beds"],
        all_beds=beds["all_beds"],
        all_committed=committed,
        committed=pcn.committed_hours,
    )


@dataclass
class OrganisationPage:
    organisation: Organisation
    staff: list
    assignments: list
    hours_assigned: Decimal
    requests: list
    offers: list
    aligned_homes: list
    fair_share: FairShare | None
    notes: list

    @property
    def homes_supported(self):
        return len({a.care_home_id for a in self.assignments})

    @property
    def aligned_beds(self):
        return sum(h.beds for h in self.aligned_homes)


def organisation_staff_member(*, organisation, pk):
    """One active person employed by `organisation`, or None (never another organisation's)."""
    return (
        StaffMember.objects.filter(organisation=organisation, pk=pk, is_active=True)
        .select_related("organisation")
        .first()
    )


def organisation_page(pk, *, today=None):
    """Everything an organisation's page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    organisation = Organisation.objects.select_related("parent", "clinical_director").get(pk=pk)
    staff = list(
        staff_capacity(
            StaffMember.objects.filter(Q(organisation=organisation) | Q(second_organisation=organisation))
            .filter(is_active=True)
            .select_related("organisation")
        ).order_by("name")
    )
    assignments = list(
        Assignment.objects.current(today)
        .filter(staff__organisation=organisation)
        .select_related("staff", "care_home")
        .order_by("care_home__name", "staff__name")
    )
    requests = list(support_request_list(show="open", organisation=organisation, today=today))
    offers = list(
        SupportOffer.objects.filter(organisation=organisation)
        .exclude(status__in=[SupportOffer.Status.DECLINED, SupportOffer.Status.WITHDRAWN])
        .select_related("request__organisation", "staff")
        .order_by("-created_at")[:50]
    )
    aligned_homes, fair_share, notes = [], None, []
    if organisation.is_pcn:
        aligned_homes = list(CareHome.objects.filter(pcn=organisation).order_by("name"))
        fair_share = pcn_fair_share(organisation)
        notes = list(EngagementNote.objects.filter(pcn=organisation).select_related("recorded_by"))
    return OrganisationPage(
        organisation=organisation,
        staff=staff,
        assignments=assignments,
        hours_assigned=sum((a.hours_per_week for a in assignments), Decimal("0")),
        requests=requests,
        offers=offers,
        aligned_homes=aligned_homes,
        fair_share=fair_share,
        notes=notes,
    )


# History (who changed what, when) ----------------------------------------------------------------


def _newest(records, limit=HISTORY_LIMIT):
    return records.select_related("history_user").order_by("-history_date", "-history_id")[:limit]


def workstream_history(workstream):
    """Changes to the workstream's own fields, newest first."""
    return history_entries(_newest(workstream.history.all()), lambda r: "Workstream")


def support_request_history(support_request):
    """Changes to the request and to every offer made to it, newest first."""
    offers = SupportOffer.history.filter(request_id=support_request.pk).select_related("staff")
    entries = history_entries(_newest(support_request.history.all()), lambda r: "Request for help") + (
        history_entries(_newest(offers), lambda r: f"Offer of {r.staff.name}")
    )
    return sorted(entries, key=lambda e: e["when"], reverse=True)[:HISTORY_LIMIT]


def organisation_history(organisation):
    """Changes to the organisation (engagement, committed hours, clinical director…), newest first."""
    return history_entries(_newest(organisation.history.all()), lambda r: "Organisation details")


def organisation_lead_needs(organisation, *, today=None):
    """What needs an organisation lead now: offers on their requests, and others' requests they could help with.

    Two queries whatever the size of the city.
    """
    from django.urls import reverse

    from config.presenters import Need, plural

    today = today or timezone.localdate()
    waiting = list(
        SupportOffer.objects.filter(request__organisation=organisation, status=SupportOffer.Status.OFFERED)
        .values("request_id", "request__title")
        .annotate(n=Count("pk"))
        .order_by("request__title")
    )
    offers = sum(row["n"] for row in waiting)
    others_open = (
        SupportRequest.objects.filter(status__in=[SupportRequest.Status.OPEN, SupportRequest.Status.OFFERED])
        .filter(needed_by__gte=today)
        .exclude(organisation=organisation)
        .count()
    )
    return [
        Need(
            offers,
            f"{plural(offers, 'offer')} of help on your requests, waiting for the project manager",
            reverse("workstreams:request_detail", args=[waiting[0]["request_id"]]) if waiting else "#",
            [
                {
                    "text": row["request__title"],
                    "href": reverse("workstreams:request_detail", args=[row["request_id"]]),
                    "hint": plural(row["n"], "offer"),
                }
                for row in waiting
            ],
        ),
        Need(
            others_open,
            f"{plural(others_open, 'request')} for help from other organisations you could help with",
            reverse("workstreams:request_list"),
        ),
    ]
