"""Workstreams, requests for help and offers, and the organisation pages. Thin: parse, call, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carehomes.models import CareHome
from config.placeholders import placeholder
from organisations import services as organisation_services
from organisations.access import (
    is_coordinator,
    may,
    organisation_ids_for,
    require,
    requires,
    staff_member_for,
)
from organisations.forms import EngagementForm, EngagementNoteForm
from organisations.models import Organisation, Sector
from workstreams import selectors, services
from workstreams.forms import (
    AcceptOfferForm,
    ChooseOrganisationForm,
    ProgressNoteForm,
    SupportOfferForm,
    SupportRequestForm,
    WorkstreamForm,
)
from workstreams.models import SupportOffer, SupportRequest, Workstream
from workstreams.presenters import CONTEXT


def _render(request, template, context, status=200):
    return render(request, template, {**CONTEXT, **context}, status=status)


def _history_for(user, history, obj):
    """The object's change history for those who keep the picture (PM, SLT); None for others."""
    return history(obj) if may(user, "organisations.view_history", obj) else None


def _add_errors(form, error: ValidationError):
    """Show a service's field-keyed messages next to the fields, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _page(request, queryset):
    return Paginator(queryset, settings.HUB["PAGE_SIZE"]).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- workstreams


@requires("workstreams.view_workstream")
def workstream_list(request):
    status = request.GET.get("status") or ""
    if status not in Workstream.Status.values:
        status = ""
    page = _page(request, selectors.workstream_list(status=status or None))
    return _render(
        request,
        "workstreams/workstream_list.jinja",
        {
            "page_title": "Workstreams",
            "page": page,
            "status": status,
            "statuses": Workstream.Status.choices,
            "may_add": may(request.user, "workstreams.add_workstream"),
        },
    )


@requires("workstreams.add_workstream")
def workstream_create(request):
    form = WorkstreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workstream = services.workstream_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Workstream “{workstream.name}” created.")
            return redirect("workstreams:detail", pk=workstream.pk)
    return _render(
        request, "workstreams/workstream_form.jinja", {"page_title": "New workstream", "form": form}
    )


@requires("workstreams.change_workstream")
def workstream_edit(request, pk):
    workstream = get_object_or_404(Workstream, pk=pk)
    form = WorkstreamForm(request.POST or None, instance=workstream)
    if request.method == "POST" and form.is_valid():
        try:
            services.workstream_update(by=request.user, workstream=workstream, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Workstream saved.")
            return redirect("workstreams:detail", pk=workstream.pk)
    return _render(
        request,
        "workstreams/workstream_form.jinja",
        {"page_title": f"Edit {workstream.name}", "form": form, "workstream": workstream},
    )


@requires("workstreams.view_workstream")
def workstream_detail(request, pk, note_form=None):
    try:
        workstream = selectors.workstream_detail(pk)
    except Workstream.DoesNotExist:
        return get_object_or_404(Workstream, pk=pk)
    may_change = may(request.user, "workstreams.change_workstream", workstream)
    return _render(
        request,
        "workstreams/workstream_detail.jinja",
        {
            "page_title": workstream.name,
            "workstream": workstream,
            "may_change": may_change,
            "note_form": note_form or (ProgressNoteForm() if may_change else None),
            "history": _history_for(request.user, selectors.workstream_history, workstream),
        },
        status=400 if note_form is not None else 200,
    )


@require_POST
@requires("workstreams.change_workstream")
def progress_note_add(request, pk):
    workstream = get_object_or_404(Workstream, pk=pk)
    form = ProgressNoteForm(request.POST)
    if form.is_valid():
        try:
            services.progress_note_add(by=request.user, workstream=workstream, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Progress note added.")
            return redirect("workstreams:detail", pk=pk)
    return workstream_detail(request, pk, note_form=form)


# ---------------------------------------------------------------- requests for help

SHOW_TABS = [("open", "Open"), ("met", "Met"), ("closed", "Withdrawn or expired"), ("all", "All")]


@requires("workstreams.view_supportrequest")
def request_list(request):
    show = request.GET.get("show") or "open"
    if show not in dict(SHOW_TABS):
        show = "open"
    page = _page(request, selectors.support_request_list(show=show))
    return _render(
        request,
        "workstreams/request_list.jinja",
        {
            "page_title": "Requests for help",
            "page": page,
            "show": show,
            "tabs": SHOW_TABS,
            "may_raise": _may_raise(request.user),
        },
    )


def _own_organisation(user):
    member = staff_member_for(user)
    return member.organisation if member else None


def _may_raise(user):
    own = _own_organisation(user)
    # Not may(user, perm) without an object: the lead's group holds the model permission.
    return is_coordinator(user) or (own is not None and may(user, "workstreams.add_supportrequest", own))


@requires("workstreams.view_supportrequest")
def request_create(request):
    """Raise a request for an organisation: a lead's own, or (for the PM) the one chosen first."""
    organisation = None
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    if chosen:
        if not chosen.isdecimal() or len(chosen) > 18:  # hand-edited: not an organisation's number
            raise Http404("No such organisation.")
        organisation = get_object_or_404(Organisation, pk=chosen)
    elif not is_coordinator(request.user):
        organisation = _own_organisation(request.user)
    if organisation is None:
        if not is_coordinator(request.user):
            raise PermissionDenied
        return _render(
            request,
            "workstreams/request_choose_organisation.jinja",
            {"page_title": "Raise a request for help", "form": ChooseOrganisationForm(request.GET or None)},
        )
    require(request.user, "workstreams.add_supportrequest", organisation)
    homes = selectors.homes_for_organisation(organisation)
    form = SupportRequestForm(request.POST or None, homes=homes)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = services.support_request_create(
                by=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, "Your request for help has been raised. Every organisation can now see it."
            )
            return redirect("workstreams:request_detail", pk=support_request.pk)
    return _render(
        request,
        "workstreams/request_form.jinja",
        {"page_title": "Raise a request for help", "form": form, "organisation": organisation},
    )


