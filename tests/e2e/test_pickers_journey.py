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


def test_the_pm_chooses_several_care_homes_for_a_workstream_by_typing(page):
    from organisations.access import PROJECT_MANAGER
    from workstreams.models import Workstream

    # Given homes and an organisation to lead the work
    for name in ("Beck House", "Larch Court", "Larch Grange", "Moor Lodge"):  # Beck is the first box
        CareHomeFactory(name=name)
    OrganisationFactory(name="Leeds North PCN")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM starts a workstream, the homes are a type-ahead box, not a list of checkboxes
    page.goto("/workstreams/new/")
    homes = page.get_by_role("group", name="Care homes")
    add = homes.get_by_role("combobox", name="Add a care home")
    expect(add).to_be_visible()
    expect(homes.get_by_role("checkbox")).to_have_count(0)  # hidden: still the form's value
    expect(homes.get_by_text("No care homes chosen yet")).to_be_visible()
    assert_accessible(page)

    # And types "larch": both Larch homes are offered; Enter takes the first, then the second
    type_into(page, add, "larch")
    expect(page.get_by_role("listbox", name="Add a care home")).to_match_aria_snapshot(
        '- listbox "Add a care home":\n  - option "Larch Court"\n  - option "Larch Grange"'
    )
    page.keyboard.press("Enter")
    expect(add).to_have_value("")
    expect(add).to_be_focused()
    status = page.locator("#id_care_homes-chosen-status")
    expect(status).to_have_text("Larch Court added. 1 care home chosen.")
    page.keyboard.type("larch")
    expect(page.get_by_role("listbox", name="Add a care home").get_by_role("option")).to_have_count(
        1
    )  # one already chosen is not offered again
    page.keyboard.press("Enter")
    type_into(page, add, "beck")
    page.keyboard.press("Enter")
    chosen = homes.get_by_role("list", name="Chosen care homes (3)")
    expect(chosen).to_match_aria_snapshot(
        '- list "Chosen care homes (3)":\n'
        '  - listitem:\n    - text: Beck House\n    - button "Remove Beck House"\n'
        '  - listitem:\n    - text: Larch Court\n    - button "Remove Larch Court"\n'
        '  - listitem:\n    - text: Larch Grange\n    - button "Remove Larch Grange"'
    )
    assert_accessible(page)

    # When they remove Larch Court by keyboard, the focus moves to the next Remove button
    press(page, chosen.get_by_role("button", name="Remove Larch Court"))
    expect(status).to_have_text("Larch Court removed. 2 care homes chosen.")
    expect(homes.get_by_role("button", name="Remove Larch Grange")).to_be_focused()
    expect(homes.get_by_role("list", name="Chosen care homes (2)").get_by_role("listitem")).to_have_count(2)

    # And save without a name: the form is refused, the homes chosen are kept
    page.get_by_label("Lead organisation").select_option(label="Leeds North PCN")
    press(page, page.get_by_role("button", name="Save workstream"))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    homes = page.get_by_role("group", name="Care homes")
    expect(homes.get_by_role("list", name="Chosen care homes (2)")).to_match_aria_snapshot(
        '- list "Chosen care homes (2)":\n'
        '  - listitem:\n    - text: Beck House\n    - button "Remove Beck House"\n'
        '  - listitem:\n    - text: Larch Grange\n    - button "Remove Larch Grange"'
    )
    assert_accessible(page)

    # Then with a name it is saved with exactly those homes
    type_into(page, page.get_by_label("Name", exact=True), "Falls reviews")
    press(page, page.get_by_role("button", name="Save workstream"))
    expect(page.get_by_role("heading", name="Falls reviews", level=1)).to_be_visible()
    names = sorted(Workstream.objects.get().care_homes.values_list("name", flat=True))
    assert names == ["Beck House", "Larch Grange"]
    assert_accessible(page)
    assert not page.js_errors


