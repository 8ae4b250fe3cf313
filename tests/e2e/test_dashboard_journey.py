"""Given an SLT member, when they filter the dashboard to one PCN, open last week's report and
download its PDF, then the figures change without a page reload and the PDF holds the report."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import previous_week, week_title
from config.presenters import iso_week_label
from organisations.access import SLT
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    VisitFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def city():
    """Two PCNs: Chapeltown with three homes (one without a lead), Seacroft with one."""
    trust = OrganisationFactory(name="Leeds Teaching Hospitals")
    chapeltown = PcnFactory(name="Chapeltown PCN", locality="Leeds North")
    seacroft = PcnFactory(name="Seacroft PCN", locality="Leeds East", committed_hours=Decimal("0"))
    lead = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("20"))
    today = timezone.localdate()
    for n in range(2):
        home = CareHomeFactory(name=f"Chapeltown Court {n}", pcn=chapeltown)
        AssignmentFactory(care_home=home, staff=lead)
        VisitFactory(care_home=home, staff=lead, visited_on=today - datetime.timedelta(days=3))
    CareHomeFactory(name="Orphan House", pcn=chapeltown)
    CareHomeFactory(name="Seacroft Grange", pcn=seacroft, locality="Leeds East")
    return chapeltown


def test_slt_member_filters_dashboard_opens_last_weeks_report_and_downloads_pdf(page):
    # Given
    city()
    week = previous_week(timezone.localdate())
    gap_report_generate(week=week, notify=False)
    slt = user_with_role(SLT)
    sign_in(page, slt.username, PASSWORD)
    expect(page).to_have_url(re.compile("/dashboard/"))
    expect(page.locator('[data-figure="Care homes"]')).to_have_text("4")
    page.evaluate("window.hubNoReload = true")

    # When they choose one PCN
    page.get_by_label("PCN").select_option(label="Chapeltown PCN")

    # Then the figures are for that PCN, swapped in by htmx without a reload
    expect(page.get_by_test_id("filter-summary")).to_contain_text("Chapeltown PCN")
    expect(page.locator('[data-figure="Care homes"]')).to_have_text("3")
    expect(page.locator('[data-figure="With a named lead"]')).to_have_text("66.7%")
    assert page.evaluate("window.hubNoReload") is True
    expect(page).to_have_url(re.compile("pcn="))  # the filtered view has its own address
    assert not page.js_errors
    assert_accessible(page)

    # When they open last week's report
    page.get_by_role("link", name=f"Last week's report ({iso_week_label(week)})").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(iso_week_label(week))
    expect(page.get_by_text("Orphan House has no named lead")).to_be_visible()
    assert_accessible(page)

    # And download its PDF
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"gap-report-{week}.pdf"

    # Then the PDF holds the report's figures and reasons
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Weekly gap report" in text and week_title(week) in text
    assert "Orphan House has no named lead" in text
    assert "Seacroft PCN has 1 care home aligned" in text
