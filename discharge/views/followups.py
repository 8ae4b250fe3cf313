"""Discharge follow-up pages: thin views that parse, call one service or selector, and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from config.forms import add_service_errors, answer_write
from config.rendering import found_or_404, render_page
from config.upload_previews import preview_forget, preview_keep, preview_kept
from discharge import forms, imports, report, selectors, services, states, timers
from discharge.opening_hours_form import describe_sessions
from discharge.states import Transition
from organisations.access import (
    COMMUNITY_PHARMACY,
    TRUST_DISCHARGE_TEAM,
    has_role,
    is_coordinator,
    is_leadership,
    may,
    require,
    requires,
)
from organisations.models import Organisation
from organisations.permissions import Permission

PAGE_SIZE = 25


def _page(request, queryset):
    """One page of the list, and the NHS.UK pagination component's parameters for it."""
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()

    def href(number):
        params["page"] = number
        return f"?{params.urlencode()}"

    items = [
        {"ellipsis": True}
        if number == Paginator.ELLIPSIS
        else {"number": number, "href": href(number), "current": number == page.number}
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return page, {
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "items": items if paginator.num_pages > 1 else [],
    }


def _heading(user):
    if is_leadership(user):
        return "Discharge follow-ups"
    if has_role(user, TRUST_DISCHARGE_TEAM):
        return "Your trust's discharge follow-ups"
    if has_role(user, COMMUNITY_PHARMACY):
        return "Your pharmacy's discharge follow-ups"
    return "Onward referrals at your care homes"


@requires(Permission.LIST_FOLLOWUPS)
def followup_list(request):
    trusts, pharmacies, pcns = selectors.followup_filter_choices(request.user)
    form = forms.FollowUpFilterForm(request.GET or None, trusts=trusts, pharmacies=pharmacies, pcns=pcns)
    follow_ups = selectors.followup_list(user=request.user, **form.selector_kwargs())
    page, pagination = _page(request, follow_ups)
    return render_page(
        request,
        "discharge/list.jinja",
        {
            "page_title": _heading(request.user),
            "heading": _heading(request.user),
            "form": form,
            "page": page,
            "pagination": pagination,
            "counts": selectors.needs_me_now(user=request.user),
            "can_record": may(request.user, Permission.UPLOAD_FOLLOWUPS),
            "can_report": may(request.user, Permission.LIST_REPORTS),
            "own_pharmacies": selectors.own_pharmacies(request.user),
        },
        block="results",
    )


def followup_mine(request):
    """The home page of a trust discharge team or a community pharmacy: their follow-ups, worst first."""
    return followup_list(request)


def _get(request, pk):
    follow_up = found_or_404(selectors.followup_detail, pk=pk)
    if not may(request.user, Permission.VIEW_DISCHARGEFOLLOWUP, follow_up):
        # Existence is private: someone else's follow-up is simply not found.
        raise Http404
    return follow_up


ACTIONS = {
    # action: (transition or None, permission, form class)
    "acknowledge": (Transition.ACKNOWLEDGE, Permission.WORK_FOLLOWUP, forms.EmptyForm),
    "stage1": (Transition.STAGE1, Permission.WORK_FOLLOWUP, forms.StageForm),
    "stage2": (Transition.STAGE2, Permission.WORK_FOLLOWUP, forms.StageForm),
    "stage3": (Transition.STAGE3, Permission.WORK_FOLLOWUP, forms.Stage3Form),
    "close_complete": (Transition.CLOSE_COMPLETE, Permission.WORK_FOLLOWUP, forms.NoteForm),
    "close_partial": (Transition.CLOSE_PARTIAL, Permission.WORK_FOLLOWUP, forms.ClosePartialForm),
    "hold": (Transition.HOLD, Permission.WORK_FOLLOWUP, forms.NoteForm),
    "resume": (Transition.RESUME, Permission.WORK_FOLLOWUP, forms.EmptyForm),
    "redirect": (Transition.REDIRECT, Permission.WORK_FOLLOWUP, forms.RedirectForm),
    "merge": (Transition.MERGE, Permission.MERGE_FOLLOWUP, forms.MergeForm),
    "reopen": (Transition.REOPEN, Permission.REOPEN_FOLLOWUP, forms.ReopenForm),
    "readmission": (None, Permission.REPORT_READMISSION, forms.ReadmissionForm),
    "onward": (None, Permission.CLOSE_ONWARD_REFERRAL, forms.EmptyForm),
}
ACTION_LABELS = {
    "readmission": "Report readmission within 30 days",
    "onward": "Record the onward medication review as done",
}


def _action_available(follow_up, action):
    transition = ACTIONS[action][0]
    if transition is not None:
        return states.allowed(follow_up, transition)
    if action == "readmission":
        return follow_up.state in states.CLOSED_STATES
    return follow_up.onward_referral and follow_up.onward_closed_at is None


def _form_for(action, follow_up, data=None):
    form_class = ACTIONS[action][2]
    kwargs = {"prefix": action}
    if form_class is forms.MergeForm:
        kwargs["candidates"] = selectors.merge_candidates(follow_up)
    return form_class(data, **kwargs)


def _detail_context(request, follow_up, bound=None):
    schedule, schedule_name = selectors.pharmacy_schedule(follow_up.pharmacy_id)
    actions = []
    for action, (transition, permission, _) in ACTIONS.items():
        if _action_available(follow_up, action) and may(request.user, permission, follow_up):
            form = bound if bound is not None and bound.prefix == action else _form_for(action, follow_up)
            label = Transition(transition).label if transition else ACTION_LABELS[action]
            actions.append({"name": action, "label": label, "form": form})
    shown = {a["name"] for a in actions}
    refused = bound if bound is not None and bound.prefix not in shown else None
    return {
        "page_title": f"Follow-up {follow_up.reference}",
        "refused": refused,
        "follow_up": follow_up,
        "stage1_due": selectors.stage1_due(follow_up, schedule),
        "lost_from": selectors.lost_from(follow_up),
        "schedule_name": schedule_name,
        "schedule_hours": (
            describe_sessions([(d, o, c) for d, pairs in schedule.items() for o, c in pairs])
            if schedule_name == timers.RECORDED_SCHEDULE_NAME
            else ""
        ),
        "can_change_hours": may(request.user, Permission.CHANGE_OPENING_HOURS, follow_up.pharmacy),
        "timeline": selectors.followup_timeline(follow_up),
        "duplicates": selectors.followup_duplicates(follow_up),
        "actions": actions,
        "now": timezone.now(),
    }


def followup_detail(request, pk):
    require(request.user, Permission.LIST_FOLLOWUPS)
    follow_up = _get(request, pk)
    return render_page(
        request, "discharge/detail.jinja", _detail_context(request, follow_up), block="followup"
    )


def _run(action, *, by, follow_up, data):
    if action == "acknowledge":
        return services.followup_acknowledge(by=by, follow_up=follow_up)
    if action in ("stage1", "stage2", "stage3"):
        return services.followup_record_stage(by=by, follow_up=follow_up, stage=int(action[-1]), **data)
    if action == "close_complete":
        return services.followup_close_complete(by=by, follow_up=follow_up, **data)
    if action == "close_partial":
        return services.followup_close_partial(by=by, follow_up=follow_up, **data)
    if action == "hold":
        return services.followup_hold(by=by, follow_up=follow_up, **data)
    if action == "resume":
        return services.followup_resume(by=by, follow_up=follow_up)
    if action == "redirect":
        return services.followup_redirect(by=by, follow_up=follow_up, **data)
    if action == "merge":
        into = selectors.followup_detail(pk=int(data["into"]))
        return services.followup_merge(by=by, follow_up=follow_up, into=into)
    if action == "reopen":
        return services.followup_reopen(by=by, follow_up=follow_up, **data)
    if action == "readmission":
        return services.followup_report_readmission(by=by, follow_up=follow_up, **data)
    return services.followup_close_onward_referral(by=by, follow_up=follow_up)


@require_POST
def followup_act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    follow_up = _get(request, pk)
    require(request.user, ACTIONS[action][1], follow_up)
    form = _form_for(action, follow_up, request.POST)

    def done(_):
        label = ACTION_LABELS.get(action) or Transition(ACTIONS[action][0]).label
        messages.success(request, f"{follow_up.reference}: done ({label.lower()}).")
        target = reverse("discharge:detail", args=[follow_up.pk])
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)

    return answer_write(
        form,
        lambda data: _run(action, by=request.user, follow_up=follow_up, data=data),
        done=done,
        refused=lambda: render_page(
            request,
            "discharge/detail.jinja",
            _detail_context(request, _get(request, pk), bound=form),
            block="followup",
            status=400,
        ),
    )


