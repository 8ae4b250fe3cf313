"""What a screen reader would announce, read from Chromium's accessibility tree (issue 14).

No real screen reader runs here. These tests read what one is given: Playwright's `aria_snapshot()`
(roles, names and structure of a region, as Chromium exposes them) and, for descriptions and the
invalid state that the snapshot leaves out, Chromium's own accessibility tree over the DevTools
protocol. They cover the error summary of the main journeys, where focus lands after the care-home
page's htmx actions, and the NHS.UK date input.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, AssignmentFactory, CareHomeFactory, StaffMemberFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def accessibility_tree(page):
    """Chromium's accessibility tree: [{role, name, description, invalid, focused}] for each node."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    tree = []
    for node in nodes:
        if node.get("ignored"):
            continue
        properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        tree.append(
            {
                "role": node.get("role", {}).get("value"),
                "name": node.get("name", {}).get("value", ""),
                "description": " ".join(str(node.get("description", {}).get("value", "")).split()),
                "invalid": properties.get("invalid") not in (None, "false"),
                "focused": bool(properties.get("focused")),
            }
        )
    return tree


def nodes(page, role, name):
    return [n for n in accessibility_tree(page) if n["role"] == role and n["name"] == name]


def focused_announcement(page):
    """The focused element's region as a screen reader meets it."""
    return page.locator(":focus").aria_snapshot()


def keyboard_press_button(page, name):
    page.get_by_role("button", name=name).focus()
    page.keyboard.press("Enter")


