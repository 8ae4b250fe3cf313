"""Reads for the requests-for-help pages: requests, offers, the homes and staff they may name."""

from decimal import Decimal

from django.db.models import Case, CharField, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from carehomes.models import Assignment, CareHome
from carehomes.selectors import homes_matching, staff_capacity
from config.history import history_merged, newest
from organisations.models import StaffMember
from workstreams.models import SupportOffer, SupportRequest
from workstreams.selectors.common import HOURS, subquery_count


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
            offers_waiting=subquery_count(
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


def homes_for_organisation_lookup(organisation, *, search, limit=20):
    """The request form's look-up: the homes the organisation may ask help for (as the form lists
    them) whose name contains, or CQC ID or postcode starts with, `search`; at most `limit`."""
    return homes_matching(homes_for_organisation(organisation), search=search, limit=limit)


def staff_to_offer(*, organisation_ids=None):
    """Active staff who may be offered, with their spare hours; only the given organisations' when
    set (employed by, or second post in, one of them)."""
    queryset = StaffMember.objects.filter(is_active=True).select_related("organisation")
    if organisation_ids is not None:
        queryset = queryset.filter(
            Q(organisation_id__in=organisation_ids) | Q(second_organisation_id__in=organisation_ids)
        )
    return staff_capacity(queryset).order_by("name")


def support_request_history(support_request):
    """Changes to the request and to every offer made to it, newest first."""
    offers = SupportOffer.history.filter(request_id=support_request.pk).select_related("staff")
    return history_merged(
        (newest(support_request.history.all()), lambda r: "Request for help"),
        (newest(offers), lambda r: f"Offer of {r.staff.name}"),
    )
