"""The project manager uploads a month's ODS files on the Imports page: a preview, then the import."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.forms import OdsUploadForm
from organisations.models import ImportRun, Organisation
from tests.factories import CareHomeFactory, PcnFactory, PracticeFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "ods_files"
VERBATIM = FILES / "verbatim"
MONTH = ["eccg.csv", "etr.csv", "edispensary.csv", "epcn.csv", "epraccur.csv", "epcncorepartnerdetails.csv"]
TOKEN = re.compile(r'name="token" value="([0-9a-f]+)"')
UPLOAD = "/imports/ods/"
CONFIRM = "/imports/ods/confirm/"


def imported():
    """Has anything from the month's files been saved?"""
    return Organisation.objects.filter(ods_code__in=["B86001", "RR8", "15F", "FA321", "U60001"]).exists()


def uploads(*paths):
    return [SimpleUploadedFile(Path(p).name, Path(p).read_bytes(), content_type="text/csv") for p in paths]


def month_files():
    return uploads(*(FILES / name for name in MONTH))


def preview(client, files):
    response = client.post(UPLOAD, {"file": files})
    return response, response.content.decode()


def token_of(page):
    return TOKEN.search(page).group(1)


def test_the_pm_sees_what_the_months_files_would_do_then_imports_them(client_for, pm_user):
    client = client_for(pm_user)
    old_pcn = PcnFactory(ods_code="U60001", name="Leeds Central PCN")
    PcnFactory(ods_code="U60002", name="West Leeds PCN")
    practice = PracticeFactory(ods_code="B86002", name="City View Medical Practice", parent=old_pcn)
    home = CareHomeFactory(name="Holbeck Grange", practice=practice, pcn=old_pcn)
    before = Organisation.objects.count()

    response, page = preview(client, month_files())

    assert response.status_code == 200
    assert "Nothing has been saved yet" in page
    assert "Burley Park Medical Centre (B86001)" in page  # created, by name
    assert 'id="new-trusts"' in page and "Harrogate" in page  # a new trust whose kind the PM chooses
    assert "GP practices that would move PCN" in page and "City View Medical Practice (B86002)" in page
    assert "Care homes that would follow their practice" in page and "Holbeck Grange" in page
    moves = page.split("GP practices that would move PCN")[1].split("</table>")[0]
    assert "Burley Park" not in moves, "a practice new to the hub gets its first PCN: no move"
    assert "epraccur.csv" in page and "GP practices (epraccur)" in page
    # Nothing is saved by the preview, and no run is recorded.
    assert Organisation.objects.count() == before
    assert not ImportRun.objects.exists()
    home.refresh_from_db()
    assert home.pcn == old_pcn

    response = client.post(CONFIRM, {"token": token_of(page)})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    assert (run.source, run.via, run.outcome, run.by) == ("ods", "upload", "applied", pm_user)
    assert run.created == 13 and "epraccur.csv" in run.file_name
    assert Organisation.objects.get(ods_code="B86001").name == "Burley Park Medical Centre"
    home.refresh_from_db()
    assert home.pcn.ods_code == "U60002", "the home followed its practice"
    listing = client.get("/imports/").content.decode()
    assert "Upload" in listing and "epraccur.csv" in listing
    assert "Harrogate" in listing, "the new trust waits on the Imports page for its kind"
    # The preview is used once.
    again = client.post(CONFIRM, {"token": token_of(page)})
    assert again.status_code == 302 and again["Location"] == UPLOAD
    assert ImportRun.objects.count() == 1


def test_the_epcn_workbook_and_verbatim_reports_upload_together(client_for, pm_user):
    client = client_for(pm_user)
    files = uploads(
        VERBATIM / "eccg.csv", VERBATIM / "epraccur-leeds-2025.csv", VERBATIM / "ePCN-excerpt.xlsx"
    )

    response, page = preview(client, files)

    assert response.status_code == 200, page
    assert "PCNDetails" in page
    assert "NHS West Yorkshire ICB (QWO)" in page, "the ICB comes with eccg"
    client.post(CONFIRM, {"token": token_of(page)})
    assert Organisation.objects.get(ods_code="B86108").parent.ods_code == "U31228"
    assert Organisation.objects.get(ods_code="15F").parent.ods_code == "QWO"


