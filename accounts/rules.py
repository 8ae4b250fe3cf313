"""Rules for sign-in and accounts (auto-discovered by django-rules)."""

import rules

from organisations.access import is_coordinator, is_leadership

# Resetting someone's password (a one-time link to hand on): the project manager or a superuser.
rules.add_perm("accounts.reset_password", is_coordinator)
rules.add_perm("accounts.view_sign_in", is_leadership)
