"""Journey: a pharmacist on a phone logs a visit from My care homes, using the keyboard alone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carehomes.models import Visit
from organisations.access import PHARMACY_PROFESSIONAL
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, AssignmentFactory, CareHomeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pharmacist_logs_a_visit_from_my_care_homes_on_a_phone(phone_page):
    page = phone_page
    # Given a pharmacist who is the named lead for a 30-bed care home
    home = CareHomeFactory(name="Larch Court", beds=30)
    user = user_with_role(PHARMACY_PROFESSIONAL, username="phone-pharmacist")
    AssignmentFactory(staff=user.staff_member, care_home=home)
    sign_in(page, "phone-pharmacist", PASSWORD)

    # When they open My care homes
    page.goto("/my-care-homes/")
    expect(page.get_by_role("heading", name="My care homes", level=1)).to_be_visible()
    assert_accessible(page)

    # And choose "Log a visit" for the home
    page.get_by_role("link", name="Log a visit to Larch Court").click()
    page.wait_for_url("**/visits/new/**")
    expect(page.get_by_label("Care home", exact=True)).to_have_value(str(home.pk))
    visit_date = page.get_by_role("group", name="Date of visit")
    today = timezone.localdate()
    expect(visit_date.get_by_label("Day")).to_have_value(str(today.day))
    expect(visit_date.get_by_label("Month")).to_have_value(str(today.month))
    expect(visit_date.get_by_label("Year")).to_have_value(str(today.year))
    assert_accessible(page)

    # And fill it in with the keyboard, first with more residents than the home has beds
    page.get_by_label("Structured medication review").focus()
    page.keyboard.press("Space")
    page.get_by_label("Residents reviewed").fill("31")
    page.keyboard.press("Tab")
    page.get_by_label("Stopped", exact=True).fill("2")
    page.keyboard.press("Tab")
    page.get_by_label("Minutes spent").fill("45")
    page.keyboard.press("Tab")
    page.get_by_label("Notes", exact=True).fill("Reviewed residents on the first floor.")
    page.get_by_role("button", name="Save visit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Then the form is refused with a summary, keeping what was typed
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("no more than 30").first).to_be_visible()
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Reviewed residents on the first floor.")
    expect(page.get_by_label("Structured medication review")).to_be_checked()
    assert_accessible(page)

    # When they correct it and save
    page.get_by_label("Residents reviewed").fill("6")
    page.get_by_role("button", name="Save visit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Then the visit is saved once and shown
    visit = Visit.objects.get()
    assert (visit.residents_reviewed, visit.interventions_stopped, visit.minutes_spent) == (6, 2, 45)
    expect(page.get_by_text("Structured medication review")).to_be_visible()
    # And the home's page shows it among its recent visits
    page.goto(f"/care-homes/{home.pk}/")
    expect(page.get_by_role("heading", name="Recent visits")).to_be_visible()
    expect(page.get_by_role("cell", name=user.staff_member.name).first).to_be_visible()
    assert_accessible(page)
