"""Rules for organisations, staff and teams (auto-discovered by django-rules)."""

import rules

from organisations.access import (
    is_coordinator,
    is_leadership,
    is_member_of_hub,
    is_slt,
    leads_own_organisation,
)
from organisations.permissions import Permission

rules.add_perm(Permission.VIEW_ORGANISATION, is_member_of_hub)
rules.add_perm(Permission.ADD_ORGANISATION, is_coordinator)
rules.add_perm(Permission.CHANGE_ORGANISATION, is_coordinator)
rules.add_perm(Permission.VIEW_STAFFMEMBER, is_leadership)
rules.add_perm(Permission.ADD_STAFFMEMBER, is_coordinator)
rules.add_perm(Permission.CHANGE_STAFFMEMBER, is_coordinator)
rules.add_perm(Permission.VIEW_TEAM, is_member_of_hub)
rules.add_perm(Permission.CHANGE_MEMBERSHIP, is_coordinator)
rules.add_perm(Permission.ADD_MEMBERSHIP, is_coordinator)
# Seating someone on the SLT or as project manager grants that role: an SLT member (or a superuser,
# who has every permission), never the project manager alone.
rules.add_perm(Permission.SEAT_LEADERSHIP, is_slt)
rules.add_perm(Permission.VIEW_ENGAGEMENTNOTE, is_leadership)
rules.add_perm(Permission.VIEW_ORGANISATION_STAFF, is_leadership | leads_own_organisation)
rules.add_perm(Permission.ADD_ENGAGEMENTNOTE, is_leadership)
# An organisation lead's own page: their organisation only.
rules.add_perm(Permission.LEAD_ORGANISATION, is_coordinator | leads_own_organisation)
rules.add_perm(Permission.VIEW_HISTORY, is_leadership)
# Reference data: the ODS import, the record of every import run, choosing a new trust's kind.
rules.add_perm(Permission.IMPORT_ODS, is_coordinator)
rules.add_perm(Permission.VIEW_IMPORTRUN, is_coordinator)
