"""Journeys (keyboard only) through the pickers the autocomplete did not reach before: the
discharge form's care home for a trust team, and choosing several care homes at once.

Each checks what a screen reader is told (the accessibility tree: the combobox and its name, the
listbox and its options, the chosen homes and their "Remove" buttons) and ends with an axe check.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carehomes.models import CareHome
from discharge.models import DischargeFollowUp
from organisations.access import TRUST_DISCHARGE_TEAM
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    CareHomeFactory,
    CommunityPharmacyFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press(page, locator, key="Enter"):
    locator.focus()
    page.keyboard.press(key)


def type_into(page, locator, text):
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)


def test_a_trust_team_finds_the_care_home_of_a_discharge_by_typing(page):
    # Given a trust team, two homes of the same name in different towns, and a deregistered one
    trust = OrganisationFactory(name="Leeds Teaching Hospitals NHS Trust", ods_code="RR8")
    CareHomeFactory(name="Larch Court", locality="Leeds", postcode="LS6 2AB", cqc_location_id="1-555000001")
    ilkley = CareHomeFactory(
        name="Larch Court",
        locality="Ilkley",
        postcode="LS29 1AA",
        cqc_location_id="1-555000009",
        supplying_pharmacy=CommunityPharmacyFactory(name="Ilkley Pharmacy"),
    )
    CareHomeFactory(name="Larchfield", registration_status=CareHome.Registration.DEREGISTERED)
    user_with_role(TRUST_DISCHARGE_TEAM, username="tech", organisation=trust)
    sign_in(page, "tech", PASSWORD)

    # When the technician records a discharge, the care home is a type-ahead box
    page.goto("/discharges/new/")
    home = page.get_by_role("combobox", name="Care home")
    expect(home).to_be_visible()
    assert_accessible(page)
    type_into(page, home, "larch")

    # Then it offers the two open homes by name, town and postcode (not the deregistered one)
    listbox = page.get_by_role("listbox", name="Care home")
    expect(listbox).to_match_aria_snapshot(
        '- listbox "Care home":\n'
        '  - option "Larch Court, Leeds, LS6 2AB (1-555000001)"\n'
        '  - option "Larch Court, Ilkley, LS29 1AA (1-555000009)"'
    )
    expect(home).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)

    # And the keyboard picks the second (its state is read out as selected)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option", name="Larch Court, Ilkley, LS29 1AA (1-555000009)")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Enter")
    expect(home).to_have_value("Larch Court, Ilkley, LS29 1AA (1-555000009)")
    expect(home).to_have_attribute("aria-expanded", "false")

    # When the form is refused (no referral ID), the choice is kept and the error is read with it
    press(page, page.get_by_label("PharmOutcomes"), "Space")
    page.get_by_label("Stopped medicine").focus()
    page.keyboard.press("Space")
    press(page, page.get_by_label("3 to 5"), "Space")
    discharged = page.get_by_role("group", name="Discharge date")
    today = timezone.localdate()
    for part, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        type_into(page, discharged.get_by_label(part), str(value))
    press(page, page.get_by_role("button", name="Record the discharge"))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    home = page.get_by_role("combobox", name="Care home")
    expect(home).to_have_value("Larch Court, Ilkley, LS29 1AA (1-555000009)")
    expect(home).to_have_accessible_description(re.compile("Type its name or postcode"))
    assert_accessible(page)

    # Then, with the referral ID given, it is recorded for the Ilkley home and sent to its pharmacy
    type_into(page, page.get_by_label("Referral ID"), "PO-771204")
    press(page, page.get_by_role("button", name="Record the discharge"))
    expect(page.get_by_text("recorded and sent to Ilkley Pharmacy")).to_be_visible()
    assert DischargeFollowUp.objects.get().care_home == ilkley
    assert_accessible(page)
    assert not page.js_errors
