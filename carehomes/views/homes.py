"""Care homes: the list, one home's page (its staff, visits and gaps) and its outbreak status."""

from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehomes import selectors, services, suggestions
from carehomes.assignment_forms import AssignmentForm, HandOverForm
from carehomes.forms import CareHomeFilterForm, OutbreakForm, SupplyingPharmacyForm, staff_list_is_large
from carehomes.gaps import CARE_HOME_RULES
from carehomes.home_forms import CareHomeForm
from carehomes.models import Assignment, CareHome
from config.dates import uk_date
from config.forms import answer_write, share_choices
from config.pagination import paginate
from config.rendering import found_or_404, render_page
from organisations.access import may, require, requires
from organisations.permissions import Permission

SUGGESTED_HOURS = Decimal("2")


def and_list(words):
    """['name', 'beds', 'type'] -> 'name, beds and type'."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


@requires(Permission.VIEW_CAREHOME)
def carehome_list(request):
    form = CareHomeFilterForm(request.GET or None, **selectors.carehome_filter_rows())
    homes = selectors.carehome_list(user=request.user, facts=False, **form.selector_kwargs())
    page, pagination = paginate(request, homes, rows=selectors.carehome_rows)
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
    home = found_or_404(selectors.carehome_detail, user=request.user, pk=pk)
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
        large = staff_list_is_large()
        context["assign_form"] = forms.get("assign_form") or AssignmentForm(staff_list_large=large)
        context["handover_form"] = forms.get("handover_form") or HandOverForm(
            prefix="handover", staff_list_large=large
        )
        share_choices(context["assign_form"].fields["staff"], context["handover_form"].fields["staff"])
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


def assignments_response(request, *, url, template, context, notice=None, status=200):
    """After a write on a home's or a person's page: for htmx the page's refreshed assignments block
    (`context(notice=…)`), else a redirect to them with `notice` as a banner, or the page with errors."""
    if status == 200 and not request.htmx:
        if notice:
            messages.success(request, notice)
        return redirect(url + "#assignments")
    return render_page(
        request, template, context(notice=notice), block="assignments", status=200 if request.htmx else status
    )


def home_response(request, home_pk, *, notice=None, status=200, **forms):
    """After a write on a home's page (see `assignments_response`)."""
    home = selectors.carehome_detail(user=request.user, pk=home_pk)
    return assignments_response(
        request,
        url=reverse("carehomes:detail", args=[home.pk]),
        template="carehomes/detail.jinja",
        context=lambda notice: home_context(request, home, notice=notice, **forms),
        notice=notice,
        status=status,
    )


def answer_form(form, write, respond, *, form_name, notice):
    """A form on a home's or a person's page, answered by `answer_write`: written, the page
    (`respond`: `home_response` or `staff_response`) with `notice(what was written)`; refused, the
    page again with status 400 and the errors next to the fields, keeping what was typed."""
    return answer_write(
        form,
        write,
        done=lambda written: respond(notice=notice(written)),
        refused=lambda: respond(status=400, **{form_name: form}),
    )


def answer_home_form(request, pk, permission, form, service, *, form_name, notice):
    """A form on a home's page: the home (404 when there is none) and `permission` on it, then
    `service(by=the user, care_home=the home, **what the form parsed)` answered by `answer_form`.
    `form` is the bound form, or `form(home)` makes it when it asks rules about the home."""
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, permission, home)
    return answer_form(
        form(home) if callable(form) else form,
        lambda data: service(by=request.user, care_home=home, **data),
        partial(home_response, request, home.pk),
        form_name=form_name,
        notice=notice,
    )


@require_POST
def carehome_supplying_pharmacy(request, pk):
    return answer_home_form(
        request,
        pk,
        Permission.CHANGE_CAREHOME,
        SupplyingPharmacyForm(request.POST),
        services.carehome_set_supplying_pharmacy,
        form_name="pharmacy_form",
        notice=lambda home: (
            f"{home.name}: supplied by {home.supplying_pharmacy.name}."
            if home.supplying_pharmacy
            else f"{home.name}: no supplying pharmacy."
        ),
    )


@require_POST
def carehome_outbreak(request, pk):
    return answer_home_form(
        request,
        pk,
        Permission.CHANGE_CAREHOME,
        OutbreakForm(request.POST),
        services.carehome_outbreak_update,
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


def _answer_edit(request, form, write, *, home=None, saved_message):
    """The home's details form posted: `write(what it parsed)` (one service), then the home's page
    with `saved_message(the home)`; refused, the form again with status 400."""

    def done(saved):
        messages.success(request, saved_message(saved))
        return redirect("carehomes:detail", pk=saved.pk)

    return answer_write(
        form, write, done=done, refused=lambda: _edit_page(request, form=form, home=home, status=400)
    )


def carehome_edit(request, pk):
    """The project manager changes a home's details; what they change the CQC import keeps."""
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.CHANGE_CAREHOME, home)
    if request.method != "POST":
        form = CareHomeForm(initial=CareHomeForm.initial_for(home))
        return _edit_page(request, form=form, home=home, focus=request.GET.get("field"))
    form = CareHomeForm(request.POST)

    def saved_message(saved):
        labels = [str(form.fields[name].label).lower() for name in saved.changed_fields]
        return f"{saved.name}: {and_list(labels)} saved." if labels else f"{saved.name}: nothing was changed."

    return _answer_edit(
        request,
        form,
        lambda data: services.care_home_update(by=request.user, care_home=home, **data),
        home=home,
        saved_message=saved_message,
    )


def carehome_add(request):
    """The project manager adds a home by hand (one not yet in the CQC's file)."""
    require(request.user, Permission.ADD_CAREHOME)
    if request.method != "POST":
        return _edit_page(request, form=CareHomeForm(), focus="name")
    return _answer_edit(
        request,
        CareHomeForm(request.POST),
        lambda data: services.care_home_create_by_hand(by=request.user, **data),
        saved_message=lambda home: f"{home.name} added.",
    )
