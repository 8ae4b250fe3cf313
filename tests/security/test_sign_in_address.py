"""Password spraying and the client's address behind the proxy (issue 13 §4).

One address failing for many usernames is paused at SIGN_IN_ADDRESS_FAILURE_LIMIT (50) in
SIGN_IN_ADDRESS_WINDOW_MINUTES (15), higher than the per-user limit of 5; the address is read
from X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies vouch for it.
"""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from config.security import client_ip
from organisations.access import PROJECT_MANAGER
from tests.factories import PASSWORD, user_with_role

LOGIN = "/accounts/login/"


@pytest.fixture
def pm(db):
    return user_with_role(PROJECT_MANAGER, username="pm-spray")


def attempt(client, username, password, **meta):
    meta.setdefault("REMOTE_ADDR", "198.51.100.7")
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def spray(client, count, **meta):
    """`count` failures from one address, each for a different username (none is locked itself)."""
    for n in range(count):
        attempt(client, f"guess-{n}", "wrong-password-123", **meta)


def locked(response):
    return response.status_code == 429 or b"Too many failed sign-in attempts" in response.content


def test_the_address_limit_is_higher_than_the_user_limit():
    assert settings.SIGN_IN_ADDRESS_FAILURE_LIMIT == 50
    assert settings.SIGN_IN_ADDRESS_WINDOW_MINUTES == 15
    assert settings.SIGN_IN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT


def test_an_address_trying_many_usernames_is_paused(client, pm):
    spray(client, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)
    response = attempt(client, "pm-spray", PASSWORD)
    assert locked(response)
    assert "_auth_user_id" not in client.session


def test_a_shared_address_with_a_few_mistakes_is_not_paused(client, pm):
    spray(client, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT - 1)
    response = attempt(client, "pm-spray", PASSWORD)
    assert response.status_code == 302


def test_another_address_is_not_paused(client, pm):
    spray(client, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)
    response = attempt(client, "pm-spray", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


def test_the_pause_ends_when_the_failures_leave_the_window(client, pm):
    spray(client, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)
    AccessAttempt.objects.all().delete()  # the per-user cool-off is not what is tested here
    later = timezone.now() + datetime.timedelta(minutes=settings.SIGN_IN_ADDRESS_WINDOW_MINUTES + 1)
    with time_machine.travel(later):
        assert attempt(client, "pm-spray", PASSWORD).status_code == 302


def test_the_lockout_is_logged_with_the_address(client, pm, caplog):
    with caplog.at_level(logging.WARNING, logger="hub.security"):
        spray(client, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)
    assert any(
        "sign-in locked" in r.getMessage() and "198.51.100.7" in r.getMessage() for r in caplog.records
    )


# The client's address ----------------------------------------------------------------------------


def _request(xff=None, remote="172.18.0.5"):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        (0, "198.51.100.7", "172.18.0.5"),  # reached directly: the header is the client's own words
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged entry on the left is ignored
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (1, None, "172.18.0.5"),  # the proxy was bypassed
        (1, "not-an-address", "172.18.0.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_behind_trusted_proxies(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(xff)) == expected


def test_behind_a_proxy_forging_the_header_does_not_escape_the_pause(client, pm, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        attempt(
            client,
            f"guess-{n}",
            "wrong",
            REMOTE_ADDR="172.18.0.5",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7",
        )
    response = attempt(
        client, "pm-spray", PASSWORD, REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="8.8.8.8, 198.51.100.7"
    )
    assert locked(response)
    # ... and people behind the same proxy at other addresses still sign in.
    ok = attempt(client, "pm-spray", PASSWORD, REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert ok.status_code == 302
