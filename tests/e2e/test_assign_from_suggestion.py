"""Journey: the PM opens a care home with no named lead, takes the first suggestion, and the gap closes."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    CareHomeFactory,
    PcnFactory,
    PracticeFactory,
    StaffMemberFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pm_takes_the_first_suggestion_and_the_no_lead_gap_closes(page):
    # Given a care home with no named lead, and two people with hours spare, one in the home's PCN
    pcn = PcnFactory(name="Chapel Allerton PCN", locality="Leeds North")
    home = CareHomeFactory(name="Gledhow Lodge", pcn=pcn, locality="Leeds North")
    StaffMemberFactory(
        name="Asha Patel",
        organisation=PracticeFactory(parent=pcn, locality="Leeds North"),
        hours_per_week=Decimal("6"),
    )
    StaffMemberFactory(name="Ben Okafor", hours_per_week=Decimal("6"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM finds the home in the list of homes without a lead and opens it
    page.goto("/care-homes/?has_lead=no")
    assert_accessible(page)
    page.get_by_role("link", name="Gledhow Lodge").click()
    expect(page.locator("#gaps").get_by_text("No named lead")).to_be_visible()
    suggestions = page.locator("#suggestions li")
    expect(suggestions.first.get_by_text("Asha Patel", exact=True)).to_be_visible()
    assert_accessible(page)

    # And takes the first suggestion
    url_before = page.url
    page.get_by_role("button", name="Make Asha Patel the named lead").click()

    # Then, without a page reload, Asha is the lead and the gap has closed
    page.get_by_text("Asha Patel is now the named lead for Gledhow Lodge.").wait_for()
    expect(page).to_have_url(url_before)
    expect(page.locator("#gaps").get_by_text("No named lead")).to_have_count(0)
    expect(page.get_by_role("table", name="Current assignments").get_by_text("Named lead")).to_be_visible()
    assert home.assignments.get().staff.name == "Asha Patel"
    assert_accessible(page)
    assert not page.js_errors
