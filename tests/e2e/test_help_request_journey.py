"""Journey: one organisation asks for help, another offers a pharmacist, the PM accepts."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organisations.access import ORGANISATION_LEAD, PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_for(browser, live_server):
    """A fresh signed-in browser tab for each person in the journey."""
    contexts = []

    def open_as(username):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_request_offer_accept_shows_the_new_assignment_on_the_home(page_for):
    # Given a PCN with a care home, a trust with a pharmacist who has hours spare, and the PM
    pcn = PcnFactory(name="Harehills PCN")
    home = CareHomeFactory(name="Gledhow Lodge", pcn=pcn)
    user_with_role(ORGANISATION_LEAD, username="pcn-lead", organisation=pcn)
    trust = OrganisationFactory(name="Leeds Community Healthcare")
    user_with_role(ORGANISATION_LEAD, username="trust-lead", organisation=trust)
    StaffMemberFactory(name="Asha Patel", organisation=trust, hours_per_week=Decimal("10"))
    user_with_role(PROJECT_MANAGER, username="the-pm")

    # When the PCN's lead asks for help for the home
    lead_a = page_for("pcn-lead")
    lead_a.goto("/help-requests/")
    lead_a.get_by_role("button", name="Ask for help").click()
    lead_a.get_by_label("What do you need?").fill("Pharmacist for medication reviews")
    lead_a.get_by_label("Hours a week").fill("3")
    add_home = lead_a.get_by_role("combobox", name="Add a care home")
    add_home.focus()
    lead_a.keyboard.type("gledhow")
    expect(lead_a.get_by_role("listbox", name="Add a care home").get_by_role("option")).to_have_count(1)
    lead_a.keyboard.press("Enter")
    expect(lead_a.get_by_role("button", name="Remove Gledhow Lodge")).to_be_visible()
    needed_by = lead_a.get_by_role("group", name="Needed by")
    needed_by.get_by_label("Day").fill("31")
    needed_by.get_by_label("Month").fill("1")
    needed_by.get_by_label("Year").fill("2099")
    lead_a.get_by_label("Soon", exact=True).check()
    assert_accessible(lead_a)
    lead_a.get_by_role("button", name="Raise the request").click()
    lead_a.wait_for_load_state()
    expect(lead_a.get_by_role("heading", name="Pharmacist for medication reviews")).to_be_visible()
    request_url = lead_a.url

    # And the trust's lead offers the pharmacist's time
    lead_b = page_for("trust-lead")
    lead_b.goto("/help-requests/")
    lead_b.get_by_role("link", name="Pharmacist for medication reviews").click()
    # "Who can help?" is a type-ahead box over the list of their people
    lead_b.get_by_role("combobox", name="Who can help?").fill("Asha")
    lead_b.get_by_role(
        "option", name="Asha Patel (Leeds Community Healthcare) – 10 hours a week spare"
    ).click()
    lead_b.get_by_label("Hours a week").fill("3")
    assert_accessible(lead_b)
    lead_b.get_by_role("button", name="Offer this time").click()
    lead_b.wait_for_load_state()
    expect(lead_b.get_by_text("your offer has been sent")).to_be_visible()

    # And the PM accepts the offer
    pm = page_for("the-pm")
    pm.goto(request_url)
    assert_accessible(pm)
    pm.get_by_role("button", name="Accept offer from Asha Patel").click()
    pm.wait_for_load_state()

    # Then the request is met with the assignment shown
    expect(pm.get_by_text("Offer accepted: Asha Patel is now assigned.")).to_be_visible()
    expect(pm.locator("h1").get_by_text("Met")).to_be_visible()
    expect(pm.get_by_text("Assigned to Gledhow Lodge, 3 hours a week")).to_be_visible()

    # And the care home's page shows the new assignment
    pm.goto(f"/care-homes/{home.pk}/")
    expect(pm.get_by_text("Asha Patel").first).to_be_visible()
    assert_accessible(pm)

    # And the PCN's page, the organisation list and a new workstream's form pass the axe check too
    for path in (
        f"/organisations/{pcn.pk}/",
        "/organisations/",
        "/workstreams/new/",
        "/help-requests/?show=met",
    ):
        pm.goto(path)
        expect(pm.locator("h1")).to_be_visible()
        assert_accessible(pm)
