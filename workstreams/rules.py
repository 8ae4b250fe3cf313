"""Rules for workstreams, requests for help and offers, and organisation pages."""

import rules

from organisations.access import (
    acts_for_organisation,
    is_coordinator,
    is_leadership,
    is_member_of_hub,
    is_organisation_lead,
)

rules.add_perm("workstreams.view_workstream", is_member_of_hub)
rules.add_perm("workstreams.add_workstream", is_leadership)
rules.add_perm("workstreams.change_workstream", is_leadership)
rules.add_perm("workstreams.view_supportrequest", is_member_of_hub)
rules.add_perm(
    "workstreams.add_supportrequest", is_coordinator | (is_organisation_lead & acts_for_organisation)
)
rules.add_perm(
    "workstreams.change_supportrequest", is_coordinator | (is_organisation_lead & acts_for_organisation)
)
rules.add_perm(
    "workstreams.add_supportoffer", is_coordinator | (is_organisation_lead & acts_for_organisation)
)
rules.add_perm("workstreams.accept_supportoffer", is_coordinator)
rules.add_perm("workstreams.view_my_organisation", is_organisation_lead)