def test_the_assign_forms_errors_are_announced_together_and_then_the_success(page):
    # Given a care home and a person with 2 hours a week spare
    home = CareHomeFactory(name="Gledhow Lodge")
    StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("2"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(f"/care-homes/{home.pk}/")

    # When the PM, keyboard only, picks Asha for 3 hours and chooses neither lead nor support
    person = page.get_by_role("combobox", name="Person")
    person.focus()
    page.keyboard.type("Asha")
    expect(page.get_by_role("option", name=re.compile("^Asha Patel"))).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_label("Hours a week").fill("3")
    keyboard_press_button(page, "Assign")

    # Then focus is on the error summary, which is announced as an alert naming both problems,
    # each a link to its field, and the page title starts "Error: "
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    assert focused_announcement(page) == "\n".join(
        [
            "- alert:",
            '  - heading "There is a problem" [level=2]',
            "  - list:",
            "    - listitem:",
            '      - link "Select named lead or support.":',
            '        - /url: "#id_role"',
            "    - listitem:",
            '      - link "Asha Patel has only 2 hours a week spare; enter 2 or fewer.":',
            '        - /url: "#id_hours_per_week"',
        ]
    )
    expect(page).to_have_title(re.compile("^Error: "))
    # And each field is announced with its name and its error as its description
    (role,) = nodes(page, "group", "Role")
    assert role["description"] == "Error: Select named lead or support."
    (hours,) = nodes(page, "textbox", "Hours a week")
    assert hours["description"] == "Error: Asha Patel has only 2 hours a week spare; enter 2 or fewer."
    assert [r["name"] for r in accessibility_tree(page) if r["role"] == "radio"] == ["Named lead", "Support"]
    assert_accessible(page)

    # When they follow the first link, choose Support and ask for 2 hours
    page.get_by_role("link", name="Select named lead or support.").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Named lead")).to_be_focused()
    page.get_by_label("Support", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Hours a week").fill("2")
    keyboard_press_button(page, "Assign")

    # Then focus moves to the success banner, announced as an alert with what happened, and the
    # title no longer says "Error: "
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_focused()
    assert focused_announcement(page) == "\n".join(
        [
            '- alert "Success":',
            '  - heading "Success" [level=2]',
            "  - paragraph: Asha Patel is now support for Gledhow Lodge.",
        ]
    )
    expect(page).not_to_have_title(re.compile("^Error: "))
    assert not page.js_errors


def test_make_lead_and_outbreak_on_the_home_page_are_announced_where_the_user_is(page):
    # Given a home with no named lead, a person with hours spare and the PM on the home's page
    home = CareHomeFactory(name="Larch Court")
    StaffMemberFactory(name="Ben Okafor", hours_per_week=Decimal("10"))
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(f"/care-homes/{home.pk}/")

    # When they make the suggested person the named lead (an htmx action)
    keyboard_press_button(page, re.compile("^Make Ben Okafor the named lead"))

    # Then focus is on the success banner, which says so
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_focused()
    assert "paragraph: Ben Okafor is now the named lead for Larch Court." in focused_announcement(page)

    # When they record an outbreak but leave out the date it started
    page.locator("summary", has_text="Change the outbreak status").focus()
    page.keyboard.press("Enter")
    outbreak = page.get_by_role("group", name="Outbreak status")
    outbreak.get_by_label("Confirmed outbreak").focus()
    page.keyboard.press("Space")
    keyboard_press_button(page, "Save outbreak status")

    # Then focus is on that form's error summary, naming the date, and the title starts "Error: "
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    announced = focused_announcement(page)
    assert announced.startswith('- alert:\n  - heading "There is a problem" [level=2]')
    assert 'link "Enter the date the outbreak started."' in announced
    expect(page).to_have_title(re.compile("^Error: "))

    # When they enter it
    started = page.get_by_role("group", name="Date the outbreak started")
    today = timezone.localdate()
    for part, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        started.get_by_label(part).fill(str(value))
    keyboard_press_button(page, "Save outbreak status")

    # Then the banner takes focus and the error is gone from the title
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_focused()
    assert "Larch Court" in focused_announcement(page)
    expect(page).not_to_have_title(re.compile("^Error: "))
    assert_accessible(page)
    assert not page.js_errors


def test_the_date_input_names_each_box_and_ties_the_error_to_the_part_that_is_wrong(page):
    # Given a pharmacist logging a visit
    home = CareHomeFactory(name="Rowan House", beds=40)
    user = user_with_role(PHARMACY_PROFESSIONAL, username="the-pharmacist")
    AssignmentFactory(staff=user.staff_member, care_home=home)
    sign_in(page, "the-pharmacist", PASSWORD)
    page.goto(f"/visits/new/?care_home={home.pk}")

    # Then the date is a group named "Date of visit", described by its hint, of three named boxes
    date = page.get_by_role("group", name="Date of visit")
    snapshot = date.aria_snapshot()
    for box in ("Day", "Month", "Year"):
        assert re.search(rf'^\s*- textbox "{box}"', snapshot, re.M), snapshot
    (group,) = nodes(page, "group", "Date of visit")
    assert group["description"] == "For example, 27 3 2026"

    # When they leave the day out and save
    visit_day = timezone.localdate() - datetime.timedelta(days=2)
    date.get_by_label("Day").fill("")
    date.get_by_label("Month").fill(str(visit_day.month))
    date.get_by_label("Year").fill(str(visit_day.year))
    page.get_by_label("Video").check()
    page.get_by_label("Audit", exact=True).check()
    page.get_by_label("Minutes spent").fill("30")
    keyboard_press_button(page, "Save visit")

    # Then the group's description carries the error after the hint, and only the day box is
    # announced as invalid
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    (group,) = nodes(page, "group", "Date of visit")
    assert group["description"] == "For example, 27 3 2026 Error: Date of visit must include a day"
    boxes = {n["name"]: n["invalid"] for n in accessibility_tree(page) if n["role"] == "textbox"}
    assert (boxes["Day"], boxes["Month"], boxes["Year"]) == (True, False, False)

    # And the summary's link takes them to the day box, inside the described group
    page.get_by_role("link", name="Date of visit must include a day").focus()
    page.keyboard.press("Enter")
    expect(date.get_by_label("Day")).to_be_focused()
    (day,) = [n for n in accessibility_tree(page) if n["focused"] and n["role"] != "RootWebArea"]
    assert (day["role"], day["name"], day["invalid"]) == ("textbox", "Day", True)
    assert_accessible(page)
    assert not page.js_errors
