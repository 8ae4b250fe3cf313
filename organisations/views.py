"""The leadership teams: the SLT and the operational team."""

from django.shortcuts import get_object_or_404

from config.placeholders import placeholder
from organisations.access import requires
from organisations.models import Team


@requires("organisations.view_team")
def team_list(request):
    return placeholder(
        request,
        "Teams",
        "The Senior Leadership Team and the operational team.",
        ["each team's members", "the organisation each member represents", "their role on the team"],
    )


@requires("organisations.view_team")
def team_detail(request, pk):
    team = get_object_or_404(Team, pk=pk)
    return placeholder(request, team.name, team.description, ["members, their organisations and roles"])
