"""Journey: after the month's ODS import, the PM sees the run, the care home that followed its
practice into a new PCN, and chooses the kind of a trust new to the hub."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organisations.access import PROJECT_MANAGER
from organisations.models import Organisation
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CareHomeFactory, PcnFactory, PracticeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).parent.parent / "organisations" / "ods_files"


def test_pm_sees_the_import_run_and_the_realigned_home_and_chooses_a_trusts_kind(page):
    # Given a care home aligned to City View Medical Practice, in Leeds Central PCN
    leeds_central = PcnFactory(ods_code="U60001", name="Leeds Central PCN")
    PcnFactory(ods_code="U60002", name="West Leeds PCN")
    practice = PracticeFactory(ods_code="B86002", name="City View Medical Practice", parent=leeds_central)
    home = CareHomeFactory(name="Holbeck Grange", practice=practice, pcn=leeds_central)
    user_with_role(PROJECT_MANAGER, username="the-pm")
    # And the month's ODS files, in which the practice has moved to West Leeds PCN, are imported
    call_command("import_ods", *sorted(str(p) for p in FILES.glob("*.csv")), stdout=io.StringIO())

    # When the PM opens Imports from the navigation
    sign_in(page, "the-pm", PASSWORD)
    nav = page.get_by_role("navigation", name="Menu")
    imports = nav.get_by_role("link", name="Imports")
    # The header's script folds the items that do not fit into "More": wait until it has run.
    expect(page.locator("[data-nhsuk-header-init]")).to_have_count(1)
    if not imports.is_visible():
        nav.get_by_role("button", name="More").click()
    expect(imports).to_be_visible()
    imports.click()
    page.get_by_role("heading", name="Imports", level=1).wait_for()

    # Then the run is listed with what it did, and the home that moved PCN is flagged
    runs = page.get_by_role("table", name="Runs, newest first")
    expect(runs.get_by_text("ODS reference data (command line)")).to_be_visible()
    expect(runs.get_by_text("Applied")).to_be_visible()
    realigned = page.get_by_role("table", name="Care homes that followed their practice")
    row = realigned.get_by_role("row").filter(has_text="Holbeck Grange")
    expect(row.get_by_text("Leeds Central PCN")).to_be_visible()
    expect(row.get_by_text("West Leeds PCN")).to_be_visible()
    assert_accessible(page)

    # And the home's own page shows its new PCN
    row.get_by_role("link", name="Holbeck Grange").click()
    page.get_by_role("heading", name="Holbeck Grange").wait_for()
    expect(page.get_by_text("West Leeds PCN").first).to_be_visible()
    page.go_back()

    # When the PM opens the run itself
    runs.get_by_role("link").first.click()
    expect(page.get_by_text("epraccur.csv").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Imports").first.click()

    # And chooses the kind of a trust the files brought in, first forgetting to choose
    page.get_by_role("link", name="Choose the kind of Harrogate and District NHS Foundation Trust").click()
    page.get_by_role("button", name="Save the kind").click()
    expect(page.get_by_role("alert").get_by_text("Choose what kind of trust it is.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Acute trust (hospitals)").check()
    page.get_by_role("button", name="Save the kind").click()

    # Then the trust is recorded as acute and no longer waits on the Imports page
    page.get_by_text(
        "Harrogate and District NHS Foundation Trust is now recorded as: Acute trust."
    ).wait_for()
    expect(
        page.get_by_role("link", name="Choose the kind of Harrogate and District NHS Foundation Trust")
    ).to_have_count(0)
    assert Organisation.objects.get(ods_code="RCD").kind == "acute_trust"
    home.refresh_from_db()
    assert home.pcn.name == "West Leeds PCN"
    assert_accessible(page)
    assert not page.js_errors
