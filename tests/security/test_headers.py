"""Security headers on every response, pages that a strict CSP can serve, and check --deploy clean."""

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from actionplan.report_views import IMMUTABLE
from tests.city import OWN
from tests.security.test_access_matrix import ACCESS, resolve_kwargs
from tests.security.url_patterns import hub_pages

MODEL_BACKEND = f"{ModelBackend.__module__}.{ModelBackend.__name__}"


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response):
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'self'" in directives["default-src"]
    for name in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in directives.get(name, [])
        assert "'unsafe-eval'" not in directives.get(name, [])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


class InlineCodeFinder(HTMLParser):
    """Finds what a strict CSP would block: inline script, style attributes, event handlers."""

    DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and not attributes.get("src") and script_type not in self.DATA_SCRIPT_TYPES:
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.problems.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'style="{value}" on <{tag}> at line {self.getpos()[0]}')
            elif name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"{name} handler on <{tag}> at line {self.getpos()[0]}")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")


def inline_code_in(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.django_db
def test_sign_in_page_has_the_security_headers(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code_in(response.content.decode()) == []


@pytest.mark.django_db
def test_refusals_and_missing_pages_have_the_security_headers(client_for, pharmacist_user):
    client = client_for(pharmacist_user)

    for path, status in (("/dashboard/", 403), ("/no-such-page/", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert_security_headers(response)
        assert inline_code_in(response.content.decode()) == []


@pytest.mark.django_db
def test_health_answers_with_the_security_headers(client):
    assert_security_headers(client.get("/health/"))


@pytest.mark.django_db
def test_hsts_and_secure_cookies_when_debug_is_off(client, pm_user, password):
    assert settings.DEBUG is False

    response = client.post(
        "/accounts/login/", {"username": pm_user.username, "password": password}, secure=True
    )

    assert response.status_code == 302
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_SECURE is True


@pytest.mark.django_db
def test_no_page_holds_inline_script_or_style_for_any_role(city):
    """Every page each role may open, with real objects: nothing a strict CSP would block."""
    problems = []
    rendered = 0
    for actor in OWN:
        client = Client()
        client.force_login(city.users[actor], backend=MODEL_BACKEND)
        for page in hub_pages():
            rule = ACCESS.get(page.name)
            if rule is None or actor not in rule.get:
                continue
            path = page.path(**resolve_kwargs(rule, city))
            response = client.get(path, follow=True)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            rendered += 1
            assert_security_headers(response)
            problems += [f"{path} as {actor}: {p}" for p in inline_code_in(response.content.decode())]

    assert rendered > 20
    assert not problems, "\n".join(problems)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            # Test-suite settings from pytest-env that a deployment would not have.
            "SECURE_SSL_REDIRECT",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SECURE_HSTS_SECONDS",
            "ALLOWED_HOSTS",
            "SECRET_KEY",
            "DEBUG",
        }
    }
    env.update(DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="hub.example.nhs.uk")

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_signed_in_page_and_export_is_private_and_not_stored(city):
    """Every page and file each role may open (exports and reports too): Cache-Control: private, no-store."""
    wrong = []
    checked = 0
    for actor in OWN:
        client = Client()
        client.force_login(city.users[actor], backend=MODEL_BACKEND)
        for page in hub_pages():
            rule = ACCESS.get(page.name)
            if rule is None or actor not in rule.get:
                continue
            path = page.path(**resolve_kwargs(rule, city))
            response = client.get(path)
            checked += 1
            # The one documented exception: a chart file at a content-hashed address (issue 18).
            expected = IMMUTABLE if page.name == "actionplan:chart" else "private, no-store"
            if response.get("Cache-Control") != expected:
                wrong.append(f"{path} as {actor}: {response.get('Cache-Control')!r}")
    assert checked > 40
    assert not wrong, "\n".join(wrong)
