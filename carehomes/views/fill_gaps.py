"""Fill the gaps: a proposed named lead for every home without one in a locality, accepted at once."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from carehomes import selectors, services, suggestions
from carehomes.fill_gaps_forms import FillGapsForm, GapProposalAcceptForm
from organisations.access import requires
from organisations.permissions import Permission


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


@requires(Permission.ADD_ASSIGNMENT)
def fill_gaps(request):
    localities = selectors.carehome_localities()
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


def _fill_gaps_accept(request, localities):
    form = GapProposalAcceptForm(request.POST, localities=localities)
    if not form.is_valid():
        return render(
            request,
            "carehomes/fill_gaps.jinja",
            _proposal_context(request, form, [], locality="", hours=suggestions.DEFAULT_HOURS_PER_HOME),
            status=400,
        )
    locality, hours = form.cleaned_data["locality"], form.cleaned_data["hours_per_week"]
    rows, wanted = form.rows, form.chosen
    if not rows:
        messages.info(request, "No one was chosen for any home, so nothing was assigned.")
        return redirect(
            f"{reverse('carehomes:fill_gaps')}?{urlencode({'locality': locality, 'hours_per_week': hours})}"
        )
    try:
        created = services.gap_proposal_accept(
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
