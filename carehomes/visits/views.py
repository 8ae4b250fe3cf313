"""Visits: thin views over carehomes.visits.services and selectors."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from carehomes.needs import pharmacist_needs
from carehomes.visits import exports, selectors, services
from carehomes.visits.forms import (
    NewVisitLinkForm,
    ReasonForm,
    VisitFilterForm,
    VisitForm,
    new_visit_initial,
    visit_initial,
)
from config.dates import uk_date
from organisations.access import may, require, requires
from organisations.permissions import Permission


@requires(Permission.VIEW_MY_CARE_HOMES)
def my_care_homes(request):
    homes = selectors.my_care_homes(request.user)
    recent = list(selectors.visits_for(request.user)[:5]) if may(request.user, Permission.LIST_VISITS) else []
    return render(
        request,
        "carehomes/visits/my_care_homes.jinja",
        {
            "page_title": "My care homes",
            "homes": homes,
            "recent_visits": recent,
            "needs": pharmacist_needs(homes),
        },
    )


def _filtered_visits(request):
    form = VisitFilterForm(request.GET or None, user=request.user)
    queryset = selectors.visit_filter(selectors.visits_for(request.user), **form.filters())
    return form, queryset


@requires(Permission.LIST_VISITS)
def visit_list(request):
    form, queryset = _filtered_visits(request)
    page = selectors.visit_page(
        queryset,
        older_than=request.GET.get("older"),
        newer_than=request.GET.get("newer"),
        size=settings.HUB["PAGE_SIZE"],
    )
    query = request.GET.copy()
    for key in ("page", "older", "newer"):
        query.pop(key, None)
    return render(
        request,
        "carehomes/visits/list.jinja",
        {
            "page_title": "Visits" if services.may_choose_staff(request.user) else "My visits",
            "filter_form": form,
            "page": page,
            "totals": selectors.visit_list_totals(request.user, form.filters(), queryset),
            "query": query.urlencode(),
            "show_staff": services.may_choose_staff(request.user),
        },
    )


@requires(Permission.LIST_VISITS)
def visit_export(request, extension):
    _form, queryset = _filtered_visits(request)
    if extension == "xlsx":
        return exports.visits_xlsx(queryset)
    return exports.visits_csv(queryset)


def _render_form(request, form, *, visit=None, duplicate=None, status=200):
    return render(
        request,
        "carehomes/visits/form.jinja",
        {
            "page_title": "Change a visit" if visit else "Log a visit",
            "form": form,
            "visit": visit,
            "duplicate": duplicate,
        },
        status=status,
    )


@requires(Permission.ADD_VISIT)
@require_http_methods(["GET", "POST"])
def visit_create(request):
    if request.method == "GET":
        initial = new_visit_initial(NewVisitLinkForm(request.GET).care_home_id())
        return _render_form(request, VisitForm(initial=initial, user=request.user))

    form = VisitForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_form(request, form, status=400)
    token = form.cleaned_data["submission_token"]
    if token is None:
        # A form that lost its token (e.g. edited by hand): give it one, and make it confirm.
        form.add_error(None, "Something went wrong with the form. Check the details and save again.")
        return _render_form(request, form, status=400)
    try:
        visit = services.visit_create(
            by=request.user,
            submission_token=token,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            **form.visit_fields(),
        )
    except services.DuplicateVisit as duplicate:
        return _render_form(request, form, duplicate=duplicate.existing, status=409)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render_form(request, form, status=400)
    if visit.already_saved:
        messages.info(request, "This visit was already saved, so it was not saved again.")
    else:
        what = "Cover visit" if visit.is_cover else "Visit"
        messages.success(request, f"{what} to {visit.care_home.name} on {uk_date(visit.visited_on)} saved.")
    return redirect("carehomes:visit_detail", visit.pk)


def _visit(pk):
    return get_object_or_404(selectors.visits_with_people(), pk=pk)


def visit_detail(request, pk):
    visit = _visit(pk)
    require(request.user, Permission.VIEW_VISIT, visit)
    may_change = may(request.user, Permission.CHANGE_VISIT, visit)
    return render(
        request,
        "carehomes/visits/detail.jinja",
        {
            "page_title": f"Visit to {visit.care_home.name}",
            "visit": visit,
            "history": selectors.visit_history(visit),
            "may_change": may_change,
            "is_correction": may_change and services.needs_reason(by=request.user, visit=visit),
            "may_view_home": may(request.user, Permission.VIEW_CAREHOME, visit.care_home),
            "may_list": may(request.user, Permission.LIST_VISITS),
        },
    )


@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = _visit(pk)
    require(request.user, Permission.CHANGE_VISIT, visit)
    needs_reason = services.needs_reason(by=request.user, visit=visit)
    if request.method == "GET":
        form = VisitForm(initial=visit_initial(visit), user=request.user, needs_reason=needs_reason)
        return _render_form(request, form, visit=visit)

    form = VisitForm(request.POST, user=request.user, needs_reason=needs_reason)
    if not form.is_valid():
        return _render_form(request, form, visit=visit, status=400)
    try:
        visit = services.visit_update(
            by=request.user,
            visit=visit,
            reason=form.cleaned_data.get("reason", ""),
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            **form.visit_fields(),
        )
    except services.DuplicateVisit as duplicate:
        return _render_form(request, form, visit=visit, duplicate=duplicate.existing, status=409)
    except ValidationError as error:
        form.add_service_errors(error)
        return _render_form(request, form, visit=visit, status=400)
    messages.success(request, "Visit changed. The change is kept in its history.")
    return redirect("carehomes:visit_detail", visit.pk)


@require_http_methods(["GET", "POST"])
def visit_delete(request, pk):
    visit = _visit(pk)
    require(request.user, Permission.CHANGE_VISIT, visit)
    needs_reason = services.needs_reason(by=request.user, visit=visit)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    form.fields["reason"].required = needs_reason
    form.fields["reason"].error_messages["required"] = (
        "Give the reason for deleting this visit, for example 'logged twice'."
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.visit_delete(by=request.user, visit=visit, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Visit to {visit.care_home.name} deleted. A record is kept.")
                return redirect("carehomes:visit_list")
        status = 400
    return render(
        request,
        "carehomes/visits/delete.jinja",
        {"page_title": "Delete this visit?", "visit": visit, "form": form, "needs_reason": needs_reason},
        status=status,
    )