def _offer_staff(user, support_request):
    """Whom this user may offer: anyone active for the PM, their own organisations' staff for a lead."""
    if is_coordinator(user):
        return selectors.staff_to_offer()
    own = organisation_ids_for(user) - {support_request.organisation_id}
    if not own or not may(user, "workstreams.add_supportoffer", Organisation(pk=next(iter(own)))):
        return None
    return selectors.staff_to_offer(organisation_ids=own)


@requires("workstreams.view_supportrequest")
def request_detail(request, pk, offer_form=None, accept_errors=None):
    try:
        support_request = selectors.support_request_detail(pk)
    except SupportRequest.DoesNotExist:
        return get_object_or_404(SupportRequest, pk=pk)
    is_open = support_request.is_open()
    staff = _offer_staff(request.user, support_request) if is_open else None
    if offer_form is None and staff is not None:
        offer_form = SupportOfferForm(staff=staff)
    may_accept = may(request.user, "workstreams.accept_supportoffer", None)
    accept_form = None
    if may_accept and is_open and not support_request.care_homes.all():
        accept_form = AcceptOfferForm(homes=_locality_homes(support_request))
    return _render(
        request,
        "workstreams/request_detail.jinja",
        {
            "page_title": support_request.title,
            "support_request": support_request,
            "shown_status": support_request.current_status(),
            "is_open": is_open,
            "offer_form": offer_form if is_open else None,
            "may_accept": may_accept and is_open,
            "accept_form": accept_form,
            "accept_errors": accept_errors or [],
            "may_withdraw": is_open
            and may(request.user, "workstreams.change_supportrequest", support_request),
            "offers": list(support_request.offers.all()),
            "history": _history_for(request.user, selectors.support_request_history, support_request),
        },
        status=400 if (accept_errors or (offer_form is not None and offer_form.errors)) else 200,
    )


def _locality_homes(support_request):
    homes = CareHome.objects.filter(locality__iexact=support_request.locality).order_by("name")
    return homes if homes.exists() else selectors.homes_for_organisation(support_request.organisation)


