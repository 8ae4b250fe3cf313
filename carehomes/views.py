"""Care homes, staff, assignments, suggestions and imports: thin views over services and selectors."""

import uuid
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carehomes import imports, selectors, services, suggestions
from carehomes.forms import (
    AssignmentForm,
    CareHomeFilterForm,
    EndAssignmentForm,
    FillGapsForm,
    HandOverForm,
    ImportConfirmForm,
    ImportUploadForm,
    OutbreakForm,
    StaffAssignmentForm,
    StaffFilterForm,
    StaffLeaveForm,
)
from carehomes.gaps import CARE_HOME_RULES
from carehomes.models import Assignment, CareHome
from config.rendering import render_page
from organisations.access import may, require, requires
from organisations.models import StaffMember
from organisations.services import staff_member_leave

SUGGESTED_HOURS = Decimal("2")


def _page(request, queryset):
    """One page of a queryset, and the NHS.UK pagination component's parameters for it."""
    paginator = Paginator(queryset, request_page_size())
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()

    def href(number):
        params["page"] = number
        return f"?{params.urlencode()}"

    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    pagination = {
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "items": items if paginator.num_pages > 1 else [],
    }
    return page, pagination


def request_page_size():
    from django.conf import settings

    return settings.HUB["PAGE_SIZE"]


def _apply_errors(form, error: ValidationError):
    """Put a service's field-keyed messages next to the form's fields."""
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


# Care homes --------------------------------------------------------------------------------------


@requires("carehomes.view_carehome")
def carehome_list(request):
    localities, pcns = selectors.carehome_filter_choices()
    form = CareHomeFilterForm(request.GET or None, localities=localities, pcns=pcns)
    homes = selectors.carehome_list(user=request.user, **form.selector_kwargs())
    page, pagination = _page(request, homes)
    return render(
        request,
        "carehomes/list.jinja",
        {
            "page_title": "Care homes",
            "form": form,
            "page": page,
            "pagination": pagination,
            "rules": CARE_HOME_RULES,
            "can_import": may(request.user, "carehomes.import_carehomes"),
            "can_assign": may(request.user, "carehomes.add_assignment"),
        },
    )


def _home_or_404(request, pk):
    try:
        home = selectors.carehome_detail(user=request.user, pk=pk)
    except CareHome.DoesNotExist:
        raise Http404 from None
    require(request.user, "carehomes.view_carehome", home)
    return home


def _home_context(request, home, **forms):
    can_assign = may(request.user, "carehomes.add_assignment", home)
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
        "can_change": may(request.user, "carehomes.change_carehome", home),
        "today": timezone.localdate(),
    }
    if can_assign:
        context["assign_form"] = forms.get("assign_form") or AssignmentForm()
        context["handover_form"] = forms.get("handover_form") or HandOverForm(prefix="handover")
        end_forms = {a.pk: EndAssignmentForm(prefix=f"end-{a.pk}") for a in current}
        if forms.get("end_form") is not None:
            end_forms[forms["end_form_pk"]] = forms["end_form"]
        context["end_forms"] = end_forms
        context["outbreak_form"] = forms.get("outbreak_form") or OutbreakForm(
            initial={"status": home.outbreak_status, "started_on": home.outbreak_started_on}
        )
        context["has_lead"] = any(a.role == Assignment.Role.LEAD and a.ends_on is None for a in current)
        if home.gap_no_lead and not context["has_lead"]:
            context["suggestions"] = suggestions.shortlist(home)
            context["suggested_hours"] = SUGGESTED_HOURS
    context["notice"] = forms.get("notice")
    return context


def carehome_detail(request, pk):
    home = _home_or_404(request, pk)
    return render(request, "carehomes/detail.jinja", _home_context(request, home))


def _home_response(request, home_pk, *, notice=None, status=200, **forms):
    """After a write on a home's page: the refreshed block for htmx, else a redirect (or the page with errors)."""
    home = selectors.carehome_detail(user=request.user, pk=home_pk)
    if status == 200 and not request.htmx:
        if notice:
            messages.success(request, notice)
        return redirect(reverse("carehomes:detail", args=[home.pk]) + "#assignments")
    context = _home_context(request, home, notice=notice, **forms)
    return render_page(
        request,
        "carehomes/detail.jinja",
        context,
        block="assignments",
        status=200 if request.htmx else status,
    )


