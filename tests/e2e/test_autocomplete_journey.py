"""Journeys: the project manager picks a person and a care home by typing, keyboard only.

A list short enough to send is a select made into an accessible autocomplete (alphagov's, served
by the hub); past a city's size the box asks the server's look-up as the user types.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CareHomeFactory, StaffMemberFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit_with_keyboard(page, button_name):
    page.get_by_role("button", name=button_name).focus()
    page.keyboard.press("Enter")


def test_pm_assigns_a_person_by_typing_part_of_their_name(page):
    # Given a care home and three people with spare hours
    home = CareHomeFactory(name="Gledhow Lodge")
    for name in ("Asha Patel", "Ben Okafor", "Bella Ashworth"):
        StaffMemberFactory(name=name, hours_per_week=Decimal("6"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM opens the home, the person picker is a type-ahead box, not a long select
    page.goto(f"/care-homes/{home.pk}/")
    person = page.get_by_role("combobox", name="Person")
    expect(person).to_be_visible()
    expect(page.locator("select#id_staff-select")).to_be_hidden()
    assert_accessible(page)

    # And types part of a name, arrows down to the match and presses Enter
    person.focus()
    page.keyboard.type("okaf")
    expect(page.get_by_role("option", name="Ben Okafor", exact=False)).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(person).to_have_value(re.compile(r"^Ben Okafor – "))
    assert_accessible(page)
    page.get_by_label("Support", exact=True).focus()  # no role is chosen for them
    page.keyboard.press("Space")
    page.get_by_label("Hours a week").fill("2")
    _submit_with_keyboard(page, "Assign")

    # Then Ben is assigned to the home
    expect(
        page.get_by_role("table", name="Current assignments").get_by_role(
            "link", name="Ben Okafor", exact=True
        )
    ).to_be_visible()
    assert home.assignments.get().staff.name == "Ben Okafor"
    assert_accessible(page)
    assert not page.js_errors


def test_pm_finds_a_care_home_through_the_look_up(page, monkeypatch):
    # Given a country-sized list of homes (the look-up box, not a select) and a person with spare hours
    CareHomeFactory(name="Larch Court", postcode="LS6 2AB", cqc_location_id="1-555000001")
    CareHomeFactory(name="Larchfield House", postcode="LS8 1CD", cqc_location_id="1-555000002")
    member = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("6"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM opens the person's page and types into "Care home"
    page.goto(f"/staff/{member.pk}/")
    home = page.get_by_role("combobox", name="Care home")
    expect(home).to_be_visible()
    assert_accessible(page)
    home.focus()
    page.keyboard.type("larch")
    # Then the look-up offers both homes, and the keyboard picks the second
    expect(page.get_by_role("option")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(home).to_have_value("Larchfield House, LS8 1CD (1-555000002)")
    assert_accessible(page)
    page.get_by_label("Support", exact=True).focus()  # no role is chosen for them
    page.keyboard.press("Space")
    page.get_by_label("Hours a week").fill("2")
    _submit_with_keyboard(page, "Assign")

    # And Asha is assigned to Larchfield House
    expect(
        page.get_by_role("table", name="Current assignments").get_by_role(
            "link", name="Larchfield House", exact=True
        )
    ).to_be_visible()
    assert member.assignments.get().care_home.name == "Larchfield House"
    assert not page.js_errors


def test_an_empty_person_picker_says_how_to_use_it_not_that_nothing_matched(page):
    # Given the PM logging a visit, with people to choose from (a select made into an autocomplete)
    CareHomeFactory(name="Gledhow Lodge")
    StaffMemberFactory(name="Ben Okafor", hours_per_week=Decimal("6"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto("/visits/new/")
    person = page.get_by_role("combobox", name="Who made the visit")
    # The live region a screen reader reads out as the box changes (the library keeps two, A and B,
    # and fills one at a time); Orca read "No search results" here before anything was typed
    # (docs/accessibility/screen-reader-check.md).
    status = page.locator("[id^='id_staff__status--']").filter(has_text=re.compile(r"\S"))

    # When they Tab into the empty box
    person.focus()
    # Then what is read out tells them how to find someone
    expect(status).to_have_text("Type to see matches, or press the down arrow to see them all")

    # When they type a name nobody has, then it says so; and a name someone has offers them
    page.keyboard.type("zzq")
    expect(status).to_have_text("No matches: check the spelling")
    page.keyboard.press("Control+a")
    page.keyboard.type("okaf")
    expect(status).to_have_text(re.compile(r"^1 result is available\. +Ben Okafor 1 of 1 is highlighted$"))
    assert_accessible(page)
    assert not page.js_errors
