"""Journey: an SLT member reads the dashboard on a 390 px phone, keyboard only. The trend chart is
the phone's drawing, shown at its own size (not a desktop chart shrunk to half), nothing scrolls
sideways, its alt text and its table are there, and all 52 weeks open behind "Show all weeks"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import week_of
from config.presenters import iso_week_label
from organisations.access import SLT
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, AssignmentFactory, CareHomeFactory, PcnFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_390(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_slt_member_reads_the_trend_on_a_phone(phone_390):
    page = phone_390
    # Given eight weeks of reports for a small city
    pcn = PcnFactory(name="Chapeltown PCN", locality="Leeds North")
    AssignmentFactory(care_home=CareHomeFactory(name="Larch Court", pcn=pcn))
    CareHomeFactory(name="Orphan House", pcn=pcn)
    today = timezone.localdate()
    weeks = [week_of(today - datetime.timedelta(days=7 * n)) for n in range(1, 9)]
    for week in reversed(weeks):
        gap_report_generate(week=week, notify=False)
    slt = user_with_role(SLT, username="phone-slt")

    # When they sign in on a 390 px phone
    sign_in(page, slt.username, PASSWORD)
    expect(page.get_by_role("heading", name="Citywide dashboard", level=1)).to_be_visible()

    # Then each figure says how it changed since last week, in words
    expect(page.locator('[data-change="Care homes"]')).to_have_text("No change from last week")
    expect(page.get_by_role("link", name="See the 1 home with no named lead")).to_be_visible()

    # And the trend chart is the phone's drawing, shown at (about) its own size, with no sideways scroll
    chart = page.get_by_role("img", name="Chart: Week on week")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle(), timeout=15_000
    )
    shown = chart.evaluate(
        "img => ({src: img.currentSrc, natural: img.naturalWidth, width: img.getBoundingClientRect().width,"
        " right: img.getBoundingClientRect().right})"
    )
    phone_src = chart.locator("xpath=preceding-sibling::source").get_attribute("srcset")
    assert shown["src"].endswith(phone_src), shown
    assert shown["right"] <= PHONE["width"], shown
    assert shown["width"] >= 0.9 * shown["natural"], (
        f"chart shrunk to {shown['width'] / shown['natural']:.0%}"
    )
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")

    # And its figures are in a table, the last four weeks open, newest first
    recent = page.get_by_role("table", name="The last 4 weeks, newest first")
    expect(recent).to_be_visible()
    expect(recent.get_by_role("rowheader").first).to_have_text(iso_week_label(weeks[0]))
    expect(page.get_by_role("table", name="All 8 weeks, newest first")).to_be_hidden()
    assert_accessible(page)

    # When they open "Show all weeks" with the keyboard
    page.locator("summary", has_text="Show all weeks").focus()
    page.keyboard.press("Enter")

    # Then every week is there, newest first, still without sideways scroll
    every = page.get_by_role("table", name="All 8 weeks, newest first")
    expect(every).to_be_visible()
    expect(every.get_by_role("rowheader")).to_have_count(8)
    expect(every.get_by_role("rowheader").last).to_have_text(iso_week_label(weeks[-1]))
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
    assert_accessible(page)
