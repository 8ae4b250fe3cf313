"""Requests for help and offers: raise a request, offer staff time, accept or decline, withdraw."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carehomes.forms import home_lookup_text
from carehomes.views.lookups import LookupForm
from config.dates import uk_date
from config.forms import answer_write
from config.presenters import hours_phrase
from config.rendering import found_or_404, redirect_with_notice, render_confirm
from organisations.access import (
    is_coordinator,
    may,
    organisation_ids_for,
    require,
    requires,
    staff_member_for,
)
from organisations.models import Organisation
from organisations.people_lookup import person_lookup_answer
from organisations.permissions import Permission
from workstreams import selectors, services
from workstreams.forms import (
    AcceptOfferForm,
    ChooseOrganisationForm,
    SupportOfferForm,
    SupportRequestForm,
)
from workstreams.models import SupportOffer, SupportRequest
from workstreams.views.common import history_for, page_of, render_with_labels

SHOW_TABS = [("open", "Open"), ("met", "Met"), ("closed", "Withdrawn or expired"), ("all", "All")]


@requires(Permission.VIEW_SUPPORTREQUEST)
def request_list(request):
    show = request.GET.get("show") or "open"
    if show not in dict(SHOW_TABS):
        show = "open"
    page = page_of(request, selectors.support_request_list(show=show))
    return render_with_labels(
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
    return is_coordinator(user) or (own is not None and may(user, Permission.ADD_SUPPORTREQUEST, own))


@requires(Permission.VIEW_SUPPORTREQUEST)
def request_create(request):
    """Raise a request for an organisation: a lead's own, or (for the PM) the one chosen first."""
    organisation = None
    chosen = ChooseOrganisationForm(request.GET if "organisation" in request.GET else request.POST)
    if chosen["organisation"].value():
        if not chosen.is_valid():  # a hand-edited link: not an organisation's number
            raise Http404("No such organisation.")
        organisation = chosen.cleaned_data["organisation"]
    elif not is_coordinator(request.user):
        organisation = _own_organisation(request.user)
    if organisation is None:
        if not is_coordinator(request.user):
            raise PermissionDenied
        return render_with_labels(
            request,
            "workstreams/request_choose_organisation.jinja",
            {"page_title": "Raise a request for help", "form": ChooseOrganisationForm(request.GET or None)},
        )
    require(request.user, Permission.ADD_SUPPORTREQUEST, organisation)
    homes = selectors.homes_for_organisation(organisation)
    form = SupportRequestForm(
        request.POST or None,
        homes=homes,
        lookup_url=reverse("workstreams:request_home_lookup", kwargs={"pk": organisation.pk}),
    )
    return answer_write(
        form,
        lambda data: services.support_request_create(by=request.user, organisation=organisation, **data),
        done=lambda support_request: redirect_with_notice(
            request,
            "Your request for help has been raised. Every organisation can now see it.",
            "workstreams:request_detail",
            pk=support_request.pk,
        ),
        refused=lambda: render_with_labels(
            request,
            "workstreams/request_form.jinja",
            {"page_title": "Raise a request for help", "form": form, "organisation": organisation},
        ),
    )


@require_GET
@requires(Permission.VIEW_SUPPORTREQUEST)
def request_home_lookup(request, pk):
    """The request form's care-home look-up (past a city's size): only the homes this organisation
    may ask help for, and only for someone who may raise a request for it."""
    organisation = get_object_or_404(Organisation, pk=pk)
    require(request.user, Permission.ADD_SUPPORTREQUEST, organisation)
    form = LookupForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    homes = selectors.homes_for_organisation_lookup(organisation, search=search)
    return JsonResponse({"results": [{"id": h.pk, "text": home_lookup_text(h)} for h in homes]})


def _offer_staff(user, support_request):
    """Whom this user may offer: anyone active for the PM, their own organisations' staff for a lead."""
    if is_coordinator(user):
        return selectors.staff_to_offer()
    own = organisation_ids_for(user) - {support_request.organisation_id}
    if not own or not may(user, Permission.ADD_SUPPORTOFFER, Organisation(pk=next(iter(own)))):
        return None
    return selectors.staff_to_offer(organisation_ids=own)


@requires(Permission.VIEW_SUPPORTREQUEST)
def request_detail(request, pk, offer_form=None, accept_errors=None):
    support_request = found_or_404(selectors.support_request_detail, pk)
    is_open = support_request.is_open()
    staff = _offer_staff(request.user, support_request) if is_open else None
    if offer_form is None and staff is not None:
        offer_form = SupportOfferForm(staff=staff, lookup_url=_offer_lookup_url(support_request.pk))
    may_accept = may(request.user, Permission.ACCEPT_SUPPORTOFFER, None)
    accept_form = None
    if may_accept and is_open and not support_request.care_homes.all():
        accept_form = AcceptOfferForm(homes=selectors.homes_for_request(support_request))
    return render_with_labels(
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
            "may_withdraw": is_open and may(request.user, Permission.CHANGE_SUPPORTREQUEST, support_request),
            "offers": list(support_request.offers.all()),
            "history": history_for(request.user, selectors.support_request_history, support_request),
        },
        status=400 if (accept_errors or (offer_form is not None and offer_form.errors)) else 200,
    )


