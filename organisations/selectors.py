"""Reads for the leadership teams: a fixed number of queries whatever their size."""

from django.db.models import Count, Prefetch

from organisations.models import Membership, Team

ROLE_ORDER = {Membership.Role.CHAIR: 0, Membership.Role.PROJECT_MANAGER: 1, Membership.Role.MEMBER: 2}


def team_list():
    """Every team with how many people sit on it."""
    return Team.objects.annotate(member_count=Count("memberships")).order_by("name")


def team_detail(pk):
    """One team with its members, the organisation each represents and their role (chair first)."""
    team = Team.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("staff__user", "staff__organisation", "organisation"),
        )
    ).get(pk=pk)
    team.members = sorted(team.memberships.all(), key=lambda m: (ROLE_ORDER.get(m.role, 9), m.staff.name))
    return team
