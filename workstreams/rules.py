"""Rules for workstreams, requests for help and offers, and organisation pages."""

import rules

from organisations.access import (
    is_coordinator,
    is_leadership,
    is_member_of_hub,
    is_organisation_lead,
    leads_own_organisation,
)
from organisations.permissions import Permission

rules.add_perm(Permission.VIEW_WORKSTREAM, is_member_of_hub)
rules.add_perm(Permission.ADD_WORKSTREAM, is_leadership)
rules.add_perm(Permission.CHANGE_WORKSTREAM, is_leadership)
rules.add_perm(Permission.VIEW_SUPPORTREQUEST, is_member_of_hub)
rules.add_perm(Permission.ADD_SUPPORTREQUEST, is_coordinator | leads_own_organisation)
rules.add_perm(Permission.CHANGE_SUPPORTREQUEST, is_coordinator | leads_own_organisation)
rules.add_perm(Permission.ADD_SUPPORTOFFER, is_coordinator | leads_own_organisation)
rules.add_perm(Permission.ACCEPT_SUPPORTOFFER, is_coordinator)
rules.add_perm(Permission.VIEW_MY_ORGANISATION, is_organisation_lead)
