"""The Silver Command action plan: the plan by section, actions, updates, meetings and exports."""

import json
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import exports, selectors, services
from actionplan.forms import (
    EXPORT_FORMATS,
    ActionFilterForm,
    ActionForm,
    ActionUpdateForm,
    ActionVersionForm,
    ExportForm,
    ExportRequestForm,
    MeetingForm,
    SectionForm,
)
from actionplan.models import Meeting
from actionplan.subject_access import staff_for_subject_access, subject_access_data
from config.dates import uk_date
from config.forms import add_service_errors, answer_write
from config.rendering import found_or_404, redirect_with_notice, render_confirm, render_page
from organisations.access import may, require, requires
from organisations.people_lookup import person_lookup_answer
from organisations.permissions import Permission


def _get_action(pk):
    return found_or_404(selectors.action_detail, pk)


@requires(Permission.VIEW_ACTION)
def action_plan(request):
    today = timezone.localdate()
    sections = selectors.sections_in_order()
    filters = ActionFilterForm(
        request.GET or None, sections=sections, organisations=selectors.owning_organisations()
    )
    values = filters.values() if request.GET else {}
    actions = list(
        selectors.action_list(
            section=values.get("section"),
            organisation=values.get("organisation"),
            rag=values.get("rag"),
            status=values.get("status"),
            overdue=bool(values.get("overdue")),
            today=today,
        )
    )
    for action in actions:
        action.overdue = selectors.is_overdue(action, today)
    by_section = [(section, list(items)) for section, items in groupby(actions, key=lambda a: a.section)]
    context = {
        "page_title": "Silver Command action plan",
        "filters": filters,
        "by_section": by_section,
        "action_count": len(actions),
        "overdue_count": sum(1 for a in actions if a.overdue),
        "filtered": any(values.get(k) for k in ("section", "organisation", "rag", "status", "overdue")),
        "section_count": len(filters.fields["section"].queryset),
        "may_add": may(request.user, Permission.ADD_ACTION),
        "may_add_section": may(request.user, Permission.ADD_SECTION),
        "may_export": may(request.user, Permission.EXPORT_ACTION_PLAN),
    }
    return render_page(request, "actionplan/list.jinja", context, block="results")


@requires(Permission.ADD_ACTION)
def action_create(request):
    form = ActionForm(request.POST or None, initial={"section": selectors.section_default()})
    return answer_write(
        form,
        lambda data: services.action_create(by=request.user, **data),
        done=lambda action: redirect_with_notice(
            request, f"Action {action.reference} added.", "actionplan:action_detail", action.pk
        ),
        refused=lambda: render(
            request, "actionplan/action_form.jinja", {"page_title": "Add an action", "form": form}
        ),
    )


@require_GET
@requires(Permission.VIEW_ACTION)
def owner_lookup(request):
    """The action form's "Owner (person)" look-up (past a city's size): active staff, for someone
    who may add or change an action (the project manager) and no one else."""
    if not may(request.user, Permission.ADD_ACTION):
        require(request.user, Permission.CHANGE_ACTION)  # 403 (and logged) for anyone else
    return person_lookup_answer(request, selectors.owner_candidates())


@requires(Permission.VIEW_ACTION)
def action_detail(request, pk):
    action = _get_action(pk)
    context = {
        "page_title": f"{action.reference} {action.description[:60]}",
        "action": action,
        "overdue": selectors.is_overdue(action),
        "updates": selectors.action_updates(action),
        "history": selectors.action_history(action),
        "may_change": may(request.user, Permission.CHANGE_ACTION, action),
        "may_update": may(request.user, Permission.ADD_ACTIONUPDATE, action),
    }
    return render(request, "actionplan/action_detail.jinja", context)


@requires(Permission.CHANGE_ACTION)
def action_edit(request, pk):
    action = _get_action(pk)
    require(request.user, Permission.CHANGE_ACTION, action)
    conflict = None
    if request.method == "POST":
        form = ActionForm(request.POST, editing=True)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            version = fields.pop("version")
            try:
                services.action_update(by=request.user, action=action, version=version, **fields)
            except services.ActionChangedMeanwhile as error:
                # Keep what they typed, at the version now saved, so a second save is a choice.
                conflict = error
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = ActionForm(data, editing=True)
                form.is_valid()
                form.add_error(None, error)
                action = _get_action(pk)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{action.reference} saved.")
                return redirect("actionplan:action_detail", action.pk)
    else:
        form = ActionForm(
            editing=True,
            initial={
                "description": action.description,
                "owner_organisation": action.owner_organisation_id,
                "owner": action.owner_id,
                "due_on": action.due_on,
                "rag": action.rag,
                "workstream": action.workstream_id,
                "version": action.version,
            },
        )
    context = {
        "page_title": f"Edit {action.reference}",
        "form": form,
        "action": action,
        "conflict": conflict,
    }
    return render(request, "actionplan/action_form.jinja", context, status=409 if conflict else 200)