def _offer_lookup_url(pk):
    return reverse("workstreams:offer_staff_lookup", args=[pk])


@require_GET
@requires(Permission.VIEW_SUPPORTREQUEST)
def offer_staff_lookup(request, pk):
    """The offer form's "Who can help?" look-up (past a city's size): whom this user may offer, as
    the form (anyone active for the PM, their own organisations' staff for a lead); 403 for others."""
    support_request = get_object_or_404(SupportRequest, pk=pk)
    staff = _offer_staff(request.user, support_request)
    if staff is None:
        raise PermissionDenied
    return person_lookup_answer(request, staff)


@require_POST
@requires(Permission.VIEW_SUPPORTREQUEST)
def offer_create(request, pk):
    support_request = get_object_or_404(SupportRequest, pk=pk)
    staff = _offer_staff(request.user, support_request)
    if staff is None:
        raise PermissionDenied
    # Only the people this user may offer parse, so the form shown again after an error lists
    # only them; the service checks the organisation again.
    form = SupportOfferForm(request.POST, staff=staff, lookup_url=_offer_lookup_url(pk))
    return answer_write(
        form,
        lambda data: services.support_offer_create(by=request.user, support_request=support_request, **data),
        done=lambda _: redirect_with_notice(
            request,
            "Thank you: your offer has been sent to the project manager.",
            "workstreams:request_detail",
            pk=pk,
        ),
        refused=lambda: request_detail(request, pk, offer_form=form),
    )


@require_POST
@requires(Permission.ACCEPT_SUPPORTOFFER)
def offer_accept(request, pk):
    offer = get_object_or_404(selectors.support_offers(), pk=pk)
    care_home = None
    form = AcceptOfferForm(request.POST)
    if form["care_home"].value():
        if not form.is_valid():
            return request_detail(request, offer.request_id, accept_errors=form.errors["care_home"])
        care_home = form.cleaned_data["care_home"]
    return _decided(
        request,
        offer.request_id,
        lambda: services.support_offer_accept(by=request.user, offer=offer, care_home=care_home),
        f"Offer accepted: {offer.staff.name} is now assigned.",
    )


@require_http_methods(["GET", "POST"])
@requires(Permission.ACCEPT_SUPPORTOFFER)
def offer_decline(request, pk):
    """ "Decline the offer from …?" (GET), then the decline (POST)."""
    offer = get_object_or_404(selectors.support_offers(), pk=pk)
    back = reverse("workstreams:request_detail", args=[offer.request_id])
    if request.method == "GET":
        if offer.status != SupportOffer.Status.OFFERED:
            return redirect(back)
        return render_confirm(
            request,
            question=f"Decline the offer from {offer.staff.name}?",
            rows=[
                ("Request", offer.request.title),
                ("Who", f"{offer.staff.name}, {offer.organisation.name}"),
                ("Hours a week", hours_phrase(offer.hours_per_week)),
                ("From", uk_date(offer.starts_on)),
            ],
            happens=[
                f"{offer.staff.name} will not be assigned: the offer is marked declined and kept in the request's history.",
                "The request stays open for other offers.",
                "A declined offer cannot be accepted later; the organisation would have to offer again.",
            ],
            button="Decline offer",
            keep_text="Keep the offer",
            back=back,
        )
    return _decided(
        request,
        offer.request_id,
        lambda: services.support_offer_decline(by=request.user, offer=offer),
        "Offer declined.",
    )


@require_http_methods(["GET", "POST"])
@requires(Permission.VIEW_SUPPORTREQUEST)
def request_withdraw(request, pk):
    """ "Withdraw this request for help?" (GET), then the withdrawal (POST)."""
    support_request = get_object_or_404(SupportRequest, pk=pk)
    back = reverse("workstreams:request_detail", args=[pk])
    if request.method == "GET":
        require(request.user, Permission.CHANGE_SUPPORTREQUEST, support_request)
        if not support_request.is_open():
            return redirect(back)
        return render_confirm(
            request,
            question=f"Withdraw the request “{support_request.title}”?",
            rows=[
                ("Hours a week", hours_phrase(support_request.hours_per_week)),
                ("Needed by", uk_date(support_request.needed_by)),
            ],
            happens=[
                "The request closes as withdrawn and no longer appears among the requests people can help with.",
                "Offers still waiting for a decision are declined; help already accepted stays assigned.",
                "It cannot be reopened: raise a new request if help is needed again.",
            ],
            button="Withdraw request",
            keep_text="Keep the request",
            back=back,
        )
    return _decided(
        request,
        pk,
        lambda: services.support_request_withdraw(by=request.user, support_request=support_request),
        "The request has been withdrawn.",
    )


def _decided(request, request_pk, decide, done):
    """A decision on a request for help or an offer to it (`decide`, one service): back to the
    request's page with `done` in the success banner, or the request's page saying why not."""
    try:
        decide()
    except ValidationError as error:
        return request_detail(request, request_pk, accept_errors=error.messages)
    messages.success(request, done)
    return redirect("workstreams:request_detail", pk=request_pk)
