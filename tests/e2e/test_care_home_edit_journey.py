"""Journeys (keyboard only): the project manager changes a care home's details from its page's
"Change" links, adds a home by hand, and imports a CQC file that keeps what was changed in the hub
and warns that it would leave many homes missing."""

import re

import pytest
from playwright.sync_api import expect

from carehomes.models import CareHome
from organisations.access import PROJECT_MANAGER
from tests.carehomes.test_imports import hsca_rows, to_csv
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CareHomeFactory, PcnFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press(page, locator, key="Enter"):
    """Move the keyboard focus to an element and press a key on it: no mouse."""
    locator.focus()
    page.keyboard.press(key)


def type_into(page, locator, text):
    """Focus a field, clear it and type, as a keyboard user would."""
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)


def test_pm_changes_the_beds_from_the_change_link_by_keyboard(page):
    home = CareHomeFactory(name="Gledhow Lodge", cqc_location_id="1-101234567", beds=42)
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(f"/care-homes/{home.pk}/")
    assert_accessible(page)

    # The "Change" link names its field for a screen reader: "Change beds"
    press(page, page.get_by_role("link", name="Change beds"))
    page.get_by_role("heading", level=1, name="Change the details of Gledhow Lodge").wait_for()
    beds = page.get_by_label("Beds")
    expect(beds).to_be_focused()
    expect(beds).to_have_value("42")
    assert_accessible(page)

    # A wrong value: the error summary takes the focus, the title says "Error:", what was typed stays
    page.keyboard.press("Control+A")
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Change the details of Gledhow Lodge – Care Home Pharmacy Hub")
    expect(page.get_by_label("Beds")).to_have_value("lots")
    # The summary's link goes to the field
    press(
        page, summary.get_by_role("link", name="Enter the number of beds as a whole number, for example 42.")
    )
    expect(page.get_by_label("Beds")).to_be_focused()
    assert_accessible(page)

    page.keyboard.press("Control+A")
    page.keyboard.type("44")
    press(page, page.get_by_role("button", name="Save details"))
    banner = page.locator(".nhsuk-notification-banner--success")
    expect(banner).to_contain_text("Gledhow Lodge: beds saved.")
    expect(page.get_by_text("Changed in the hub, so the CQC import keeps them: beds.")).to_be_visible()
    assert CareHome.objects.get(pk=home.pk).beds == 44
    assert_accessible(page)
    assert not page.js_errors


def test_pm_adds_a_home_by_hand_by_keyboard(page):
    PcnFactory(name="Chapeltown PCN", ods_code="U12345")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto("/care-homes/")
    press(page, page.get_by_role("link", name="Add a care home by hand"))
    page.get_by_role("heading", level=1, name="Add a care home").wait_for()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    assert_accessible(page)

    page.keyboard.type("Potternewton Grange")
    type_into(page, page.get_by_label("Postcode"), "ls7 4aa")
    type_into(page, page.get_by_label("Locality"), "Leeds North")
    type_into(page, page.get_by_label("PCN"), "U12345")
    type_into(page, page.get_by_label("Beds"), "18")
    press(page, page.get_by_role("radio", name="Residential", exact=True), "Space")
    press(page, page.get_by_role("button", name="Add care home"))

    page.get_by_role("heading", level=1, name="Potternewton Grange").wait_for()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("Potternewton Grange added.")
    expect(page.get_by_text("Added by hand: no CQC location ID yet")).to_be_visible()
    home = CareHome.objects.get(name="Potternewton Grange")
    assert (home.cqc_location_id, home.postcode, home.pcn.name, home.beds) == (
        None,
        "LS7 4AA",
        "Chapeltown PCN",
        18,
    )
    assert_accessible(page)