@require_http_methods(["GET", "POST"])
@requires(Permission.CHANGE_ACTION)
def action_close(request, pk):
    """ "Close PH-03?" (GET), then the close (POST, with the version the page showed)."""
    if request.method == "POST":
        return _open_or_close(request, pk, services.action_close, "closed")
    action = _get_action(pk)
    back = reverse("actionplan:action_detail", args=[action.pk])
    if not action.is_open:
        return redirect(back)
    return render_confirm(
        request,
        question=f"Close {action.reference}?",
        rows=[("Action", action.description), ("Due", uk_date(action.due_on))],
        happens=[
            f"{action.reference} is marked closed today. It stays in the action plan, its exports and its history.",
            "It no longer counts as open or overdue.",
            "You can reopen it from its page if it was closed by mistake.",
        ],
        button="Close action",
        keep_text="Keep it open",
        back=back,
        hidden={"version": action.version},
    )


@require_POST
@requires(Permission.CHANGE_ACTION)
def action_reopen(request, pk):
    return _open_or_close(request, pk, services.action_reopen, "reopened")


def _open_or_close(request, pk, service, done):
    action = _get_action(pk)
    version_form = ActionVersionForm(request.POST)
    version = version_form.cleaned_data["version"] if version_form.is_valid() else None
    if not version_form.is_valid():  # a hand-edited form
        messages.error(request, "The page was out of date. Check the action and try again.")
        return redirect("actionplan:action_detail", action.pk)
    try:
        action = service(by=request.user, action=action, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{action.reference} {done}.")
    return redirect("actionplan:action_detail", action.pk)


@requires(Permission.VIEW_ACTION)
def actionupdate_create(request, pk):
    action = _get_action(pk)
    require(request.user, Permission.ADD_ACTIONUPDATE, action)
    form = ActionUpdateForm(request.POST or None)
    context = {"page_title": f"Add an update to {action.reference}", "form": form, "action": action}
    return answer_write(
        form,
        lambda data: services.actionupdate_create(by=request.user, action=action, **data),
        done=lambda _: redirect_with_notice(
            request, f"Update added to {action.reference}.", "actionplan:action_detail", action.pk
        ),
        refused=lambda: render(request, "actionplan/update_form.jinja", context),
    )


@requires(Permission.VIEW_ACTION)
def meeting_list(request):
    may_add = may(request.user, Permission.ADD_MEETING)
    form = MeetingForm(request.POST or None) if may_add else None

    def page():
        context = {
            "page_title": "Silver Command meetings",
            "meetings": selectors.meeting_list(),
            "next_meeting": selectors.meeting_default(),
            "today": timezone.localdate(),
            "form": form,
        }
        return render(request, "actionplan/meetings.jinja", context)

    if request.method != "POST":
        return page()
    require(request.user, Permission.ADD_MEETING)
    return answer_write(
        form,
        lambda data: services.meeting_create(by=request.user, **data),
        done=lambda meeting: redirect_with_notice(
            request, f"Meeting on {uk_date(meeting.held_on)} recorded.", "actionplan:meeting_list"
        ),
        refused=page,
    )


@requires(Permission.ADD_SECTION)
def section_create(request):
    form = SectionForm(request.POST or None)
    return answer_write(
        form,
        lambda data: services.section_create(by=request.user, **data),
        done=lambda section: redirect_with_notice(
            request, f"Section {section.name} added.", reverse("actionplan:index") + f"?section={section.pk}"
        ),
        refused=lambda: render(
            request, "actionplan/section_form.jinja", {"page_title": "Add a section", "form": form}
        ),
    )


# --- export --------------------------------------------------------------------------------------


@requires(Permission.EXPORT_ACTION_PLAN)
def action_plan_export(request):
    """A section's paper for a meeting. Without `format`, the page to choose one."""
    request_form = ExportRequestForm(request.GET)
    error = None if request_form.is_valid() else request_form.first_error()
    section = meeting = None
    fmt = request_form.cleaned_data.get("format", "")
    if error is None:
        section = request_form.cleaned_data["section"] or selectors.section_default()
        # With no meeting recorded yet, the paper is dated today.
        meeting = (
            request_form.cleaned_data["meeting"]
            or selectors.meeting_default()
            or Meeting(held_on=timezone.localdate())
        )
        if fmt and section is None:
            error = "There are no sections in the action plan yet, so there is nothing to export."
            section = meeting = None

    if fmt and error is None:
        paper = selectors.export_paper(section=section, meeting=meeting)
        content, content_type, name = exports.render(paper, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    initial = {"format": fmt} if fmt in EXPORT_FORMATS else {}
    if section is not None:
        initial["section"] = section.pk
    if meeting is not None and meeting.pk:
        initial["meeting"] = meeting.pk
    # Downloaded without choosing a format: the page again, with "Select Word, …" by the radios.
    form = ExportForm(data=initial) if error is None and request_form.cleaned_data["download"] else None
    if form is None or form.is_valid():
        form = ExportForm(initial=initial)
    context = {
        "page_title": "Export a section for a meeting",
        "form": form,
        "export_error": error,
        "has_sections": selectors.sections_in_order().exists(),
        "has_meetings": bool(selectors.meeting_list()),
    }
    return render(request, "actionplan/export.jinja", context, status=400 if error or form.errors else 200)


def subject_access_download(request, pk):
    """The project manager downloads everything the hub holds about one person (a subject access request)."""
    require(request.user, Permission.CHANGE_STAFFMEMBER)
    staff = found_or_404(staff_for_subject_access, pk=pk)
    content = json.dumps(
        subject_access_data(staff=staff), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-staff-{staff.pk}.json"'
    return response
