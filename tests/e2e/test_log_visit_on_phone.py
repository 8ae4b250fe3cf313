"""Journey: a pharmacist on a phone logs a visit from My care homes, using the keyboard alone."""

import datetime
import re

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
    expect(page.locator("select[name=care_home]")).to_have_value(str(home.pk))
    expect(page.get_by_role("combobox", name="Care home")).to_have_value(f"Larch Court, {home.postcode}")
    visit_date = page.get_by_role("group", name="Date of visit")
    today = timezone.localdate()
    expect(visit_date.get_by_label("Day")).to_have_value(str(today.day))
    expect(visit_date.get_by_label("Month")).to_have_value(str(today.month))
    expect(visit_date.get_by_label("Year")).to_have_value(str(today.year))
    assert_accessible(page)

    # And fill it in with the keyboard (how the visit was made is not chosen for them), first with
    # more residents than the home has beds
    expect(
        page.get_by_role("group", name="How was the visit made?").get_by_role("radio", checked=True)
    ).to_have_count(0)
    page.get_by_label("On site").focus()
    page.keyboard.press("Space")
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


PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def phone_390(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE_390, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def test_pharmacist_types_the_visit_date_into_the_three_boxes_on_a_phone(phone_390):
    page = phone_390
    # Given a pharmacist who supports a care home, on a 390 x 844 phone
    home = CareHomeFactory(name="Rowan House", beds=40)
    user = user_with_role(PHARMACY_PROFESSIONAL, username="phone-pharmacist")
    AssignmentFactory(staff=user.staff_member, care_home=home)
    sign_in(page, "phone-pharmacist", PASSWORD)
    visit_day = timezone.localdate() - datetime.timedelta(days=2)

    # When they start a visit from My care homes, keyboard only
    page.goto("/my-care-homes/")
    link = page.get_by_role("link", name="Log a visit to Rowan House")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    # Then nothing is chosen for them in "How was the visit made?"
    mode = page.get_by_role("group", name="How was the visit made?")
    expect(mode.get_by_role("radio", checked=True)).to_have_count(0)

    # When they type the date into the day, month and year boxes but leave the day out
    date = page.get_by_role("group", name="Date of visit")
    for part, text in (("Day", ""), ("Month", str(visit_day.month)), ("Year", str(visit_day.year))):
        box = date.get_by_label(part)
        box.focus()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(text)
    mode.get_by_label("Video").focus()
    page.keyboard.press("Space")
    page.get_by_label("Audit", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Minutes spent").focus()
    page.keyboard.type("30")
    page.get_by_role("button", name="Save visit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Then the error names the part that is missing, next to the date and in the summary, and the
    # day box is the one marked
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date of visit must include a day")
    expect(date).to_contain_text("Date of visit must include a day")
    expect(date.get_by_label("Day")).to_have_class(re.compile("nhsuk-input--error"))
    expect(date.get_by_label("Month")).not_to_have_class(re.compile("nhsuk-input--error"))
    expect(date.get_by_label("Month")).to_have_value(str(visit_day.month))
    expect(mode.get_by_label("Video")).to_be_checked()
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)

    # When they follow the summary link to the day box, type the day and save
    summary.get_by_role("link", name="Date of visit must include a day").focus()
    page.keyboard.press("Enter")
    expect(date.get_by_label("Day")).to_be_focused()
    page.keyboard.type(str(visit_day.day))
    page.get_by_role("button", name="Save visit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Then the visit is saved for that day, and appears on the home's page with the date written out
    visit = Visit.objects.get()
    assert (visit.visited_on, visit.mode) == (visit_day, Visit.Mode.VIDEO)
    page.goto(f"/care-homes/{home.pk}/")
    recent = page.get_by_role("table", name="The home's most recent visits")
    expect(recent).to_contain_text(user.staff_member.name)
    expect(recent).to_contain_text(f"{visit_day.day} {visit_day:%B %Y}")
    assert_accessible(page)
    assert not page.js_errors
