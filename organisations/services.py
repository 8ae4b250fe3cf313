"""Writes for the leadership teams and PCN engagement: one function per use case."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from organisations.access import PROJECT_MANAGER, SLT, require
from organisations.models import EngagementNote, Membership, Organisation, Team
from organisations.permissions import Permission


def _role_granted_by(team, role):
    """The hub role a team membership carries: any SLT seat, or the operational team's PM."""
    if team.kind == Team.Kind.SLT:
        return SLT
    if team.kind == Team.Kind.OPERATIONAL and role == Membership.Role.PROJECT_MANAGER:
        return PROJECT_MANAGER
    return None


def _roles_still_granted(staff, *, excluding):
    memberships = Membership.objects.filter(staff=staff).exclude(pk=excluding.pk).select_related("team")
    return {r for m in memberships if (r := _role_granted_by(m.team, m.role))}


@transaction.atomic
def membership_add(*, by, team, staff, organisation, role=Membership.Role.MEMBER) -> Membership:
    """Seat someone on a team for an organisation. Membership grants the matching role.

    A seat on the SLT makes the person's login an "SLT member"; the operational team's project
    manager seat makes it a "Project manager". People without a login are seated all the same.
    """
    require(by, Permission.ADD_MEMBERSHIP)
    if Membership.objects.filter(team=team, staff=staff).exists():
        raise ValidationError({"staff": f"{staff.name} is already on the {team.name}."})
    membership = Membership(team=team, staff=staff, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    granted = _role_granted_by(team, role)
    if granted and staff.user_id:
        staff.user.groups.add(Group.objects.get(name=granted))
    return membership


@transaction.atomic
def membership_end(*, by, membership) -> None:
    """Take someone off a team; the role it granted goes unless another membership still grants it."""
    require(by, Permission.CHANGE_MEMBERSHIP)
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("team", "staff__user")
        .get(pk=membership.pk)
    )
    granted = _role_granted_by(membership.team, membership.role)
    staff = membership.staff
    if granted and staff.user_id and granted not in _roles_still_granted(staff, excluding=membership):
        staff.user.groups.remove(Group.objects.get(name=granted))
    membership.delete()


@transaction.atomic
def pcn_engagement_update(*, by, pcn, engagement, committed_hours, clinical_director=None) -> Organisation:
    """Record how engaged a PCN is, the hours it has committed and its clinical director."""
    require(by, Permission.ADD_ENGAGEMENTNOTE, pcn)
    if not pcn.is_pcn:
        raise ValidationError({"engagement": "Only a PCN has an engagement status."})
    pcn.engagement = engagement
    pcn.committed_hours = committed_hours
    pcn.clinical_director = clinical_director
    pcn.full_clean()
    pcn.save()
    return pcn


@transaction.atomic
def engagement_note_add(*, by, pcn, held_on, with_whom, summary) -> EngagementNote:
    """Add a dated note of a conversation with a PCN."""
    require(by, Permission.ADD_ENGAGEMENTNOTE, pcn)
    if not pcn.is_pcn:
        raise ValidationError({"summary": "Conversation notes are kept for PCNs only."})
    note = EngagementNote(pcn=pcn, held_on=held_on, with_whom=with_whom, summary=summary, recorded_by=by)
    note.full_clean()
    note.save()
    return note
