"""What accounts does when something happens elsewhere: a sign-in stamps its session."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import selectors
from accounts.middleware import stamp_sign_in


@receiver(user_logged_in, dispatch_uid="accounts.stamp_sign_in")
def stamp_session_at_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    stamp_sign_in(request.session, must_change_password=selectors.password_change_required(user=user))