def test_pm_imports_a_cqc_file_that_keeps_hub_changes_after_confirming_the_missing_homes(page, tmp_path):
    home = CareHomeFactory(name="Meadow View (Moor Road)", cqc_location_id="1-101234567", beds=42)
    home.hub_changed_fields = ["name"]
    home.save()
    for _ in range(4):
        CareHomeFactory()  # in the hub, not in the file: 4 of 5 homes would be missing
    path = tmp_path / "HSCA_Active_Locations.csv"
    path.write_bytes(to_csv(hsca_rows()))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto("/care-homes/import/")
    page.locator("input[type=file][name=file]").set_input_files(str(path))
    press(page, page.get_by_role("button", name="Preview the import"))

    page.get_by_role("heading", level=1, name="Check the import").wait_for()
    expect(
        page.get_by_text("This file would leave 4 of 5 homes missing — it may be the wrong or a partial file")
    ).to_be_visible()
    kept = page.locator("#kept summary")
    expect(kept).to_contain_text("Kept: changed in the hub (1)")
    press(page, kept)
    expect(
        page.get_by_text("kept: changed in the hub (the file has “Meadow View Care Home”)")
    ).to_be_visible()
    assert_accessible(page)

    # Import without confirming: refused, nothing saved, the error summary says why
    press(page, page.get_by_label("Skip the rows with errors and import the rest"), "Space")
    press(page, page.get_by_role("button", name="Import"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This file would leave 4 of 5 homes missing")
    assert not CareHome.objects.filter(registration_status=CareHome.Registration.MISSING).exists()
    assert_accessible(page)

    expect(page.get_by_label("Skip the rows with errors and import the rest")).to_be_checked()  # kept
    press(
        page, page.get_by_label("I have checked: this is the whole, current CQC file", exact=False), "Space"
    )
    press(page, page.get_by_role("button", name="Import"))
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("4 flagged as missing")
    home.refresh_from_db()
    assert (home.name, home.beds) == ("Meadow View (Moor Road)", 48)
    assert CareHome.objects.filter(registration_status=CareHome.Registration.MISSING).count() == 4


def test_fill_the_gaps_rows_are_autocompletes_whose_reasons_follow_the_choice(page):
    from decimal import Decimal

    from carehomes.models import Assignment
    from tests.factories import StaffMemberFactory

    # Given two homes without a lead in North and two people with spare hours
    first, second = (
        CareHomeFactory(name="Aire View", locality="North"),
        CareHomeFactory(name="Beck House", locality="North"),
    )
    StaffMemberFactory(name="Alex Spare", hours_per_week=Decimal("6"))
    StaffMemberFactory(name="Sam Some", hours_per_week=Decimal("5"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM asks for a proposal, each row's person is a type-ahead box over the short list
    page.goto("/care-homes/fill-gaps/?locality=North&hours_per_week=2")
    box = page.get_by_role("combobox", name="Named lead for Aire View")
    other = page.get_by_role("combobox", name="Named lead for Beck House")
    expect(box).to_have_value(re.compile(r"\(proposed\)$"))
    expect(page.locator(f"select#staff_{first.pk}-select")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    reason = page.locator(f"#reason_{first.pk}")
    assert_accessible(page)

    # Typing "leave" offers "Leave without a lead"; choosing it says the home stays a gap
    type_into(page, box, "leave")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    # (read out as the row's list, its one option highlighted, so Enter takes it)
    expect(page.get_by_role("listbox")).to_match_aria_snapshot(
        '- listbox "Named lead for Aire View":\n  - option "Leave without a lead"'
    )
    status = page.locator(f"[id^='staff_{first.pk}__status--']")
    expect(status.filter(has_text="Leave without a lead 1 of 1 is highlighted")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(box).to_have_value("Leave without a lead")
    expect(reason).to_have_text("No named lead: the home stays on the gap list.")

    # Choosing the person the other row has: both rows say so, and a screen reader hears it
    name = other.input_value().replace(" (proposed)", "")
    type_into(page, box, name.split()[0])
    options = page.get_by_role("option", name=re.compile("^" + re.escape(name)))
    expect(options).to_have_count(1)
    page.keyboard.press("Enter")
    expect(box).to_have_value(re.compile("^" + re.escape(name)))
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(reason).to_contain_text("Also chosen for 1 other home in this proposal")
    expect(reason).to_have_attribute("aria-live", "polite")
    expect(page.locator(f"#reason_{second.pk}")).to_contain_text(
        "Also chosen for 1 other home in this proposal"
    )
    assert_accessible(page)

    # Then accepting (keyboard) makes that person the lead of both homes
    press(page, page.get_by_role("button", name="Accept all"))
    expect(page.get_by_text("2 care homes now have a named lead.")).to_be_visible()
    leads = {a.care_home_id: a.staff.name for a in Assignment.objects.select_related("staff")}
    assert leads == {first.pk: name, second.pk: name}
    assert_accessible(page)
    assert not page.js_errors
