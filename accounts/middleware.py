"""Session rules that hold for every request: a hard limit after sign-in, and a password that must change.

Both read only the session (already loaded for the signed-in user), so no page pays a query for them.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

security_log = logging.getLogger("hub.security")

SIGNED_IN_AT = "hub_signed_in_at"
SIGNED_IN_WITH = "hub_oidc_provider"  # the NHS identity provider this session signed in with
MUST_CHANGE_PASSWORD = "hub_must_change_password"  # noqa: S105 - a session key, not a password

# Pages a person who must choose a new password may still reach.
_OPEN_WHILE_PASSWORD_MUST_CHANGE = ("password_change", "logout")


def stamp_sign_in(session, *, must_change_password=False):
    """Record when this session signed in (the 12-hour limit counts from here)."""
    session[SIGNED_IN_AT] = timezone.now().timestamp()
    if must_change_password:
        session[MUST_CHANGE_PASSWORD] = True
    else:
        session.pop(MUST_CHANGE_PASSWORD, None)


class SessionRulesMiddleware:
    """End a session at the latest SESSION_MAX_AGE_HOURS after sign-in, however active it was;
    send a person who must choose a new password to the page for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        signed_in_at = session.get(SIGNED_IN_AT)
        now = timezone.now().timestamp()
        if signed_in_at is None:
            # A session from before the limit existed: it counts from now.
            session[SIGNED_IN_AT] = now
        elif now - signed_in_at > settings.SESSION_MAX_AGE_HOURS * 3600:
            security_log.info("session ended at its limit: user=%s", session.get(SESSION_KEY))
            logout(request)
            return redirect_to_login(request.get_full_path())
        if session.get(MUST_CHANGE_PASSWORD) and not self._open_while_password_must_change(request):
            return redirect("password_change")
        response = self.get_response(request)
        provider = session.get(SIGNED_IN_WITH)
        if provider:
            # Signing out redirects on to the provider's end-session page: the sign-out form on
            # every page must be allowed to go there (Content-Security-Policy form-action).
            issuer = (settings.OIDC_PROVIDERS.get(provider) or {}).get("issuer", "")
            parts = urlsplit(issuer)
            if parts.scheme and parts.netloc:
                response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
        return response

    @staticmethod
    def _open_while_password_must_change(request):
        if request.path.startswith(settings.STATIC_URL):
            return True
        return request.path in {reverse(name) for name in _OPEN_WHILE_PASSWORD_MUST_CHANGE}
