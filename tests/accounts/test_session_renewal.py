"""The idle timeout without a session write per page (accounts/session_renewal.py, ADR 15): a page
load renews the session's expiry at most once every SESSION_RENEW_SECONDS; the cookie and the row
expire together; the idle sign-out still comes at the timeout and the warning is timed from it."""

import datetime
import re
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.session_renewal import SECONDS_LEFT_HEADER
from organisations.access import PROJECT_MANAGER
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.deployed_session_renewal

LOGIN = "/accounts/login/"
PAGE = "/account/"
KEEP_ALIVE = "/session/keep-alive/"
AGE = 30 * 60


@pytest.fixture
def signed_in(client, db):
    """A project manager signed in at `start` (time frozen there); yields (client, start)."""
    user_with_role(PROJECT_MANAGER, username="pm-renewal")
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        assert client.post(LOGIN, {"username": "pm-renewal", "password": PASSWORD}).status_code == 302
    return client, start


def at(moment, client, path=PAGE):
    with time_machine.travel(moment, tick=False):
        return client.get(path)


def session_writes(queries):
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def stored_expiry():
    return Session.objects.get().expire_date


def test_the_settings_renew_at_most_once_a_minute():
    assert settings.SESSION_COOKIE_AGE == AGE
    assert settings.SESSION_RENEW_SECONDS == 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "accounts.session_renewal.SessionRenewalMiddleware" in settings.MIDDLEWARE


def test_a_page_within_the_minute_writes_nothing_to_the_session(signed_in):
    client, start = signed_in
    expiry = stored_expiry()

    with CaptureQueriesContext(connection) as queries:
        response = at(start + datetime.timedelta(seconds=59), client)

    assert response.status_code == 200
    assert session_writes(queries.captured_queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # nor sets the cookie again
    assert stored_expiry() == expiry == start + datetime.timedelta(seconds=AGE)


def test_a_page_a_minute_later_pushes_the_expiry_on_in_the_row_and_the_cookie_alike(signed_in):
    client, start = signed_in
    later = start + datetime.timedelta(seconds=61)

    response = at(later, client)

    assert response.status_code == 200
    assert stored_expiry() == later + datetime.timedelta(seconds=AGE)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == AGE
    assert parsedate_to_datetime(cookie["expires"]) == stored_expiry()
    # And the next minute is quiet again.
    with CaptureQueriesContext(connection) as queries:
        at(later + datetime.timedelta(seconds=30), client)
    assert session_writes(queries.captured_queries) == []


def test_idle_sign_out_comes_at_the_timeout_after_the_last_renewal(signed_in):
    client, start = signed_in
    # Active 59 s after signing in: within the minute, so the session still ends at start + 30 minutes,
    # never later than 30 minutes after the last page and at most a minute before that.
    assert at(start + datetime.timedelta(seconds=59), client).status_code == 200

    assert at(start + datetime.timedelta(seconds=AGE + 1), client).status_code == 302
    assert at(start + datetime.timedelta(seconds=AGE + 2), client)["Location"].startswith(LOGIN)


def test_activity_every_few_minutes_keeps_the_session(signed_in):
    client, start = signed_in
    for minutes in (20, 40, 60, 80):
        assert at(start + datetime.timedelta(minutes=minutes), client).status_code == 200


def test_the_idle_warning_is_timed_from_the_stored_expiry(signed_in):
    client, start = signed_in
    moment = start + datetime.timedelta(seconds=40)

    response = at(moment, client)

    left = (stored_expiry() - moment).total_seconds()
    assert left == AGE - 40
    body = re.search(r'<body[^>]*data-session-idle-seconds="(\d+)"', response.content.decode())
    assert int(body.group(1)) == left
    assert int(response[SECONDS_LEFT_HEADER]) == left


def test_stay_signed_in_renews_even_within_the_minute(signed_in):
    client, start = signed_in
    moment = start + datetime.timedelta(seconds=10)

    response = at(moment, client, KEEP_ALIVE)

    assert response.status_code == 204
    assert stored_expiry() == moment + datetime.timedelta(seconds=AGE)
    assert int(response[SECONDS_LEFT_HEADER]) == AGE
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == AGE


def test_a_signed_out_visitor_gets_no_session(client, db):
    response = client.get(LOGIN)

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert SECONDS_LEFT_HEADER not in response
    assert Session.objects.count() == 0


def test_a_session_made_without_the_sign_in_page_is_stamped_too(client, db):
    """force_login (tests) and other sign-ins outside a request save the session straight away: it
    counts as renewed then, so the first page after it writes no session row (the query-count tests
    compare a first page with a second)."""
    user = user_with_role(PROJECT_MANAGER, username="pm-forced")
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert at(start + datetime.timedelta(seconds=5), client).status_code == 200

    assert not [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]
