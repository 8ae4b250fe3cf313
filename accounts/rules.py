"""Rules for sign-in and accounts (auto-discovered by django-rules)."""

import rules

from organisations.access import acts_for_organisation, is_coordinator, is_leadership, is_organisation_lead
from organisations.permissions import Permission

# Resetting someone's password (a one-time link to hand on): the project manager or a superuser.
rules.add_perm(Permission.RESET_PASSWORD, is_coordinator)
rules.add_perm(Permission.VIEW_SIGN_IN, is_leadership | (is_organisation_lead & acts_for_organisation))

# Inviting a staff member to sign in with an NHS identity: the PM, or an organisation lead for
# their own organisation's staff (who may then see that person's sign-in page too).
rules.add_perm(Permission.INVITE, is_coordinator | (is_organisation_lead & acts_for_organisation))
