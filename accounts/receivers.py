"""What accounts does when something happens elsewhere: a sign-in stamps its session (when it
signed in, and when its expiry was last renewed: it was saved just now); a leaver's NHS identities
are unbound."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import selectors, services
from accounts.middleware import stamp_sign_in
from accounts.session_renewal import renew
from organisations.signals import staff_left


@receiver(user_logged_in, dispatch_uid="accounts.stamp_sign_in")
def stamp_session_at_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    stamp_sign_in(request.session, must_change_password=selectors.password_change_required(user=user))
    # The session is saved with its full expiry now, whether by the sign-in's response or (tests'
    # force_login, a management command) straight away: the first page after it renews nothing.
    renew(request)


@receiver(staff_left, dispatch_uid="accounts.unbind_leaver")
def unbind_leavers_identities(sender, staff, **kwargs):
    services.identities_unbind_for_leaver(staff=staff)
