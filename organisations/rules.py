"""Rules for organisations, staff and teams (auto-discovered by django-rules)."""

import rules

from organisations.access import (
    acts_for_organisation,
    is_coordinator,
    is_leadership,
    is_member_of_hub,
    is_organisation_lead,
)

rules.add_perm("organisations.view_organisation", is_member_of_hub)
rules.add_perm("organisations.add_organisation", is_coordinator)
rules.add_perm("organisations.change_organisation", is_coordinator)
rules.add_perm("organisations.view_staffmember", is_leadership)
rules.add_perm("organisations.add_staffmember", is_coordinator)
rules.add_perm("organisations.change_staffmember", is_coordinator)
rules.add_perm("organisations.view_team", is_member_of_hub)
rules.add_perm("organisations.change_membership", is_coordinator)
rules.add_perm("organisations.add_membership", is_coordinator)
rules.add_perm("organisations.view_engagementnote", is_leadership)
rules.add_perm("organisations.add_engagementnote", is_leadership)
# An organisation lead's own page: their organisation only.
rules.add_perm(
    "organisations.lead_organisation", is_coordinator | (is_organisation_lead & acts_for_organisation)
)
rules.add_perm("organisations.view_history", is_leadership)
# Reference data: the ODS import, the record of every import run, choosing a new trust's kind.
rules.add_perm("organisations.import_ods", is_coordinator)
rules.add_perm("organisations.view_importrun", is_coordinator)
