"""Journey: a discharge followed up across three organisations, ending on the dashboard.

A trust technician records a discharge; the care home's pharmacy acknowledges it and works it to
complete on a phone; the PCN pharmacist closes the onward medication review by logging a visit;
the SLT dashboard counts it. Keyboard where people type, and an axe check on every page.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from discharge.models import DischargeFollowUp
from discharge.states import State
from organisations.access import COMMUNITY_PHARMACY, PHARMACY_PROFESSIONAL, SLT, TRUST_DISCHARGE_TEAM
from tests.e2e.conftest import PHONE_VIEWPORT, assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    CareHomeFactory,
    CommunityPharmacyFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, *, phone=False):
    options = {"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def act(page, follow_up_pk, action, summary=None):
    """An action's form, its details opened first when the page drew them closed (only the first
    action's are open). Waits for the page that offers the action, then reads how it was drawn."""
    form = page.locator(f"form[action='/discharges/{follow_up_pk}/{action}/']")
    expect(form).to_have_count(1)
    details = page.locator("details").filter(has=form)
    if summary and details.get_attribute("open") is None:
        details.locator("summary", has_text=summary).click()
    expect(form).to_be_visible()
    return form


def press(page, button):
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_discharge_is_followed_up_from_trust_to_pharmacy_to_pcn_and_counted(browser, live_server):
    # Given a trust, a care home supplied by a community pharmacy, and the home's PCN pharmacist
    trust = OrganisationFactory(name="Leeds Teaching Hospitals NHS Trust", ods_code="RR8")
    pharmacy = CommunityPharmacyFactory(name="Chapel Allerton Pharmacy", ods_code="FCA17")
    home = CareHomeFactory(name="Larch Court", cqc_location_id="1-555000111", supplying_pharmacy=pharmacy)
    user_with_role(TRUST_DISCHARGE_TEAM, username="tech", organisation=trust)
    user_with_role(COMMUNITY_PHARMACY, username="chemist", organisation=pharmacy)
    pharmacist = user_with_role(PHARMACY_PROFESSIONAL, username="pcn-pharmacist")
    AssignmentFactory(staff=pharmacist.staff_member, care_home=home)
    user_with_role(SLT, username="chief")

    # When the trust technician records the discharge with the keyboard
    page = new_page(browser, live_server)
    sign_in(page, "tech", PASSWORD)
    expect(page).to_have_url(re.compile(r"/discharges/mine/$"))
    expect(page.get_by_role("heading", name="Your trust's discharge follow-ups", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a discharge").click()
    page.wait_for_url("**/discharges/new/")
    assert_accessible(page)
    page.get_by_label("Referral ID").fill("PO-771204")
    page.get_by_label("PharmOutcomes").check()
    page.get_by_role("combobox", name="Care home").fill("1-555000111")
    discharged = page.get_by_role("group", name="Discharge date")
    today = timezone.localdate()
    discharged.get_by_label("Day").fill(str(today.day))
    discharged.get_by_label("Month").fill(str(today.month))
    discharged.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Stopped medicine").focus()
    page.keyboard.press("Space")
    page.get_by_label("3 to 5").check()
    press(page, page.get_by_role("button", name="Record the discharge"))

    # Then it is sent to the home's supplying pharmacy
    follow_up = DischargeFollowUp.objects.get()
    assert follow_up.pharmacy == pharmacy and follow_up.state == State.EXPECTED
    expect(page.get_by_text("recorded and sent to Chapel Allerton Pharmacy")).to_be_visible()
    assert_accessible(page)
    page.context.close()

    # When the pharmacy opens it on a phone and works it through every stage
    phone = new_page(browser, live_server, phone=True)
    sign_in(phone, "chemist", PASSWORD)
    expect(phone).to_have_url(re.compile(r"/discharges/mine/$"))
    phone.get_by_role("link", name="PO-771204").click()
    phone.wait_for_url(f"**/discharges/{follow_up.pk}/")
    expect(phone.get_by_text("Monday to Saturday, 9am to 6pm")).to_be_visible()
    assert_accessible(phone)
    press(phone, act(phone, follow_up.pk, "acknowledge").get_by_role("button"))
    press(phone, act(phone, follow_up.pk, "stage1", "Record stage 1").get_by_role("button"))
    press(phone, act(phone, follow_up.pk, "stage2", "Record stage 2").get_by_role("button"))
    stage3 = act(phone, follow_up.pk, "stage3", "Record stage 3")
    stage3.get_by_label("Care-home staff").check()
    stage3.get_by_label("Referred to the PCN team for a structured medication review").check()
    press(phone, stage3.get_by_role("button"))
    assert_accessible(phone)
    press(phone, act(phone, follow_up.pk, "close_complete", "Close as complete").get_by_role("button"))
    follow_up.refresh_from_db()
    assert follow_up.state == State.CLOSED_COMPLETE and follow_up.onward_referral
    expect(phone.get_by_role("cell", name="Closed: complete")).to_be_visible()
    assert_accessible(phone)
    phone.context.close()

    # When the PCN pharmacist sees the onward referral and logs a post-discharge review visit
    page = new_page(browser, live_server)
    sign_in(page, "pcn-pharmacist", PASSWORD)
    page.goto("/discharges/?state=onward")
    expect(page.get_by_role("link", name="PO-771204")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/visits/new/?care_home={home.pk}")
    page.get_by_label("Post-discharge review").focus()
    page.keyboard.press("Space")
    page.get_by_label("On site").focus()  # how the visit was made is never chosen for the user
    page.keyboard.press("Space")
    page.get_by_label("Minutes spent").fill("30")
    press(page, page.get_by_role("button", name="Save visit"))
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_visible()

    # Then the onward review is closed by that visit
    follow_up.refresh_from_db()
    assert follow_up.onward_closed_at is not None and follow_up.onward_visit is not None
    page.goto(f"/discharges/{follow_up.pk}/")
    expect(page.get_by_text("Onward medication review done")).to_be_visible()
    assert_accessible(page)
    page.context.close()

    # And the SLT dashboard counts the referral and its completion
    page = new_page(browser, live_server)
    sign_in(page, "chief", PASSWORD)
    page.goto("/dashboard/")
    section = page.locator("#discharges")
    expect(section.locator("[data-figure='Referrals received']")).to_have_text("1")
    expect(section).to_contain_text("for the 1 follow-ups completed")
    assert_accessible(page)
    page.context.close()