@requires(Permission.UPLOAD_FOLLOWUPS)
def followup_create(request):
    trusts = selectors.trusts_for(request.user)
    form = forms.FollowUpForm(request.POST or None, trusts=trusts)
    if len(trusts) == 1 and not request.POST:
        form.initial["trust"] = trusts[0].pk
    context = {"page_title": "Record a discharge", "form": form, "possible": None, "existing": None}
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        choice = form.cleaned_data.get("duplicate")
        merge_with = None
        if choice == "merge" and form.cleaned_data.get("duplicate_of"):
            merge_with = selectors.followup_of_trust(
                pk=form.cleaned_data["duplicate_of"], trust=data["trust"]
            )
        try:
            follow_up = services.followup_record(
                by=request.user, merge_with=merge_with, not_a_duplicate=choice == "separate", **data
            )
        except services.DuplicateReference as error:
            form.add_error("reference", f"{error.existing.reference} is already recorded for this trust.")
            context["existing"] = error.existing
        except services.PossibleDuplicate as error:
            context["possible"] = error.existing
            form.data = form.data.copy()
            form.data["duplicate_of"] = error.existing.pk
            form.add_error("duplicate", f"{error} Is this the same discharge?")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if follow_up.state == "duplicate":
                messages.success(
                    request, f"{follow_up.reference} merged into {follow_up.duplicate_of.reference}."
                )
                return redirect("discharge:detail", follow_up.duplicate_of_id)
            messages.success(
                request, f"Discharge {follow_up.reference} recorded and sent to {follow_up.pharmacy.name}."
            )
            return redirect("discharge:detail", follow_up.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "discharge/form.jinja", context, status=status)


