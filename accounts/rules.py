"""Rules for sign-in and accounts (auto-discovered by django-rules)."""

import rules

from organisations.access import is_coordinator, is_leadership
from organisations.permissions import Permission

# Resetting someone's password (a one-time link to hand on): the project manager or a superuser.
rules.add_perm(Permission.RESET_PASSWORD, is_coordinator)
rules.add_perm(Permission.VIEW_SIGN_IN, is_leadership)
