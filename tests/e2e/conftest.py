"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

Chromium must be at /usr/bin/chromium. Locally, a missing browser skips these tests; in CI
(HUB_REQUIRE_BROWSER=1, set by .ci/run) it fails them, so CI never passes without them.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import skip_unless_ci

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM}"
        if os.environ.get("HUB_REQUIRE_BROWSER"):
            pytest.fail(message)
        skip_unless_ci(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """Browser tests run on a flushed database: make sure the role groups (and reference data) exist."""
    from carehomes.apps import ensure_specialisms
    from organisations.roles import grant_role_permissions

    grant_role_permissions()
    ensure_specialisms()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page):
    """No serious or critical axe-core violation on the page as it stands."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the answer to the POST (a redirect home, or the form again)
        page.get_by_role("button", name="Sign in", exact=True).click()
