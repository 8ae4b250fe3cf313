"""Reads for the leadership teams and the import runs: a fixed number of queries whatever their size."""

from django.db.models import Count, Prefetch
from django.utils import timezone

from config.readers import in_batches
from organisations.access import PROJECT_MANAGER
from organisations.models import ImportRun, Membership, Organisation, StaffMember, Team

ROLE_ORDER = {Membership.Role.CHAIR: 0, Membership.Role.PROJECT_MANAGER: 1, Membership.Role.MEMBER: 2}


def team_list():
    """Every team with how many people sit on it."""
    return Team.objects.annotate(member_count=Count("memberships")).order_by("name")


def membership_candidates(team):
    """Who may be given a seat on `team`: active staff not on it already, by name, each with their
    organisation."""
    return (
        StaffMember.objects.filter(is_active=True)
        .exclude(memberships__team=team)
        .select_related("organisation")
        .order_by("name", "pk")
    )


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


def import_run_list():
    """Every import run, ODS and CQC, newest first, with who ran it (page it: one query a page)."""
    return ImportRun.objects.select_related("by").order_by("-started_at", "-id")


def import_run_detail(pk):
    """One import run with who ran it; raises ImportRun.DoesNotExist."""
    return ImportRun.objects.select_related("by").get(pk=pk)


def trusts_needing_kind():
    """Trusts the ODS import brought in whose kind (acute, mental health, community) is still to choose."""
    return Organisation.objects.filter(kind=Organisation.Kind.NHS_TRUST, is_active=True).order_by("name")


def trust_needing_kind(pk):
    """One organisation whose kind the PM may choose as a trust; raises Organisation.DoesNotExist."""
    return Organisation.objects.get(
        pk=pk,
        kind__in=[
            Organisation.Kind.NHS_TRUST,
            Organisation.Kind.ACUTE_TRUST,
            Organisation.Kind.MENTAL_HEALTH_TRUST,
            Organisation.Kind.COMMUNITY_TRUST,
        ],
    )


def last_monthly_ods_import_on():
    """The day the last successful monthly ODS import started (changes are asked for since then)."""
    started = (
        ImportRun.objects.filter(
            source=ImportRun.Source.ODS, via=ImportRun.Via.TASK, outcome=ImportRun.Outcome.APPLIED
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return timezone.localdate(started) if started else None


def memberships():
    """Memberships with their staff member and team, for a page that acts on one."""
    return Membership.objects.select_related("staff", "team")


def project_managers():
    """Active staff whose login has the project manager's role: who to ask for access."""
    return (
        StaffMember.objects.filter(is_active=True, user__groups__name=PROJECT_MANAGER, user__is_active=True)
        .select_related("organisation")
        .order_by("name")
        .distinct()
    )


def organisation_names(codes) -> dict:
    """{ODS code: name} for these codes, in a few queries whatever their number."""
    names = {}
    for chunk in in_batches(sorted(codes)):
        names.update(Organisation.objects.filter(ods_code__in=chunk).values_list("ods_code", "name"))
    return names
