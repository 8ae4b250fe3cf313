"""Care homes: the list, one home's page (its staff, visits and gaps) and its outbreak status."""

from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehomes import selectors, services, suggestions
from carehomes.assignment_forms import AssignmentForm, HandOverForm
from carehomes.forms import CareHomeFilterForm, OutbreakForm, SupplyingPharmacyForm
from carehomes.gaps import CARE_HOME_RULES
from carehomes.home_forms import CareHomeForm
from carehomes.models import Assignment, CareHome
from config.dates import uk_date
from config.forms import add_service_errors
from config.pagination import paginate
from config.rendering import render_page
from organisations.access import may, require, requires
from organisations.permissions import Permission

SUGGESTED_HOURS = Decimal("2")


def and_list(words):
    """['name', 'beds', 'type'] -> 'name, beds and type'."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


@requires(Permission.VIEW_CAREHOME)
def carehome_list(request):
    localities, pcns = selectors.carehome_filter_choices()
    form = CareHomeFilterForm(request.GET or None, localities=localities, pcns=pcns)
    homes = selectors.carehome_list(user=request.user, **form.selector_kwargs())
    page, pagination = paginate(request, homes)
    return render(
        request,
        "carehomes/list.jinja",
        {
            "page_title": "Care homes",
            "form": form,
            "page": page,
            "pagination": pagination,
            "rules": CARE_HOME_RULES,
            "can_import": may(request.user, Permission.IMPORT_CAREHOMES),
            "can_add": may(request.user, Permission.ADD_CAREHOME),
            "can_assign": may(request.user, Permission.ADD_ASSIGNMENT),
        },
    )


def home_or_404(request, pk):
    try:
        home = selectors.carehome_detail(user=request.user, pk=pk)
    except CareHome.DoesNotExist:
        raise Http404 from None
    require(request.user, Permission.VIEW_CAREHOME, home)
    return home


def home_context(request, home, **forms):
    can_assign = may(request.user, Permission.ADD_ASSIGNMENT, home)
    current, past = selectors.carehome_assignments(home)
    context = {
        "page_title": home.name,
        "home": home,
        "gaps": selectors.carehome_gaps(home),
        "current": current,
        "past": past,
        "visits": selectors.carehome_recent_visits(home),
        "history": selectors.carehome_history(home),
        "can_assign": can_assign,
        "can_change": may(request.user, Permission.CHANGE_CAREHOME, home),
        "today": timezone.localdate(),
    }
    if can_assign:
        context["assign_form"] = forms.get("assign_form") or AssignmentForm()
        context["handover_form"] = forms.get("handover_form") or HandOverForm(prefix="handover")
        context["outbreak_form"] = forms.get("outbreak_form") or OutbreakForm(
            initial={"status": home.outbreak_status, "started_on": home.outbreak_started_on}
        )
        context["pharmacy_form"] = forms.get("pharmacy_form") or SupplyingPharmacyForm(
            initial={"pharmacy": home.supplying_pharmacy.ods_code if home.supplying_pharmacy else ""}
        )
        context["has_lead"] = any(a.role == Assignment.Role.LEAD and a.ends_on is None for a in current)
        if home.gap_no_lead and not context["has_lead"]:
            context["suggestions"] = suggestions.shortlist(home)
            context["suggested_hours"] = SUGGESTED_HOURS
    context["notice"] = forms.get("notice")
    return context


def carehome_detail(request, pk):
    home = home_or_404(request, pk)
    return render(request, "carehomes/detail.jinja", home_context(request, home))


def home_response(request, home_pk, *, notice=None, status=200, **forms):
    """After a write on a home's page: the refreshed block for htmx, else a redirect (or the page with errors)."""
    home = selectors.carehome_detail(user=request.user, pk=home_pk)
    if status == 200 and not request.htmx:
        if notice:
            messages.success(request, notice)
        return redirect(reverse("carehomes:detail", args=[home.pk]) + "#assignments")
    context = home_context(request, home, notice=notice, **forms)
    return render_page(
        request,
        "carehomes/detail.jinja",
        context,
        block="assignments",
        status=200 if request.htmx else status,
    )


def answer_form(form, write, respond, *, form_name, notice):
    """The one way a form on a home's or a person's page is answered. When it parses,
    `write(cleaned_data)` (one service) and the page (`respond`: `home_response` or
    `staff_response`) with `notice(what was written)`; when the form or the service refuses, the
    page again with status 400 and the errors next to the fields, keeping what was typed."""
    if form.is_valid():
        try:
            written = write(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return respond(notice=notice(written))
    return respond(status=400, **{form_name: form})


@require_POST
def carehome_supplying_pharmacy(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.CHANGE_CAREHOME, home)
    return answer_form(
        SupplyingPharmacyForm(request.POST),
        lambda data: services.carehome_set_supplying_pharmacy(by=request.user, care_home=home, **data),
        partial(home_response, request, home.pk),
        form_name="pharmacy_form",
        notice=lambda home: (
            f"{home.name}: supplied by {home.supplying_pharmacy.name}."
            if home.supplying_pharmacy
            else f"{home.name}: no supplying pharmacy."
        ),
    )


@require_POST
def carehome_outbreak(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.CHANGE_CAREHOME, home)
    return answer_form(
        OutbreakForm(request.POST),
        lambda data: services.carehome_outbreak_update(by=request.user, care_home=home, **data),
        partial(home_response, request, home.pk),
        form_name="outbreak_form",
        notice=lambda home: (
            f"{home.name}: {home.get_outbreak_status_display().lower()} since {uk_date(home.outbreak_started_on)}."
            if home.in_outbreak
            else f"{home.name}: the outbreak is cleared."
        ),
    )


def _edit_page(request, *, form, home=None, focus=None, status=200):
    return render(
        request,
        "carehomes/edit.jinja",
        {
            "page_title": f"Change the details of {home.name}" if home else "Add a care home",
            "form": form,
            "home": home,
            # The field a "Change" link named gets the focus (not when the error summary has it).
            "focus": focus if focus in CareHomeForm.FIELDS_IN_ORDER and not form.errors else None,
        },
        status=status,
    )


def carehome_edit(request, pk):
    """The project manager changes a home's details; what they change the CQC import keeps."""
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.CHANGE_CAREHOME, home)
    if request.method != "POST":
        form = CareHomeForm(initial=CareHomeForm.initial_for(home))
        return _edit_page(request, form=form, home=home, focus=request.GET.get("field"))
    form = CareHomeForm(request.POST)
    if form.is_valid():
        try:
            saved = services.care_home_update(by=request.user, care_home=home, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            labels = [str(form.fields[name].label).lower() for name in saved.changed_fields]
            messages.success(
                request,
                f"{saved.name}: {and_list(labels)} saved."
                if labels
                else f"{saved.name}: nothing was changed.",
            )
            return redirect("carehomes:detail", pk=saved.pk)
    return _edit_page(request, form=form, home=home, status=400)


def carehome_add(request):
    """The project manager adds a home by hand (one not yet in the CQC's file)."""
    require(request.user, Permission.ADD_CAREHOME)
    if request.method != "POST":
        return _edit_page(request, form=CareHomeForm(), focus="name")
    form = CareHomeForm(request.POST)
    if form.is_valid():
        try:
            home = services.care_home_create_by_hand(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{home.name} added.")
            return redirect("carehomes:detail", pk=home.pk)
    return _edit_page(request, form=form, status=400)
