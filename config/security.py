"""Security events for the log "hub.security": sign-in, failed sign-in, sign-out, lockout, refusal.

What is written: the event, the user's id or the username attempted, and the client address.
What is never written: a password, any other credential, or a session key. Usernames come
from the person typing, so they are cut short and stripped of control characters before they
reach a log line (no forged log lines).
"""

import datetime
import ipaddress
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

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


# The client's address behind the deployment's proxies ----------------------------------------


def _ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address of the person, for throttling and the security log (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = 0 the hub is reached directly: REMOTE_ADDR. Behind N proxies that
    each append the address they were reached from to X-Forwarded-For (nginx's
    `$proxy_add_x_forwarded_for`, a cloud load balancer), the person's address is the N-th from
    the right: entries further left were written by the person and can be forged. A header with
    fewer entries than trusted proxies (the request bypassed a proxy) falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _ip(hops[-count]) or remote


# Password spraying: failures per address across usernames ------------------------------------


def address_failures(ip_address):
    """Failed sign-ins from one address, whatever the username, within the address window."""
    if not ip_address:
        return 0
    since = timezone.now() - datetime.timedelta(minutes=settings.SIGN_IN_ADDRESS_WINDOW_MINUTES)
    return AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since).count()


class AddressThrottlingHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus a lockout per address across usernames.

    Per username and address (axes' own rule): AXES_FAILURE_LIMIT (5). Per address, whatever
    the username: SIGN_IN_ADDRESS_FAILURE_LIMIT (50) in SIGN_IN_ADDRESS_WINDOW_MINUTES (15), so
    that one address trying many usernames is stopped, while a trust whose staff share one
    outgoing address is not locked out by a few mistyped passwords. Counted from axes' failure
    log (AXES_ENABLE_ACCESS_FAILURE_LOG).
    """

    def address_locked(self, request):
        ip_address = getattr(request, "axes_ip_address", None)
        return address_failures(ip_address) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self.address_locked(request)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


# Nothing a signed-in person sees is kept by a browser or a shared cache ----------------------


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person, and on every
    file download (exports and reports): a shared ward PC's browser cache or a proxy keeps no
    copy of staff names, hours or notes after the person signs out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").startswith("attachment")
        # The one exception: a chart file at a content-hashed address never changes (issue 18).
        immutable = "immutable" in response.get("Cache-Control", "")
        if (signed_in or download) and not immutable:
            response["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response


def end_sessions(user) -> int:
    """End every session of `user` now (a leaver): how many were ended.

    Sessions are kept in the database (Django's default engine); each live one is read to find
    its user, which is proportionate for the rare leaver. The login is also made inactive by the
    caller, so a session that escaped (a request in flight) is refused at its next request.
    """
    from importlib import import_module

    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    security_log.info("sessions ended: user=%s sessions=%s", user.pk, ended)
    return ended