@requires(Permission.UPLOAD_FOLLOWUPS)
def followup_upload(request):
    trusts = selectors.trusts_for(request.user)
    choose_trust = is_coordinator(request.user) or len(trusts) != 1
    form = forms.UploadForm(
        request.POST or None, request.FILES or None, trusts=trusts if choose_trust else None
    )
    context = {"page_title": "Upload the day's discharges", "form": form, "preview": None}
    if request.method != "POST":
        return render_page(request, "discharge/upload.jinja", context)
    if not form.is_valid():
        return render_page(request, "discharge/upload.jinja", context, status=400)
    trust = form.cleaned_data["trust"] if choose_trust else trusts[0]
    upload = form.cleaned_data["file"]
    data = upload.read(imports.MAX_BYTES + 1)
    try:
        require(request.user, Permission.ADD_DISCHARGEFOLLOWUP, trust)
        preview = imports.preview(data, trust=trust)
    except imports.ImportFileError as error:
        form.add_error("file", str(error))
        return render_page(request, "discharge/upload.jinja", context, status=400)
    token = preview_keep("discharges", user=request.user, data=data, trust=trust.pk)
    context.update(preview=preview, token=token, confirm_form=forms.UploadConfirmForm())
    return render_page(request, "discharge/upload.jinja", context)


@require_POST
@requires(Permission.UPLOAD_FOLLOWUPS)
def followup_upload_confirm(request):
    token = request.POST.get("token", "")
    stored = preview_kept("discharges", token, user=request.user)
    if stored is None:
        messages.error(request, "That preview has expired. Upload the file again.")
        return redirect("discharge:upload")
    trust = selectors.organisation(pk=stored["trust"])
    confirm_form = forms.UploadConfirmForm(request.POST)
    confirm_form.is_valid()
    skip = confirm_form.cleaned_data.get("skip_bad_rows", False)
    try:
        preview, applied = imports.followups_import(
            by=request.user, data=stored["data"], trust=trust, skip_bad_rows=skip
        )
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return redirect("discharge:upload")
    if not applied:
        confirm_form.add_error(
            "skip_bad_rows",
            "The file has rows with errors, so nothing was imported. Correct the file and upload it again, "
            "or choose to skip the rows with errors.",
        )
        context = {
            "page_title": "Upload the day's discharges",
            "form": forms.UploadForm(),
            "preview": preview,
            "token": token,
            "confirm_form": confirm_form,
        }
        return render_page(request, "discharge/upload.jinja", context, status=400)
    preview_forget("discharges", token)
    s = preview.summary()
    text = f"Imported {s['new']} discharge follow-up{'s' if s['new'] != 1 else ''}"
    if s["errors"]:
        text += f"; {s['errors']} row{'s' if s['errors'] != 1 else ''} with errors skipped"
    messages.success(request, text + ".")
    return redirect("discharge:list")


@requires(Permission.LIST_REPORTS)
def report_list(request):
    """The per-trust monthly reports the user may download: the last 12 months, newest first."""
    return render_page(
        request,
        "discharge/reports.jinja",
        {
            "page_title": "Monthly discharge reports",
            "trusts": selectors.reporting_trusts(request.user),
            "months": selectors.report_months(),
        },
    )


def report_download(request, trust, month, extension):
    try:
        trust = selectors.organisation(pk=trust)
        report.month_bounds(month)
    except (Organisation.DoesNotExist, ValueError) as error:
        raise Http404 from error
    require(request.user, Permission.VIEW_REPORT, trust)
    content = report.BUILDERS[extension](trust=trust, month=month)
    response = HttpResponse(content, content_type=report.FORMATS[extension])
    response["Content-Disposition"] = f'attachment; filename="{report.file_name(trust, month, extension)}"'
    return response
