"""Signals organisations sends, for the apps above it to act on without organisations knowing them.

The arrows between apps point one way (organisations ← carehomes ← …): organisations never
imports an app above it. When something here changes what those apps hold, it sends a signal
and they connect receivers in their own `AppConfig.ready`.
"""

from django.dispatch import Signal

# Sent once per ODS import, inside its transaction, when practices changed PCN.
#   moves: [(practice, old PCN or None, new PCN or None), ...]  (Organisation instances)
#   by:    the user running the import, or None for the command and the monthly task
# Receivers answer with a list of dicts describing what they changed (kept on the import run):
# carehomes moves the homes aligned to each practice to its new PCN.
practices_moved_pcn = Signal()

# Sent (sender=StaffMember, staff=<the StaffMember>) by the service that makes a staff member
# inactive: receivers in higher apps unbind sign-in identities and revoke API tokens.
staff_left = Signal()
