"""Signals other apps listen to, so that the arrows between apps stay one-way.

`staff_left` is sent (sender=StaffMember, staff=<the StaffMember>) by the service that makes a
staff member inactive; receivers in higher apps unbind sign-in identities and revoke API tokens.
"""

import django.dispatch

staff_left = django.dispatch.Signal()
