"""Journeys: feedback lands where the user is (htmx focus, "Error: " title) and the idle warning."""

import io
import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect
from pypdf import PdfReader

from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CareHomeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_after_an_htmx_change_focus_moves_to_the_error_summary_then_the_success_banner(page):
    # Given a project manager on a care home's page
    home = CareHomeFactory(name="Gledhow Lodge")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(f"/care-homes/{home.pk}/")
    title = page.title()
    assert not title.startswith("Error: ")

    # When they say there is a suspected outbreak but give no date, by keyboard
    page.locator("summary", has_text="Change the outbreak status").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Suspected").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save outbreak status").focus()
    page.keyboard.press("Enter")

    # Then the error summary has focus and the title starts "Error: "
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the date the outbreak started")
    expect(page).to_have_title("Error: " + title)
    assert_accessible(page)

    # When they choose no outbreak instead
    page.get_by_label("No outbreak").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save outbreak status").focus()
    page.keyboard.press("Enter")

    # Then a success banner (not inset text) says so, has focus, and the title has no "Error: "
    banner = page.locator(".nhsuk-notification-banner--success")
    banner.wait_for()
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("the outbreak is cleared")
    expect(page).to_have_title(title)
    expect(page.locator(".nhsuk-inset-text.hub-message")).to_have_count(0)
    assert_accessible(page)
    assert not page.js_errors


def test_two_minutes_before_idle_sign_out_stay_signed_in_keeps_the_session(page, settings):
    # Given sessions that end after 125 idle seconds, with the warning 2 minutes before
    settings.SESSION_COOKIE_AGE = 125
    settings.HUB = {**settings.HUB, "IDLE_WARNING_SECONDS": 120}
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto("/accessibility/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()

    # When they do nothing for 5 seconds
    dialog.wait_for(state="visible", timeout=10_000)

    # Then the warning says when, and "Stay signed in" has focus
    expect(dialog).to_contain_text(re.compile(r"sign you out at \d{1,2}:\d\d(am|pm)"))
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert_accessible(page)
    expiry_before = Session.objects.get().expire_date

    # When they press Enter
    page.keyboard.press("Enter")

    # Then the warning closes and the session is renewed
    dialog.wait_for(state="hidden")
    assert Session.objects.get().expire_date > expiry_before
    assert not page.js_errors


def test_the_accessibility_statement_is_linked_from_every_page_footer(page):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Accessibility statement").click()
    page.get_by_role("heading", level=1, name=re.compile("Accessibility statement")).wait_for()
    expect(page.get_by_role("main")).to_contain_text("Stay signed in")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/dashboard/", "/gaps/", "/action-plan/"])
def test_dashboard_gap_list_and_action_plan_print_on_a4_without_navigation_filters_or_link_urls(page, path):
    # Given a project manager with a page to take into a meeting
    CareHomeFactory(name="Gledhow Lodge")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(path)
    expect(page.locator(".nhsuk-header__navigation")).to_be_visible()

    # When it is printed
    page.emulate_media(media="print")

    # Then the navigation, the filters, the buttons and the footer are not printed
    for selector in (".nhsuk-header__navigation", ".nhsuk-footer", "form", ".nhsuk-button"):
        for element in page.locator(selector).all():
            expect(element, f"{selector} would be printed").to_be_hidden()
    # And no link prints its address after its text
    after = page.evaluate(
        "Array.from(document.querySelectorAll('main a')).map(a => getComputedStyle(a, '::after').content)"
    )
    assert after and set(after) == {"none"}, after  # links there, none with an address after it
    # And the page is A4
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