def test_past_a_citys_size_the_pm_adds_homes_through_the_look_up(page, monkeypatch):
    from organisations.access import PROJECT_MANAGER
    from workstreams import forms as workstream_forms
    from workstreams.models import Workstream

    # Given more homes than the form may list (so no checkbox is sent for them)
    monkeypatch.setattr(workstream_forms, "HOME_SELECT_LIMIT", 2)
    CareHomeFactory(name="Larch Court", postcode="LS6 2AB", cqc_location_id="1-555000001")
    CareHomeFactory(name="Larch Grange", postcode="LS7 3CD", cqc_location_id="1-555000002")
    CareHomeFactory(name="Moor Lodge", postcode="LS8 4EF", cqc_location_id="1-555000003")
    OrganisationFactory(name="Leeds North PCN")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM types into "Add a care home", the look-up answers
    page.goto("/workstreams/new/")
    homes = page.get_by_role("group", name="Care homes")
    add = homes.get_by_role("combobox", name="Add a care home")
    expect(page.get_by_label("Add care homes")).to_have_count(0)  # the no-script box is gone
    assert_accessible(page)
    type_into(page, add, "larch")
    expect(page.get_by_role("listbox", name="Add a care home")).to_match_aria_snapshot(
        '- listbox "Add a care home":\n'
        '  - option "Larch Court, LS6 2AB (1-555000001)"\n'
        '  - option "Larch Grange, LS7 3CD (1-555000002)"'
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_care_homes-chosen-status")).to_have_text(
        "Larch Grange, LS7 3CD (1-555000002) added. 1 care home chosen."
    )
    type_into(page, add, "1-555000003")
    expect(page.get_by_role("option", name="Moor Lodge, LS8 4EF (1-555000003)")).to_be_visible()
    page.keyboard.press("Enter")
    expect(homes.get_by_role("list", name="Chosen care homes (2)")).to_match_aria_snapshot(
        '- list "Chosen care homes (2)":\n'
        "  - listitem:\n    - text: Larch Grange, LS7 3CD (1-555000002)\n"
        '    - button "Remove Larch Grange, LS7 3CD (1-555000002)"\n'
        "  - listitem:\n    - text: Moor Lodge, LS8 4EF (1-555000003)\n"
        '    - button "Remove Moor Lodge, LS8 4EF (1-555000003)"'
    )
    assert_accessible(page)

    # Then, saved with a name and a lead organisation, the workstream has those two homes
    type_into(page, page.get_by_label("Name", exact=True), "Falls reviews")
    page.get_by_label("Lead organisation").select_option(label="Leeds North PCN")
    press(page, page.get_by_role("button", name="Save workstream"))
    expect(page.get_by_role("heading", name="Falls reviews", level=1)).to_be_visible()
    names = sorted(Workstream.objects.get().care_homes.values_list("name", flat=True))
    assert names == ["Larch Grange", "Moor Lodge"]
    assert not page.js_errors


def test_past_a_citys_size_the_pm_names_a_workstreams_lead_through_the_look_up(page, monkeypatch):
    from organisations import people_lookup
    from organisations.access import PROJECT_MANAGER
    from organisations.models import StaffMember
    from tests.factories import StaffMemberFactory
    from workstreams.models import Workstream

    # Given more active staff than the form may list (so no option is sent for them)
    monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 1)
    leeds = OrganisationFactory(name="Leeds North PCN")
    StaffMemberFactory(name="Ann Larch", gphc_number="2012345", organisation=leeds)
    bob = StaffMemberFactory(
        name="Bob Larch", gphc_number=None, role=StaffMember.Role.CLINICAL_DIRECTOR, organisation=leeds
    )
    StaffMemberFactory(name="Cat Larch", is_active=False, organisation=leeds)  # has left
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM starts a workstream, "Lead person" is a type-ahead box, with no list sent
    page.goto("/workstreams/new/")
    lead = page.get_by_role("combobox", name="Lead person")
    expect(lead).to_be_visible()
    expect(page.locator("select#id_lead")).to_have_count(0)
    assert_accessible(page)

    # And types "larch": the look-up offers the two active people (not the one who has left)
    type_into(page, lead, "larch")
    expect(page.get_by_role("listbox", name="Lead person")).to_match_aria_snapshot(
        '- listbox "Lead person":\n'
        '  - option "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)"\n'
        f'  - option "Bob Larch – Clinical director, Leeds North PCN (hub {bob.pk})"'
    )
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = f"Bob Larch – Clinical director, Leeds North PCN (hub {bob.pk})"
    expect(page.get_by_role("option", name=chosen)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(lead).to_have_value(chosen)

    # When saved without a name, the form is refused and the lead chosen is kept
    page.get_by_label("Lead organisation").select_option(label="Leeds North PCN")
    press(page, page.get_by_role("button", name="Save workstream"))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("combobox", name="Lead person")).to_have_value(chosen)
    assert_accessible(page)

    # Then with a name it is saved with Bob Larch (who has no GPhC number) as its lead
    type_into(page, page.get_by_label("Name", exact=True), "Falls reviews")
    press(page, page.get_by_role("button", name="Save workstream"))
    expect(page.get_by_role("heading", name="Falls reviews", level=1)).to_be_visible()
    expect(page.get_by_text("Bob Larch")).to_be_visible()
    assert Workstream.objects.get().lead == bob
    assert_accessible(page)
    assert not page.js_errors