@require_POST
@requires("workstreams.view_supportrequest")
def offer_create(request, pk):
    support_request = get_object_or_404(SupportRequest, pk=pk)
    if _offer_staff(request.user, support_request) is None:
        raise PermissionDenied
    # Any active person parses; the service refuses (403) someone from another organisation.
    form = SupportOfferForm(request.POST, staff=selectors.staff_to_offer())
    if form.is_valid():
        try:
            services.support_offer_create(
                by=request.user, support_request=support_request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Thank you: your offer has been sent to the project manager.")
            return redirect("workstreams:request_detail", pk=pk)
    return request_detail(request, pk, offer_form=form)


@require_POST
@requires("workstreams.accept_supportoffer")
def offer_accept(request, pk):
    offer = get_object_or_404(SupportOffer.objects.select_related("request", "staff"), pk=pk)
    care_home = None
    if request.POST.get("care_home"):
        form = AcceptOfferForm(request.POST, homes=CareHome.objects.all())
        if not form.is_valid():
            return request_detail(request, offer.request_id, accept_errors=form.errors["care_home"])
        care_home = form.cleaned_data["care_home"]
    try:
        services.offer_accept(by=request.user, offer=offer, care_home=care_home)
    except ValidationError as error:
        return request_detail(request, offer.request_id, accept_errors=error.messages)
    messages.success(request, f"Offer accepted: {offer.staff.name} is now assigned.")
    return redirect("workstreams:request_detail", pk=offer.request_id)


@require_POST
@requires("workstreams.accept_supportoffer")
def offer_decline(request, pk):
    offer = get_object_or_404(SupportOffer, pk=pk)
    try:
        services.offer_decline(by=request.user, offer=offer)
    except ValidationError as error:
        return request_detail(request, offer.request_id, accept_errors=error.messages)
    messages.success(request, "Offer declined.")
    return redirect("workstreams:request_detail", pk=offer.request_id)


@require_POST
@requires("workstreams.view_supportrequest")
def request_withdraw(request, pk):
    support_request = get_object_or_404(SupportRequest, pk=pk)
    try:
        services.support_request_withdraw(by=request.user, support_request=support_request)
    except ValidationError as error:
        return request_detail(request, pk, accept_errors=error.messages)
    messages.success(request, "The request has been withdrawn.")
    return redirect("workstreams:request_detail", pk=pk)


# ---------------------------------------------------------------- organisations


@requires("organisations.view_organisation")
def organisation_list(request):
    kind = request.GET.get("kind") or ""
    sector = request.GET.get("sector") or ""
    kind = kind if kind in Organisation.Kind.values else ""
    sector = sector if sector in Sector.values else ""
    page = _page(request, selectors.organisation_list(kind=kind or None, sector=sector or None))
    sees_gaps = may(request.user, "organisations.view_engagementnote")
    return _render(
        request,
        "organisations/organisation_list.jinja",
        {
            "page_title": "Organisations",
            "page": page,
            "kind": kind,
            "sector": sector,
            "kinds": Organisation.Kind.choices,
            "sectors": Sector.choices,
            "pcn_gaps": selectors.pcns_without_committed_hours() if sees_gaps else None,
        },
    )


@requires("organisations.view_organisation")
def organisation_detail(request, pk, engagement_form=None, note_form=None):
    try:
        data = selectors.organisation_page(pk)
    except Organisation.DoesNotExist:
        return get_object_or_404(Organisation, pk=pk)
    organisation = data.organisation
    may_engage = organisation.is_pcn and may(request.user, "organisations.add_engagementnote", organisation)
    if may_engage:
        engagement_form = engagement_form or EngagementForm(
            pcn=organisation,
            initial={
                "engagement": organisation.engagement,
                "committed_hours": organisation.committed_hours,
                "clinical_director": organisation.clinical_director_id,
            },
        )
        note_form = note_form or EngagementNoteForm()
    return _render(
        request,
        "organisations/organisation_detail.jinja",
        {
            "page_title": organisation.name,
            "data": data,
            "organisation": organisation,
            "may_engage": may_engage,
            "sees_notes": may(request.user, "organisations.view_engagementnote", organisation),
            "engagement_form": engagement_form if may_engage else None,
            "note_form": note_form if may_engage else None,
            "may_raise": may(request.user, "workstreams.add_supportrequest", organisation),
            "history": _history_for(request.user, selectors.organisation_history, organisation),
        },
        status=400
        if any(f is not None and f.is_bound and f.errors for f in (engagement_form, note_form))
        else 200,
    )


@require_POST
@requires("organisations.add_engagementnote")
def engagement_update(request, pk):
    pcn = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.PCN)
    form = EngagementForm(request.POST, pcn=pcn)
    if form.is_valid():
        try:
            organisation_services.pcn_engagement_update(by=request.user, pcn=pcn, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Engagement saved.")
            return redirect("organisations:detail", pk=pk)
    return organisation_detail(request, pk, engagement_form=form)


@require_POST
@requires("organisations.add_engagementnote")
def engagement_note_add(request, pk):
    pcn = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.PCN)
    form = EngagementNoteForm(request.POST)
    if form.is_valid():
        try:
            organisation_services.engagement_note_add(by=request.user, pcn=pcn, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Conversation recorded.")
            return redirect("organisations:detail", pk=pk)
    return organisation_detail(request, pk, note_form=form)


@requires("workstreams.view_my_organisation")
def my_organisation(request):
    member = staff_member_for(request.user)
    if member is None:
        return placeholder(request, "My organisation", "Your login is not linked to a staff record yet.", [])
    return redirect("organisations:detail", pk=member.organisation_id)
