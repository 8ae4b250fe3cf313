"""Journey: the PM uploads the month's ODS files on the Imports page, is told what is wrong with a
file whose layout has changed, checks what the right files would change, and imports them."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from organisations.access import PROJECT_MANAGER
from organisations.models import ImportRun, Organisation
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CareHomeFactory, PcnFactory, PracticeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).parent.parent / "organisations" / "ods_files"
MONTH = ["eccg.csv", "etr.csv", "edispensary.csv", "epcn.csv", "epraccur.csv", "epcncorepartnerdetails.csv"]


def test_pm_uploads_the_months_ods_files_checks_the_preview_and_imports_them(page, tmp_path):
    leeds_central = PcnFactory(ods_code="U60001", name="Leeds Central PCN")
    PcnFactory(ods_code="U60002", name="West Leeds PCN")
    practice = PracticeFactory(ods_code="B86002", name="City View Medical Practice", parent=leeds_central)
    home = CareHomeFactory(name="Holbeck Grange", practice=practice, pcn=leeds_central)
    user_with_role(PROJECT_MANAGER, username="the-pm")
    changed = tmp_path / "etr.csv"
    changed.write_text(
        (FILES / "etr.csv").read_text(encoding="utf-8-sig").replace('"RR8",', '"RR8","new",', 1)
    )

    # The PM opens Imports and follows the upload link
    sign_in(page, "the-pm", PASSWORD)
    page.goto("/imports/")
    page.get_by_role("link", name="Upload the month's ODS files").click()
    page.get_by_role("heading", name="Upload the month's ODS files", level=1).wait_for()
    assert_accessible(page)

    # Checking with no file says what to do, in the error summary and by the field
    page.get_by_role("button", name="Check the files").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("Choose the ODS files to upload.")).to_be_visible()
    assert_accessible(page)

    # A trusts file whose layout has changed is refused, and nothing is kept
    page.locator("input[type=file][name=file]").set_input_files(str(changed))
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("alert").get_by_text("Its layout has changed")).to_be_visible()
    assert not Organisation.objects.filter(ods_code="RR8").exists()
    assert_accessible(page)

    # The month's files, several chosen at once, are shown before anything is saved
    page.locator("input[type=file][name=file]").set_input_files([str(FILES / name) for name in MONTH])
    page.get_by_role("button", name="Check the files").click()
    page.get_by_role("heading", name="Check what the ODS files would change").wait_for()
    moves = page.get_by_role("table", name="GP practices that would move PCN")
    expect(moves.get_by_text("City View Medical Practice (B86002)")).to_be_visible()
    homes = page.get_by_role("table", name="Care homes that would follow their practice to its new PCN")
    expect(homes.get_by_text("Holbeck Grange")).to_be_visible()
    expect(
        page.locator("#new-trusts").get_by_text("Harrogate and District NHS Foundation Trust (RCD)")
    ).to_be_visible()
    page.get_by_text("Created (").click()
    expect(page.locator("#created").get_by_text("Burley Park Medical Centre (B86001)")).to_be_visible()
    # A new practice's first PCN is no move.
    expect(moves.get_by_text("Burley Park Medical Centre")).to_have_count(0)
    assert_accessible(page)
    assert not ImportRun.objects.exists()

    # Importing saves it all, and the run is shown
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("ODS files imported:")).to_be_visible()
    expect(page.get_by_text("epraccur.csv").first).to_be_visible()
    assert_accessible(page)
    run = ImportRun.objects.get()
    assert (run.via, run.by.username) == ("upload", "the-pm")
    home.refresh_from_db()
    assert home.pcn.ods_code == "U60002"
