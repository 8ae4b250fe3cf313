"""Journeys (keyboard only): a community pharmacist enters their pharmacy's opening hours, is told
what is wrong next to the box, mends it, and the stage-1 timer counts the hours; the project manager
takes a pharmacy back to the default hours through a page that says what will happen."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from discharge import selectors
from discharge.models import PharmacyOpeningHours
from organisations.access import COMMUNITY_PHARMACY, PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CommunityPharmacyFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def press(page, locator, key="Enter"):
    """Move the keyboard focus to an element and press a key on it: no mouse."""
    locator.focus()
    page.keyboard.press(key)


def type_into(page, locator, text):
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_pharmacist_enters_opening_hours_by_keyboard(page):
    pharmacy = CommunityPharmacyFactory(name="Moortown Pharmacy")
    user_with_role(COMMUNITY_PHARMACY, username="chemist", organisation=pharmacy)
    sign_in(page, "chemist", PASSWORD)
    expect(page).to_have_url(re.compile(r"/discharges/mine/$"))

    # From their home page to their pharmacy's hours
    press(page, page.get_by_role("link", name="Moortown Pharmacy's opening hours"))
    page.get_by_role("heading", level=1, name="Moortown Pharmacy - Opening hours").wait_for()
    expect(page.get_by_text("No hours are recorded yet")).to_be_visible()
    assert_accessible(page)

    # Monday with a lunch close (the afternoon in a second session), one time mistyped; Sunday closed
    for day in DAYS:
        group = page.get_by_role("group", name=day, exact=True)
        press(page, group.get_by_label("Closed" if day == "Sunday" else "Open"), " ")
    type_into(page, page.get_by_label("Monday opens"), "9")
    type_into(page, page.get_by_label("Monday closes"), "1pm")
    press(page, page.locator("summary", has_text="Monday: a second or third session"))
    expect(page.get_by_label("Monday second session opens")).to_be_visible()
    type_into(page, page.get_by_label("Monday second session opens"), "2pm")
    type_into(page, page.get_by_label("Monday second session closes"), "6:30pm")
    for day in DAYS[1:6]:
        type_into(page, page.get_by_label(f"{day} opens"), "9am")
        type_into(page, page.get_by_label(f"{day} closes"), "18:00" if day != "Saturday" else "midday")
    press(page, page.get_by_role("button", name="Save opening hours"))

    # The error summary takes the focus, names the box, and what was typed is still there
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    message = "Enter the time Monday opens as a real time, like 9am, 6:30pm or 18:30."
    expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Monday opens")).to_have_value("9")
    expect(page.get_by_label("Monday second session closes")).to_have_value("6:30pm")
    assert selectors.opening_sessions(pharmacy) == []
    assert_accessible(page)

    # The summary's link goes to the box; mend it and save
    press(page, summary.get_by_role("link", name=message))
    expect(page.get_by_label("Monday opens")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("9am")
    press(page, page.get_by_role("button", name="Save opening hours"))

    banner = page.locator(".nhsuk-notification-banner--success")
    banner.wait_for()
    expect(banner).to_contain_text("opening hours are saved")
    expect(page.get_by_role("cell", name="Added Monday 2pm to 6:30pm")).to_be_visible()
    sessions = selectors.opening_sessions(pharmacy)
    assert sessions[:2] == [
        (0, datetime.time(9), datetime.time(13)),
        (0, datetime.time(14), datetime.time(18, 30)),
    ]
    assert (5, datetime.time(9), datetime.time(12)) in sessions and len(sessions) == 7
    assert_accessible(page)
    assert not page.js_errors


def test_project_manager_goes_back_to_the_default_hours_by_keyboard(page):
    pharmacy = CommunityPharmacyFactory(name="Moortown Pharmacy")
    PharmacyOpeningHours.objects.bulk_create(
        PharmacyOpeningHours(
            pharmacy=pharmacy, weekday=day, opens_at=datetime.time(8), closes_at=datetime.time(20)
        )
        for day in range(7)
    )
    user_with_role(PROJECT_MANAGER, username="pm")
    sign_in(page, "pm", PASSWORD)
    page.goto(f"/discharges/pharmacies/{pharmacy.pk}/opening-hours/")
    page.get_by_role("heading", level=1, name="Moortown Pharmacy - Opening hours").wait_for()

    # The link to go back, then a page that says what will happen, before anything changes
    press(page, page.get_by_role("link", name="Go back to the default hours"))
    page.get_by_role(
        "heading", level=1, name="Go back to the default opening hours for Moortown Pharmacy?"
    ).wait_for()
    expect(page.get_by_text("Monday 8am to 8pm")).to_be_visible()
    expect(page.get_by_text("The recorded hours are removed.", exact=False)).to_be_visible()
    assert_accessible(page)
    assert len(selectors.opening_sessions(pharmacy)) == 7

    press(page, page.get_by_role("button", name="Go back to the default hours"))
    banner = page.locator(".nhsuk-notification-banner--success")
    banner.wait_for()
    expect(banner).to_contain_text("Moortown Pharmacy is back to the default hours")
    expect(page.get_by_text("No hours are recorded yet")).to_be_visible()
    expect(page.get_by_role("cell", name="Removed Monday 8am to 8pm", exact=False)).to_be_visible()
    assert selectors.opening_sessions(pharmacy) == []
    assert_accessible(page)
    assert not page.js_errors
