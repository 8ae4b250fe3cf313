"""Journey (keyboard only): an organisation lead adds one of their people, then offers them after a validation error."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organisations.access import ORGANISATION_LEAD
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, PcnFactory, StaffMemberFactory, SupportRequestFactory, user_with_role
from workstreams.models import SupportOffer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press(page, locator, key="Enter"):
    locator.focus()
    page.keyboard.press(key)


def type_into(page, locator, text):
    locator.focus()
    page.keyboard.type(text)


def test_organisation_lead_adds_a_person_and_offers_them_after_an_error(page):
    # Given a PCN clinical director, a request for help from another PCN, and people elsewhere in the city
    own = PcnFactory(name="Chapel Allerton PCN")
    user_with_role(ORGANISATION_LEAD, username="the-lead", organisation=own)
    StaffMemberFactory(name="Stranger Elsewhere", hours_per_week=Decimal("10"))
    support_request = SupportRequestFactory(
        organisation=PcnFactory(name="Seacroft PCN"), title="SMRs for two homes"
    )
    sign_in(page, "the-lead", PASSWORD)

    # When they add one of their pharmacists from their organisation's page, by keyboard
    page.goto("/organisations/mine/")
    press(page, page.get_by_role("link", name="Add a person to Chapel Allerton PCN's staff"))
    page.get_by_role("heading", level=1, name="Add a person to your staff").wait_for()
    assert_accessible(page)
    type_into(page, page.get_by_label("Full name"), "Priya Shah")
    type_into(page, page.get_by_label("Role", exact=True), "Pharmacist")
    type_into(page, page.get_by_label("GPhC registration number"), "2087654")
    type_into(page, page.get_by_label("How the post is funded"), "PCN")
    type_into(page, page.get_by_label("Hours a week for care-home work"), "6")
    press(page, page.get_by_role("button", name="Add this person"))

    # Then she is on their staff, with a success banner
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Priya Shah is on Chapel Allerton PCN's staff"
    )
    assert_accessible(page)

    # When they offer her to the other PCN's request but leave out the hours
    page.goto(f"/help-requests/{support_request.pk}/")
    # ("Who can help?" is a type-ahead box: type, arrow down to the match, Enter)
    who = page.get_by_role("combobox", name="Who can help?")
    type_into(page, who, "Priya")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    press(page, page.get_by_role("button", name="Offer this time"))

    # Then the error summary has focus, says what to do, and "Who can help?" still lists only their own people
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the hours a week")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("combobox", name="Who can help?")).to_have_value(re.compile("^Priya Shah"))
    options = page.locator("select[name=staff] option")
    expect(options.filter(has_text="Priya Shah")).to_have_count(1)
    expect(options.filter(has_text="Stranger Elsewhere")).to_have_count(0)
    assert_accessible(page)

    # When they follow the summary link, enter the hours and offer again
    press(page, summary.get_by_role("link", name="Enter the hours a week"))
    expect(page.get_by_label("Hours a week")).to_be_focused()
    page.keyboard.type("4")
    press(page, page.get_by_role("button", name="Offer this time"))

    # Then the offer is sent
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("your offer has been sent")
    offer = SupportOffer.objects.get()
    assert offer.staff.name == "Priya Shah" and offer.hours_per_week == Decimal("4")
    assert_accessible(page)
    assert not page.js_errors
