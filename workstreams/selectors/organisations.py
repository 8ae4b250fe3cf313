"""Reads for the organisation pages: the list, one organisation (with a PCN's fair share and
engagement), its history, and what needs an organisation lead now."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from carehomes import gaps
from carehomes.models import Assignment, CareHome
from carehomes.selectors import staff_capacity
from config.history import history_entries, newest
from config.presenters import Need, plural
from config.querysets import filter_given
from organisations.models import EngagementNote, Organisation, StaffMember
from workstreams.models import SupportOffer, SupportRequest
from workstreams.selectors.common import HOURS, subquery_count
from workstreams.selectors.help_requests import support_request_list


def organisation_list(*, kind=None, sector=None, today=None):
    """Every organisation with its staff count, care homes supported and (for PCNs) homes aligned."""
    today = today or timezone.localdate()
    queryset = Organisation.objects.select_related("clinical_director").annotate(
        staff_count=subquery_count(
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
        homes_aligned=subquery_count(CareHome.objects.filter(pcn=OuterRef("pk")), "pcn"),
    )
    return filter_given(queryset, kind=kind, sector=sector).order_by("name")


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


def organisation_history(organisation):
    """Changes to the organisation (engagement, committed hours, clinical director…), newest first."""
    return history_entries(newest(organisation.history.all()), lambda r: "Organisation details")


def organisation_lead_needs(organisation, *, today=None):
    """What needs an organisation lead now: offers on their requests, and others' requests they could help with.

    Two queries whatever the size of the city.
    """
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
