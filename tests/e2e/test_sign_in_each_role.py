"""Given each demo role, when they sign in, they land on their role's page, styled and accessible."""

import re

import pytest
from playwright.sync_api import expect

from organisations.access import ORGANISATION_LEAD, PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, PcnFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("role", "path", "nav_item"),
    [
        (SLT, "/dashboard/", "Dashboard"),
        (PROJECT_MANAGER, "/gaps/", "Gaps"),
        (PHARMACY_PROFESSIONAL, "/my-care-homes/", "My care homes"),
        (ORGANISATION_LEAD, "/organisations/", "My organisation"),
    ],
)
def test_each_role_signs_in_to_its_home_page(page, role, path, nav_item):
    user = user_with_role(role, organisation=PcnFactory() if role == ORGANISATION_LEAD else None)

    sign_in(page, user.username, PASSWORD)

    expect(page).to_have_url(re.compile(re.escape(path)))
    expect(page.locator("header").get_by_text("Care Home Pharmacy Hub")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name=nav_item)).to_have_count(1)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')")
    assert not page.js_errors
    assert_accessible(page)


def test_sign_out_returns_to_sign_in(page):
    user = user_with_role(PROJECT_MANAGER)
    sign_in(page, user.username, PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    page.goto("/gaps/")
    expect(page).to_have_url(re.compile("/accounts/login/"))


def test_wrong_password_shows_the_error_summary(page):
    user = user_with_role(PROJECT_MANAGER)
    sign_in(page, user.username, "not-the-password")
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
