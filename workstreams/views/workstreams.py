"""Workstreams: the list, one workstream with its progress notes, adding and editing them."""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from config.forms import answer_write
from config.rendering import found_or_404, redirect_with_notice
from organisations.access import (
    may,
    require,
    requires,
)
from organisations.people_lookup import person_lookup_answer
from organisations.permissions import Permission
from workstreams import selectors, services
from workstreams.forms import (
    ProgressNoteForm,
    WorkstreamForm,
)
from workstreams.models import Workstream
from workstreams.views.common import history_for, page_of, render_with_labels


@requires(Permission.VIEW_WORKSTREAM)
def workstream_list(request):
    status = request.GET.get("status") or ""
    if status not in Workstream.Status.values:
        status = ""
    page = page_of(request, selectors.workstream_list(status=status or None))
    return render_with_labels(
        request,
        "workstreams/workstream_list.jinja",
        {
            "page_title": "Workstreams",
            "page": page,
            "status": status,
            "statuses": Workstream.Status.choices,
            "may_add": may(request.user, Permission.ADD_WORKSTREAM),
        },
    )


@requires(Permission.ADD_WORKSTREAM)
def workstream_create(request):
    form = WorkstreamForm(request.POST or None)
    return answer_write(
        form,
        lambda data: services.workstream_create(by=request.user, **data),
        done=lambda workstream: redirect_with_notice(
            request, f"Workstream “{workstream.name}” created.", "workstreams:detail", pk=workstream.pk
        ),
        refused=lambda: render_with_labels(
            request, "workstreams/workstream_form.jinja", {"page_title": "New workstream", "form": form}
        ),
    )


@requires(Permission.CHANGE_WORKSTREAM)
def workstream_edit(request, pk):
    workstream = get_object_or_404(Workstream, pk=pk)
    form = WorkstreamForm(request.POST or None, instance=workstream)
    return answer_write(
        form,
        lambda data: services.workstream_update(by=request.user, workstream=workstream, **data),
        done=lambda _: redirect_with_notice(
            request, "Workstream saved.", "workstreams:detail", pk=workstream.pk
        ),
        refused=lambda: render_with_labels(
            request,
            "workstreams/workstream_form.jinja",
            {"page_title": f"Edit {workstream.name}", "form": form, "workstream": workstream},
        ),
    )


@require_GET
@requires(Permission.VIEW_WORKSTREAM)
def lead_lookup(request):
    """The workstream form's "Lead person" look-up (past a city's size): active staff, for someone
    who may add or change a workstream (the SLT and the project manager) and no one else."""
    if not may(request.user, Permission.ADD_WORKSTREAM):
        require(request.user, Permission.CHANGE_WORKSTREAM)  # 403 (and logged) for anyone else
    return person_lookup_answer(request, selectors.lead_candidates())


@requires(Permission.VIEW_WORKSTREAM)
def workstream_detail(request, pk, note_form=None):
    workstream = found_or_404(selectors.workstream_detail, pk)
    may_change = may(request.user, Permission.CHANGE_WORKSTREAM, workstream)
    return render_with_labels(
        request,
        "workstreams/workstream_detail.jinja",
        {
            "page_title": workstream.name,
            "workstream": workstream,
            "may_change": may_change,
            "note_form": note_form or (ProgressNoteForm() if may_change else None),
            "history": history_for(request.user, selectors.workstream_history, workstream),
        },
        status=400 if note_form is not None else 200,
    )


@require_POST
@requires(Permission.CHANGE_WORKSTREAM)
def progress_note_add(request, pk):
    workstream = get_object_or_404(Workstream, pk=pk)
    form = ProgressNoteForm(request.POST)
    return answer_write(
        form,
        lambda data: services.progress_note_create(by=request.user, workstream=workstream, **data),
        done=lambda _: redirect_with_notice(request, "Progress note added.", "workstreams:detail", pk=pk),
        refused=lambda: workstream_detail(request, pk, note_form=form),
    )