@require_POST
def assignment_add(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, "carehomes.add_assignment", home)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                by=request.user,
                care_home=home,
                staff=data["staff"],
                role=data["role"],
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            notice = f"{assignment.staff.name} is now {'the named lead' if assignment.role == 'lead' else 'support'} for {home.name}."
            return _home_response(request, home.pk, notice=notice)
    return _home_response(request, home.pk, status=400, assign_form=form)


@require_POST
def lead_hand_over(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, "carehomes.change_assignment", home)
    form = HandOverForm(request.POST, prefix="handover")
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.lead_hand_over(
                by=request.user,
                care_home=home,
                staff=data["staff"],
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            notice = f"{assignment.staff.name} is now the named lead for {home.name}."
            return _home_response(request, home.pk, notice=notice)
    return _home_response(request, home.pk, status=400, handover_form=form)


@require_POST
def assignment_end(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("staff", "care_home"), pk=pk)
    require(request.user, "carehomes.change_assignment", assignment)
    form = EndAssignmentForm(request.POST, prefix=f"end-{pk}")
    from_staff = request.POST.get("from") == "staff"
    if form.is_valid():
        try:
            services.assignment_end(
                by=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            notice = (
                f"{assignment.staff.name}'s assignment to {assignment.care_home.name} ends on "
                f"{form.cleaned_data['ends_on']:%-d %B %Y}."
            )
            if from_staff:
                return _staff_response(request, assignment.staff_id, notice=notice)
            return _home_response(request, assignment.care_home_id, notice=notice)
    if from_staff:
        return _staff_response(request, assignment.staff_id, status=400, end_form=form, end_form_pk=pk)
    return _home_response(request, assignment.care_home_id, status=400, end_form=form, end_form_pk=pk)


@require_POST
def carehome_outbreak(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, "carehomes.change_carehome", home)
    form = OutbreakForm(request.POST)
    if form.is_valid():
        try:
            home = services.carehome_set_outbreak(
                by=request.user,
                care_home=home,
                status=form.cleaned_data["status"],
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            notice = (
                f"{home.name}: {home.get_outbreak_status_display().lower()} since {home.outbreak_started_on:%-d %B %Y}."
                if home.in_outbreak
                else f"{home.name}: the outbreak is cleared."
            )
            return _home_response(request, home.pk, notice=notice)
    return _home_response(request, home.pk, status=400, outbreak_form=form)


# Suggestions: fill the gaps ----------------------------------------------------------------------


def _proposal_context(request, form, proposal, *, locality, hours, row_error=None):
    return {
        "page_title": "Fill the gaps",
        "form": form,
        "proposal": proposal,
        "locality": locality,
        "hours": hours,
        "row_error": row_error,
        "proposed_count": sum(1 for row in proposal if row.suggestion),
    }


@requires("carehomes.add_assignment")
def fill_gaps(request):
    localities, _pcns = selectors.carehome_filter_choices()
    if request.method == "POST":
        return _fill_gaps_accept(request, localities)
    form = FillGapsForm(request.GET or None, localities=localities)
    proposal, locality, hours = [], "", suggestions.DEFAULT_HOURS_PER_HOME
    if form.is_bound and form.is_valid():
        locality = form.cleaned_data["locality"]
        hours = form.cleaned_data["hours_per_week"]
        proposal = suggestions.fill_gaps(locality or None, hours)
    context = _proposal_context(request, form, proposal, locality=locality, hours=hours)
    context["shown"] = form.is_bound and form.is_valid()
    return render(request, "carehomes/fill_gaps.jinja", context)


def _is_id(value):
    """A posted primary key: decimal digits that fit a database integer (junk is ignored, never a 500)."""
    return value.isdecimal() and len(value) <= 18


def _fill_gaps_accept(request, localities):
    form = FillGapsForm(request.POST, localities=localities)
    if not form.is_valid():
        return render(
            request,
            "carehomes/fill_gaps.jinja",
            _proposal_context(request, form, [], locality="", hours=suggestions.DEFAULT_HOURS_PER_HOME),
            status=400,
        )
    locality, hours = form.cleaned_data["locality"], form.cleaned_data["hours_per_week"]
    home_ids = [int(h) for h in request.POST.getlist("home") if _is_id(h)]
    homes = CareHome.objects.in_bulk(home_ids)
    wanted = {}
    for home_id in home_ids:
        value = request.POST.get(f"staff_{home_id}", "")
        if _is_id(value):
            wanted[home_id] = int(value)
    people = StaffMember.objects.in_bulk(set(wanted.values()))
    rows = [(homes[h], people[s]) for h, s in wanted.items() if h in homes and s in people]
    if not rows:
        messages.info(request, "No one was chosen for any home, so nothing was assigned.")
        return redirect(
            f"{reverse('carehomes:fill_gaps')}?{urlencode({'locality': locality, 'hours_per_week': hours})}"
        )
    try:
        created = services.gaps_fill_accept(
            by=request.user, rows=rows, hours_per_week=hours, starts_on=timezone.localdate()
        )
    except services.ProposalRowError as error:
        proposal = suggestions.fill_gaps(locality or None, hours)
        context = _proposal_context(request, form, proposal, locality=locality, hours=hours, row_error=error)
        context["shown"] = True
        context["chosen"] = wanted
        return render(request, "carehomes/fill_gaps.jinja", context, status=400)
    messages.success(
        request,
        f"{len(created)} care home{'s' if len(created) != 1 else ''} now {'have' if len(created) != 1 else 'has'} a named lead.",
    )
    return redirect(
        f"{reverse('carehomes:fill_gaps')}?{urlencode({'locality': locality, 'hours_per_week': hours})}"
    )


# Imports -----------------------------------------------------------------------------------------

IMPORT_KINDS = {
    "cqc": {
        "permission": "carehomes.import_carehomes",
        "title": "Import the CQC care directory",
        "url": "carehomes:import",
        "confirm_url": "carehomes:import_confirm",
        "done_url": "carehomes:list",
        "preview": lambda data, name: imports.cqc_preview(imports.parse_cqc(data, name)),
        "apply": imports.cqc_apply,
        "noun": "care home",
    },
    "staff": {
        "permission": "carehomes.import_staff",
        "title": "Import staff",
        "url": "carehomes:staff_import",
        "confirm_url": "carehomes:staff_import_confirm",
        "done_url": "carehomes:staff_list",
        "preview": imports.staff_preview,
        "apply": imports.staff_apply,
        "noun": "person",
    },
}
IMPORT_CACHE_SECONDS = 60 * 60


def _import_page(request, kind, *, form=None, preview=None, token=None, confirm_form=None, status=200):
    spec = IMPORT_KINDS[kind]
    return render(
        request,
        "carehomes/import.jinja",
        {
            "page_title": spec["title"] + (": preview" if preview else ""),
            "kind": kind,
            "spec": spec,
            "form": form if form is not None else ImportUploadForm(),
            "preview": preview,
            "token": token,
            "confirm_form": confirm_form or ImportConfirmForm(),
        },
        status=status,
    )


def _import_upload(request, kind):
    require(request.user, IMPORT_KINDS[kind]["permission"])
    if request.method != "POST":
        return _import_page(request, kind)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, kind, form=form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(imports.MAX_BYTES + 1)
    try:
        preview = IMPORT_KINDS[kind]["preview"](data, upload.name)
    except imports.ImportFileError as error:
        form.add_error("file", str(error))
        return _import_page(request, kind, form=form, status=400)
    token = uuid.uuid4().hex
    cache.set(
        f"import:{kind}:{token}",
        {"data": data, "filename": upload.name, "user": request.user.pk},
        IMPORT_CACHE_SECONDS,
    )
    return _import_page(request, kind, preview=preview, token=token)


@require_POST
def _import_confirm(request, kind):
    spec = IMPORT_KINDS[kind]
    require(request.user, spec["permission"])
    token = request.POST.get("token", "")
    stored = cache.get(f"import:{kind}:{token}") if token.isalnum() and len(token) <= 64 else None
    if not stored or stored.get("user") != request.user.pk:
        messages.error(request, "That preview has expired. Upload the file again.")
        return redirect(spec["url"])
    confirm_form = ImportConfirmForm(request.POST)
    confirm_form.is_valid()
    skip = confirm_form.cleaned_data.get("skip_bad_rows", False)
    try:
        preview, applied = spec["apply"](
            by=request.user, data=stored["data"], filename=stored["filename"], skip_bad_rows=skip
        )
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return redirect(spec["url"])
    if not applied:
        confirm_form.add_error(
            "skip_bad_rows",
            "The file has rows with errors, so nothing was imported. Correct the file and upload it again, "
            "or choose to skip the rows with errors.",
        )
        return _import_page(
            request, kind, preview=preview, token=token, confirm_form=confirm_form, status=400
        )
    cache.delete(f"import:{kind}:{token}")
    s = preview.summary()
    text = f"Imported: {s['new']} new, {s['changed']} changed, {s['unchanged']} unchanged"
    if "missing" in s:
        text += f", {s['missing']} flagged as missing from the file"
    if skip and s["errors"]:
        text += f"; {s['errors']} row{'s' if s['errors'] != 1 else ''} with errors skipped"
    messages.success(request, text + ".")
    return redirect(spec["done_url"])


def carehome_import(request):
    return _import_upload(request, "cqc")


def carehome_import_confirm(request):
    return _import_confirm(request, "cqc")


def staff_import(request):
    return _import_upload(request, "staff")


def staff_import_confirm(request):
    return _import_confirm(request, "staff")


# Staff -------------------------------------------------------------------------------------------


@requires("carehomes.view_staff")
def staff_list(request):
    form = StaffFilterForm(request.GET or None, organisations=selectors.staff_filter_choices())
    staff = selectors.staff_list(user=request.user, **form.selector_kwargs())
    page, pagination = _page(request, staff)
    return render(
        request,
        "carehomes/staff_list.jinja",
        {
            "page_title": "Staff",
            "form": form,
            "page": page,
            "pagination": pagination,
            "can_import": may(request.user, "carehomes.import_staff"),
        },
    )


def _staff_context(request, member, **forms):
    current, past = selectors.staff_assignments(member)
    can_assign = may(request.user, "carehomes.add_assignment")
    context = {
        "page_title": member.name,
        "member": member,
        "current": current,
        "past": past,
        "visits": selectors.staff_recent_visits(member),
        "history": selectors.staff_history(member),
        "can_assign": can_assign,
        "today": timezone.localdate(),
        "notice": forms.get("notice"),
    }
    if can_assign:
        context["assign_form"] = forms.get("assign_form") or StaffAssignmentForm()
        end_forms = {a.pk: EndAssignmentForm(prefix=f"end-{a.pk}") for a in current}
        if forms.get("end_form") is not None:
            end_forms[forms["end_form_pk"]] = forms["end_form"]
        context["end_forms"] = end_forms
    return context


def staff_detail(request, pk):
    require(request.user, "carehomes.view_staff")
    try:
        member = selectors.staff_detail(pk=pk)
    except StaffMember.DoesNotExist:
        raise Http404 from None
    return render(request, "carehomes/staff_detail.jinja", _staff_context(request, member))


def _staff_response(request, staff_pk, *, notice=None, status=200, **forms):
    if status == 200 and not request.htmx:
        if notice:
            messages.success(request, notice)
        return redirect(reverse("carehomes:staff_detail", args=[staff_pk]) + "#assignments")
    member = selectors.staff_detail(pk=staff_pk)
    return render_page(
        request,
        "carehomes/staff_detail.jinja",
        _staff_context(request, member, notice=notice, **forms),
        block="assignments",
        status=200 if request.htmx else status,
    )


def staff_leave(request, pk):
    """The project manager records that someone has left: their sign-in, sessions and tokens end."""
    require(request.user, "organisations.change_staffmember")
    member = get_object_or_404(StaffMember, pk=pk)
    form = StaffLeaveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                staff_member_leave(by=request.user, staff=member, left_on=form.cleaned_data["left_on"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, f"{member.name} has left. Their sign-in, sessions and API tokens have ended."
                )
                return redirect("carehomes:staff_detail", pk=pk)
        status = 400
    context = {"page_title": f"{member.name} has left", "member": member, "form": form}
    return render(request, "carehomes/staff_leave.jinja", context, status=status)


@require_POST
def staff_assign(request, pk):
    require(request.user, "carehomes.view_staff")
    require(request.user, "carehomes.add_assignment")
    member = get_object_or_404(StaffMember, pk=pk)
    form = StaffAssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                by=request.user,
                care_home=data["care_home"],
                staff=member,
                role=data["role"],
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            notice = (
                f"{member.name} is now {'the named lead' if assignment.role == 'lead' else 'support'} "
                f"for {assignment.care_home.name}."
            )
            return _staff_response(request, member.pk, notice=notice)
    return _staff_response(request, member.pk, status=400, assign_form=form)
