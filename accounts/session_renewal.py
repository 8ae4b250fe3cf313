"""The idle timeout without a database write per page: a session's expiry is pushed on at most once
every SESSION_RENEW_SECONDS (docs/adr/0015-session-expiry-renewed-once-a-minute.md).

Django's SESSION_SAVE_EVERY_REQUEST wrote the session row (an UPDATE in its own transaction) on
every request only to move its expiry. Here a session keeps in its data when it was last saved
(RENEWED_AT); a request at least SESSION_RENEW_SECONDS later stamps it again, which makes Django's
SessionMiddleware save it: the row's expire_date and the cookie's expiry are both set from that one
save, so they stay in step. A session therefore ends SESSION_COOKIE_AGE after its last renewal,
which is at most SESSION_RENEW_SECONDS before the last request: never later than the idle timeout
after the last request, at most a minute earlier. Every signed-in response says how long is left
(request.session_seconds_left for the page's idle warning, the Hub-Session-Seconds-Left header for
htmx requests and "Stay signed in"), so the warning is timed from the real expiry.
"""

from django.conf import settings
from django.utils import timezone

RENEWED_AT = "hub_renewed_at"
SECONDS_LEFT_HEADER = "Hub-Session-Seconds-Left"


def renew(request, now=None):
    """Push this session's expiry on now (saved by SessionMiddleware with the response)."""
    request.session[RENEWED_AT] = timezone.now().timestamp() if now is None else now
    request.session_seconds_left = settings.SESSION_COOKIE_AGE


class SessionRenewalMiddleware:
    """Renew a session's expiry at most once every SESSION_RENEW_SECONDS; say how long is left."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = timezone.now().timestamp()
        # A request without a session cookie has nothing to renew (and costs no query here).
        if session.session_key is not None:
            renewed_at = session.get(RENEWED_AT)  # loads it: an unknown or expired session is empty
            if session.is_empty():
                pass
            elif renewed_at is None or not 0 <= now - renewed_at < settings.SESSION_RENEW_SECONDS:
                renew(request, now)
            else:
                request.session_seconds_left = int(renewed_at + settings.SESSION_COOKIE_AGE - now)
        response = self.get_response(request)
        if session.modified and not session.is_empty() and session.get(RENEWED_AT) != now:
            # Saved with this response anyway (a sign-in, or a change the view made): its expiry is
            # set from now, so the stamp says now.
            renew(request, now)
        left = getattr(request, "session_seconds_left", None)
        if left is not None and not session.is_empty():
            response.headers[SECONDS_LEFT_HEADER] = str(left)
        return response