def test_past_a_citys_size_an_organisation_lead_asks_help_for_homes_chosen_through_the_look_up(
    page, monkeypatch
):
    from organisations.access import ORGANISATION_LEAD
    from tests.factories import PcnFactory
    from workstreams import forms as workstream_forms
    from workstreams.models import SupportRequest

    # Given a PCN with more homes than the request form may list, and another PCN's home
    monkeypatch.setattr(workstream_forms, "HOME_SELECT_LIMIT", 1)
    own = PcnFactory(name="Seacroft PCN", locality="Seacroft")
    other = PcnFactory(name="Otley PCN", locality="Otley")
    for name, postcode, cqc in (
        ("Larch Court", "LS14 1AA", "1-555000001"),
        ("Larch Mews", "LS14 2BB", "1-555000002"),
        ("Moor Lodge", "LS14 3CC", "1-555000003"),
    ):
        CareHomeFactory(name=name, pcn=own, locality="Seacroft", postcode=postcode, cqc_location_id=cqc)
    CareHomeFactory(
        name="Larch Grange", pcn=other, locality="Otley", postcode="LS21 1AA", cqc_location_id="1-555000009"
    )
    user_with_role(ORGANISATION_LEAD, username="seacroft-lead", organisation=own)
    sign_in(page, "seacroft-lead", PASSWORD)

    # When the lead raises a request, the homes are a look-up box: no home is sent until chosen
    page.goto("/help-requests/new/")
    homes = page.get_by_role("group", name="Which care homes?")
    add = homes.get_by_role("combobox", name="Add a care home")
    expect(add).to_be_visible()
    expect(homes.get_by_role("checkbox")).to_have_count(0)
    assert_accessible(page)
    type_into(page, page.get_by_label("What do you need?"), "Medication reviews")
    type_into(page, page.get_by_label("Hours a week"), "3")

    # And types "larch": only their own PCN's two Larch homes are offered (not Otley's)
    type_into(page, add, "larch")
    expect(page.get_by_role("listbox", name="Add a care home")).to_match_aria_snapshot(
        '- listbox "Add a care home":\n'
        '  - option "Larch Court, LS14 1AA (1-555000001)"\n'
        '  - option "Larch Mews, LS14 2BB (1-555000002)"'
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    status = page.locator("#id_care_homes-chosen-status")
    expect(status).to_have_text("Larch Mews, LS14 2BB (1-555000002) added. 1 care home chosen.")
    type_into(page, add, "larch")
    expect(page.get_by_role("option", name="Larch Court, LS14 1AA (1-555000001)")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    type_into(page, add, "moor")
    expect(page.get_by_role("option", name="Moor Lodge, LS14 3CC (1-555000003)")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = homes.get_by_role("list", name="Chosen care homes (3)")
    expect(chosen.get_by_role("listitem")).to_have_count(3)
    assert_accessible(page)

    # And removes Larch Mews by keyboard
    press(page, chosen.get_by_role("button", name="Remove Larch Mews, LS14 2BB (1-555000002)"))
    expect(status).to_have_text("Larch Mews, LS14 2BB (1-555000002) removed. 2 care homes chosen.")
    expect(homes.get_by_role("list", name="Chosen care homes (2)").get_by_role("listitem")).to_have_count(2)

    # Then, with the date and urgency given, the request is raised for exactly those two homes
    needed_by = page.get_by_role("group", name="Needed by")
    for part, value in (("Day", "31"), ("Month", "1"), ("Year", "2099")):
        type_into(page, needed_by.get_by_label(part), value)
    press(page, page.get_by_label("Soon", exact=True), "Space")
    press(page, page.get_by_role("button", name="Raise the request"))
    expect(page.get_by_role("heading", name="Medication reviews", level=1)).to_be_visible()
    row = page.locator(".nhsuk-summary-list__row", has_text="Care homes")
    expect(row).to_contain_text("Larch Court")
    expect(row).to_contain_text("Moor Lodge")
    expect(row).not_to_contain_text("Larch Mews")
    names = sorted(SupportRequest.objects.get().care_homes.values_list("name", flat=True))
    assert names == ["Larch Court", "Moor Lodge"]
    assert_accessible(page)
    assert not page.js_errors


def test_past_a_citys_size_the_pm_seats_a_person_on_a_team_through_the_look_up(page, monkeypatch):
    from organisations import people_lookup
    from organisations.access import PROJECT_MANAGER
    from organisations.models import Membership, Team
    from tests.factories import StaffMemberFactory, TeamFactory

    # Given more active staff than the team form may list (so no option is sent for them)
    monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 1)
    team = TeamFactory(kind=Team.Kind.OPERATIONAL, name="Operational team")
    leeds = OrganisationFactory(name="Leeds North PCN")
    ann = StaffMemberFactory(name="Ann Larch", gphc_number="2012345", organisation=leeds)
    StaffMemberFactory(name="Cat Larch", is_active=False, organisation=leeds)  # has left
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    # When the PM opens the team, "Person" is a type-ahead box, with no list sent
    page.goto(f"/teams/{team.pk}/")
    person = page.get_by_role("combobox", name="Person")
    expect(person).to_be_visible()
    expect(page.locator("select#id_staff")).to_have_count(0)

    # And types "larch": the look-up offers the active person only, chosen by keyboard
    type_into(page, person, "larch")
    chosen = "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)"
    expect(page.get_by_role("listbox", name="Person")).to_match_aria_snapshot(
        f'- listbox "Person":\n  - option "{chosen}"'
    )
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(person).to_have_value(chosen)

    # When added without a role, the form is refused and the person chosen is kept
    press(page, page.get_by_role("button", name="Add to the team"))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("combobox", name="Person")).to_have_value(chosen)
    assert_accessible(page)

    # Then with a role they are seated
    page.get_by_label("Member", exact=True).check()
    press(page, page.get_by_role("button", name="Add to the team"))
    expect(page.get_by_text("Ann Larch added to the Operational team.")).to_be_visible()
    assert Membership.objects.filter(team=team, staff=ann).exists()
    assert not page.js_errors