def test_rows_with_errors_import_nothing_until_the_pm_chooses_to_leave_them_out(
    client_for, pm_user, tmp_path
):
    client = client_for(pm_user)
    bad = (FILES / "epraccur.csv").read_text(encoding="utf-8-sig").replace('"19740401"', '"1974-04-01"', 1)
    files = [SimpleUploadedFile("epraccur.csv", bad.encode(), content_type="text/csv")]

    response, page = preview(client, files)

    assert response.status_code == 200
    assert 'id="import-errors"' in page and "is not a date written YYYYMMDD" in page
    response = client.post(CONFIRM, {"token": token_of(page)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and "so nothing was imported" in body
    assert not imported() and not ImportRun.objects.exists()

    response = client.post(CONFIRM, {"token": token_of(page), "skip_bad_rows": "on"})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.errors == 1 and run.created == 2
    assert any("1974-04-01" in message for message in run.messages)


def test_a_changed_layout_is_refused_next_to_the_field_and_keeps_nothing(client_for, pm_user):
    client = client_for(pm_user)
    text = (FILES / "etr.csv").read_text(encoding="utf-8-sig")
    shifted = text.replace('"RR8",', '"RR8","an extra column",', 1)
    files = [*month_files(), SimpleUploadedFile("etr.csv", shifted.encode(), content_type="text/csv")]

    response, page = preview(client, files)

    assert response.status_code == 400
    assert "nhsuk-error-summary" in page
    assert '<span class="nhsuk-error-message" id="id_file-error">' in page  # next to the field
    assert "has 28 columns on line 1" in page and "Its layout has changed" in page
    assert "Nothing has been saved yet" not in page
    assert not imported()
    assert not ImportRun.objects.exists(), "a refused upload is not kept"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Choose the ODS files to upload."),
        ([SimpleUploadedFile("epraccur.csv", b"", content_type="text/csv")], "The file is empty."),
        (
            [SimpleUploadedFile(f"epraccur-{n}.csv", b'"A"', content_type="text/csv") for n in range(13)],
            "Choose at most 12 files at once.",
        ),
        ([SimpleUploadedFile("ets.csv", b'"RR801"', content_type="text/csv")], "the hub does not import"),
        ([SimpleUploadedFile("notes.csv", b"\x00\x01junk", content_type="text/csv")], "is not a CSV file"),
    ],
    ids=["none", "empty", "too-many", "unsupported-report", "not-csv"],
)
def test_uploads_that_cannot_be_imported_are_refused_plainly(client_for, pm_user, files, message):
    response = client_for(pm_user).post(UPLOAD, {"file": files})

    assert response.status_code == 400
    page = response.content.decode()
    assert "nhsuk-error-summary" in page and message in page
    assert not ImportRun.objects.exists()


def test_too_large_an_upload_is_refused(client_for, pm_user, monkeypatch):
    monkeypatch.setattr(OdsUploadForm, "MAX_TOTAL_BYTES", 1024 * 1024)
    big = SimpleUploadedFile("epraccur.csv", b'"A"\r\n' * 300_000, content_type="text/csv")

    response = client_for(pm_user).post(UPLOAD, {"file": [big]})

    assert response.status_code == 400
    assert "the most the hub takes at once is 1 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_another_persons_preview_cannot_be_confirmed(client_for, pm_user, superuser):
    _, page = preview(client_for(pm_user), month_files())

    response = client_for(superuser).post(CONFIRM, {"token": token_of(page)})

    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("role", ["pharmacist_user", "slt_user"])
def test_only_the_project_manager_may_upload(client_for, request, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": month_files()}).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 32}).status_code == 403
    assert not imported()
