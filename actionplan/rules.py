"""Rules for the action plan, meetings and gap reports."""

import rules

from organisations.access import is_coordinator, is_leadership, is_slt, staff_member_for


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


rules.add_perm("actionplan.view_action", is_leadership)
rules.add_perm("actionplan.add_action", is_coordinator)
rules.add_perm("actionplan.change_action", is_coordinator)
rules.add_perm("actionplan.add_actionupdate", is_coordinator | (is_slt & owns_action))
rules.add_perm("actionplan.add_meeting", is_coordinator)
rules.add_perm("actionplan.add_section", is_coordinator)
rules.add_perm("actionplan.export_action_plan", is_leadership)
rules.add_perm("actionplan.view_gapreport", is_leadership)
rules.add_perm("actionplan.add_gapreport", is_coordinator)
