"""Rules for workstreams, requests for help and offers, and organisation pages."""

import rules

from organisations.access import (
    acts_for_organisation,
    is_coordinator,
    is_leadership,
    is_member_of_hub,
    is_organisation_lead,
)
from organisations.permissions import Permission

rules.add_perm(Permission.VIEW_WORKSTREAM, is_member_of_hub)
rules.add_perm(Permission.ADD_WORKSTREAM, is_leadership)
rules.add_perm(Permission.CHANGE_WORKSTREAM, is_leadership)
rules.add_perm(Permission.VIEW_SUPPORTREQUEST, is_member_of_hub)
rules.add_perm(Permission.ADD_SUPPORTREQUEST, is_coordinator | (is_organisation_lead & acts_for_organisation))
rules.add_perm(
    Permission.CHANGE_SUPPORTREQUEST, is_coordinator | (is_organisation_lead & acts_for_organisation)
)
rules.add_perm(Permission.ADD_SUPPORTOFFER, is_coordinator | (is_organisation_lead & acts_for_organisation))
rules.add_perm(Permission.ACCEPT_SUPPORTOFFER, is_coordinator)
rules.add_perm(Permission.VIEW_MY_ORGANISATION, is_organisation_lead)
