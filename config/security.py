"""Security events for the log "hub.security": sign-in, failed sign-in, sign-out, lockout, refusal.

What is written: the event, the user's id or the username attempted, and the client address.
What is never written: a password, any other credential, or a session key. Usernames come
from the person typing, so they are cut short and stripped of control characters before they
reach a log line (no forged log lines).
"""

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

security_log = logging.getLogger("hub.security")

_USERNAME_LIMIT = 150


def loggable(value):
    """A value typed by someone, made safe for one log line."""
    text = "" if value is None else str(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text[:_USERNAME_LIMIT])
    return repr(text)


def client_address(request):
    if request is None:
        return "-"
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return address or "-"


def request_path(request):
    return loggable(getattr(request, "path", "-")) if request is not None else "'-'"


@receiver(user_logged_in, dispatch_uid="hub.security.signed_in")
def log_signed_in(sender, request, user, **kwargs):
    security_log.info("sign-in: user=%s ip=%s", user.pk, client_address(request))


@receiver(user_login_failed, dispatch_uid="hub.security.sign_in_failed")
def log_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the username is read from `credentials`: nothing else in it is ever logged.
    username = (credentials or {}).get("username")
    security_log.warning("sign-in failed: username=%s ip=%s", loggable(username), client_address(request))


@receiver(user_logged_out, dispatch_uid="hub.security.signed_out")
def log_signed_out(sender, request, user, **kwargs):
    security_log.info("sign-out: user=%s ip=%s", getattr(user, "pk", None), client_address(request))


@receiver(user_locked_out, dispatch_uid="hub.security.locked_out")
def log_locked_out(sender, request, username, ip_address, **kwargs):
    security_log.warning("sign-in locked: username=%s ip=%s", loggable(username), ip_address or "-")


def log_access_refused(request, exception=None):
    """Called by the 403 handler: every refusal that reaches the person is in the log."""
    user = getattr(request, "user", None)
    security_log.warning(
        "access refused (403): user=%s path=%s method=%s ip=%s",
        getattr(user, "pk", None),
        request_path(request),
        request.method,
        client_address(request),
    )


def axes_username(request, credentials):
    """The username django-axes records: cut to its 255-character column (longer is still refused)."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return (username or "")[:255]
