"""Rules for the action plan, meetings and gap reports."""

import rules

from organisations.access import is_coordinator, is_leadership, is_slt, staff_member_for
from organisations.permissions import Permission


@rules.predicate
def owns_action(user, action):
    """The action is owned by the user's organisation."""
    if action is None:
        return False
    member = staff_member_for(user)
    return member is not None and action.owner_organisation_id in {
        member.organisation_id,
        member.second_organisation_id,
    }


rules.add_perm(Permission.VIEW_ACTION, is_leadership)
rules.add_perm(Permission.ADD_ACTION, is_coordinator)
rules.add_perm(Permission.CHANGE_ACTION, is_coordinator)
rules.add_perm(Permission.ADD_ACTIONUPDATE, is_coordinator | (is_slt & owns_action))
rules.add_perm(Permission.ADD_MEETING, is_coordinator)
rules.add_perm(Permission.ADD_SECTION, is_coordinator)
rules.add_perm(Permission.EXPORT_ACTION_PLAN, is_leadership)
rules.add_perm(Permission.VIEW_GAPREPORT, is_leadership)
rules.add_perm(Permission.ADD_GAPREPORT, is_coordinator)
