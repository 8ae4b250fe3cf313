"""Sign-in to OWASP ASVS level 2: lockout, password rules, session handling, and what is logged."""

import datetime
import logging

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from organisations.access import PROJECT_MANAGER
from tests.factories import PASSWORD, user_with_role

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
PROTECTED = "/dashboard/"


@pytest.fixture
def pm(db):
    return user_with_role(PROJECT_MANAGER, username="pm-signin")


def sign_in(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_with_right_password_reaches_the_hub(client, pm):
    response = sign_in(client, "pm-signin", PASSWORD)

    assert response.status_code == 302
    assert client.get(PROTECTED).status_code == 200


def test_a_refused_sign_in_does_not_send_the_password_back(client, pm):
    response = sign_in(client, "pm-signin", "Typed-But-Wrong-42")

    html = response.content.decode()
    assert "Enter a correct username and password" in html
    assert 'name="password"' in html
    assert "Typed-But-Wrong-42" not in html


def test_sign_in_locked_after_five_failures_from_one_address(client, pm):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "pm-signin", "wrong-password-123").status_code == 200
    # The fifth failure locks the username at this address.
    assert sign_in(client, "pm-signin", "wrong-password-123").status_code == 429

    response = sign_in(client, "pm-signin", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_lockout_does_not_lock_the_user_out_from_another_address(client, pm):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pm-signin", "wrong-password-123", ip="10.1.1.1")

    other = Client()
    response = sign_in(other, "pm-signin", PASSWORD, ip="10.2.2.2")

    assert response.status_code == 302
    assert other.get(PROTECTED).status_code == 200


def test_sign_in_lockout_ends_after_the_cool_off(client, pm):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pm-signin", "wrong-password-123")

    later = timezone.now() + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later, tick=False):
        response = sign_in(client, "pm-signin", PASSWORD)

    assert response.status_code == 302


def test_four_failures_then_the_right_password_signs_in(client, pm):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "pm-signin", "wrong-password-123")

    assert sign_in(client, "pm-signin", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Tr0ub4dor&3x", None),
        ("Tr0ub4dor&3", "too short"),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("840291736455", "entirely numeric"),
    ],
)
def test_password_rules_need_twelve_characters_and_not_common(password, reason):
    if reason is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert reason in " ".join(excinfo.value.messages)


def test_sign_in_gives_a_new_session_key(client, pm):
    session = client.session
    session["seen_login_page"] = True
    session.save()
    key_before = session.session_key

    sign_in(client, "pm-signin", PASSWORD)

    assert client.session.session_key != key_before
    assert client.session["_auth_user_id"] == str(pm.pk)


def test_old_session_cookie_refused_after_sign_out(client, pm):
    sign_in(client, "pm-signin", PASSWORD)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(PROTECTED).status_code == 200

    assert client.post(LOGOUT).status_code == 302

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(PROTECTED)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_sign_out_needs_post(client, pm):
    sign_in(client, "pm-signin", PASSWORD)

    assert client.get(LOGOUT).status_code == 405
    assert client.get(PROTECTED).status_code == 200


def test_session_settings_end_idle_sessions_after_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert (
        settings.SESSION_SAVE_EVERY_REQUEST is False
    )  # renewed at most once a minute: test_session_renewal.py
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_ends_after_thirty_idle_minutes(client, pm):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "pm-signin", PASSWORD)

    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get(PROTECTED)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.deployed_session_renewal
def test_session_kept_alive_by_activity(client, pm):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "pm-signin", PASSWORD)
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert client.get(PROTECTED).status_code == 200

    with time_machine.travel(start + datetime.timedelta(minutes=40), tick=False):
        assert client.get(PROTECTED).status_code == 200


def test_security_log_records_sign_in_events_without_secrets(client, pm, caplog):
    caplog.set_level(logging.DEBUG)

    sign_in(client, "pm-signin", "my-secret-wrong-password", ip="10.9.9.9")
    sign_in(client, "pm-signin", PASSWORD, ip="10.9.9.9")
    session_key = client.session.session_key
    client.get(PROTECTED)
    client.post(LOGOUT)

    security = [r.getMessage() for r in caplog.records if r.name == "hub.security"]
    assert any("sign-in failed" in m and "pm-signin" in m and "10.9.9.9" in m for m in security)
    assert any(m.startswith("sign-in:") and f"user={pm.pk}" in m for m in security)
    assert any(m.startswith("sign-out:") for m in security)
    everything = caplog.text + " ".join(r.getMessage() for r in caplog.records)
    assert "my-secret-wrong-password" not in everything
    assert PASSWORD not in everything
    assert session_key not in everything


def test_security_log_records_lockout(client, pm, caplog):
    caplog.set_level(logging.INFO, logger="hub.security")

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, "pm-signin", "wrong-password-123", ip="10.3.3.3")

    assert any("sign-in locked" in r.getMessage() and "pm-signin" in r.getMessage() for r in caplog.records)


def test_security_log_cannot_be_forged_through_the_username(client, db, caplog):
    caplog.set_level(logging.INFO, logger="hub.security")

    sign_in(client, "evil\nsign-in: user=1 ip=1.2.3.4", "whatever-password")

    messages = [r.getMessage() for r in caplog.records if r.name == "hub.security"]
    assert messages
    assert all("\n" not in m for m in messages)


def test_refused_access_is_logged(client_for, caplog, db):
    from organisations.access import PHARMACY_PROFESSIONAL

    caplog.set_level(logging.INFO, logger="hub.security")
    client = client_for(user_with_role(PHARMACY_PROFESSIONAL))

    response = client.get(PROTECTED)

    assert response.status_code == 403
    assert any("access refused" in r.getMessage() and "/dashboard/" in r.getMessage() for r in caplog.records)
