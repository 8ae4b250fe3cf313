"""The leadership teams: the SLT and the operational team. Thin: parse, call, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.forms import add_service_errors
from organisations import selectors, services
from organisations.access import may, requires
from organisations.forms import MembershipForm
from organisations.models import Membership, Team
from organisations.permissions import Permission


@requires(Permission.VIEW_TEAM)
def team_list(request):
    return render(
        request, "organisations/team_list.jinja", {"page_title": "Teams", "teams": selectors.team_list()}
    )


@requires(Permission.VIEW_TEAM)
def team_detail(request, pk, form=None):
    try:
        team = selectors.team_detail(pk)
    except Team.DoesNotExist:
        return get_object_or_404(Team, pk=pk)
    may_manage = may(request.user, Permission.ADD_MEMBERSHIP)
    return render(
        request,
        "organisations/team_detail.jinja",
        {
            "page_title": team.name,
            "team": team,
            "may_manage": may_manage,
            "form": form or (MembershipForm(team=team) if may_manage else None),
        },
        status=400 if form is not None else 200,
    )


@require_POST
@requires(Permission.ADD_MEMBERSHIP)
def membership_add(request, pk):
    team = get_object_or_404(Team, pk=pk)
    form = MembershipForm(request.POST, team=team)
    if form.is_valid():
        staff = form.cleaned_data["staff"]
        try:
            services.membership_add(
                by=request.user,
                team=team,
                staff=staff,
                organisation=form.cleaned_data["organisation"] or staff.organisation,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{staff.name} added to the {team.name}.")
            return redirect("teams:detail", pk=pk)
    return team_detail(request, pk, form=form)


@require_POST
@requires(Permission.CHANGE_MEMBERSHIP)
def membership_end(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("staff", "team"), pk=pk)
    services.membership_end(by=request.user, membership=membership)
    messages.success(request, f"{membership.staff.name} is no longer on the {membership.team.name}.")
    return redirect("teams:detail", pk=membership.team_id)
