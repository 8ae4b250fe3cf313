"""Rules for sign-in and accounts (auto-discovered by django-rules)."""

import rules

from organisations.access import is_coordinator, is_leadership, leads_own_organisation
from organisations.permissions import Permission

# Resetting someone's password (a one-time link to hand on): the project manager or a superuser.
rules.add_perm(Permission.RESET_PASSWORD, is_coordinator)
rules.add_perm(Permission.VIEW_SIGN_IN, is_leadership | leads_own_organisation)

# Inviting a staff member to sign in with an NHS identity: the PM, or an organisation lead for
# their own organisation's staff (who may then see that person's sign-in page too).
rules.add_perm(Permission.INVITE, is_coordinator | leads_own_organisation)
