"""Importing the CQC register (both published formats) and staff lists: preview, errors, all-or-nothing."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from carehomes.imports import cqc, cqc_formats
from carehomes.models import CareHome
from config import readers
from organisations import imports as staff_imports
from organisations.models import StaffMember
from tests.cqc_files import DIRECTORY_HEADER
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    SpecialismFactory,
    StaffMemberFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def token_in(response):
    return re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode()).group(1)


def directory_row(name, address, postcode, types, specialisms, location_id, check="09/Jan/2018 - 00:00"):
    return [
        name,
        "",
        address,
        postcode,
        "0113 496 0000",
        "",
        types,
        check,
        specialisms,
        "Example Care Ltd",
        "Leeds",
        "Yorkshire and The Humber",
        f"https://www.cqc.org.uk/location/{location_id}",
        location_id,
        "1-100000001",
    ]


def to_csv(rows, preamble=()):
    out = io.StringIO()
    for line in preamble:
        out.write(line + "\n")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def directory_file():
    """Row numbers: 1-3 preamble, 4 header, 5.. data."""
    return to_csv(
        [
            DIRECTORY_HEADER,
            directory_row(
                "Meadow View Care Home (renamed)",
                "12 Moor Road, Leeds",
                "LS7 3EX",
                "Care home|Nursing home",
                "Caring for adults over 65 yrs|Dementia",
                "1-101234567",
            ),  # row 5: a changed home
            directory_row(
                "Chapel Allerton Surgery", "1 Town St, Leeds", "LS7 4AA", "Doctors/GPs", "", "1-200000001"
            ),  # row 6: not a care home
            directory_row(
                "Ash Grove",
                "3 Ash Road, Leeds",
                "ls62ab",
                "Residential homes",
                "Dementia",
                "1-300000001",
                check="",
            ),  # row 7: new
            directory_row(
                "Bad Postcode House", "4 Road", "NOT A POSTCODE", "Care home", "", "1-400000001"
            ),  # 8
            directory_row("Bad Id House", "5 Road", "LS1 3EX", "Care home", "", "X-123"),  # row 9
            directory_row(
                "Home Care Leeds", "6 Road", "LS1 3EX", "Homecare agencies", "", "1-500000001"
            ),  # 10
        ],
        preamble=[
            "This data was produced on 01 November 2026",
            '"Data is published weekly, see www.cqc.org.uk"',
            "",
        ],
    )


@pytest.fixture
def register():
    SpecialismFactory(code="dementia", name="Dementia")
    SpecialismFactory(code="older-people", name="Older people")
    changed = CareHomeFactory(
        name="Meadow View Care Home",
        cqc_location_id="1-101234567",
        postcode="LS7 3EX",
        beds=42,
        address="12 Moor Road, Leeds",
        home_type="nursing",
        locality="Leeds North",
    )
    AssignmentFactory(care_home=changed)
    VisitFactory(care_home=changed)
    missing = CareHomeFactory(name="Gone Away House", cqc_location_id="1-999999999")
    CareHomeFactory(cqc_location_id="1-888888888", postcode="LS6 1AA", locality="Leeds West")
    return changed, missing


def test_directory_file_preview(register):
    changed, missing = register
    preview = cqc.cqc_import_preview(
        cqc_formats.parse_cqc(directory_file(), "01_November_2026_CQC_directory.csv")
    )
    assert preview.format_name == cqc_formats.DIRECTORY
    assert [r.cqc_location_id for r in preview.new] == ["1-300000001"]
    assert [(h.pk, [c[0] for c in ch]) for _r, h, ch in preview.changed] == [(changed.pk, ["name"])]
    assert preview.skipped == 2
    assert [(e.row_number, e.reason) for e in preview.errors] == [
        (8, "The postcode “NOT A POSTCODE” is not a real UK postcode."),
        (9, "The CQC location ID “X-123” is not 1- followed by up to 11 digits."),
    ]
    assert {h.pk for h in preview.missing} >= {missing.pk}
    assert preview.localities["1-300000001"] == "Leeds West"  # same postcode district as an existing home


def test_directory_file_with_errors_imports_nothing(register):
    preview, applied = cqc.cqc_import_apply(by=None, data=directory_file(), filename="x.csv")
    assert not applied
    assert not CareHome.objects.filter(cqc_location_id="1-300000001").exists()
    assert CareHome.objects.get(cqc_location_id="1-101234567").name == "Meadow View Care Home"


def test_directory_file_skipping_bad_rows_upserts_and_flags_missing(register, pm_user):
    changed, missing = register
    _preview, applied = cqc.cqc_import_apply(
        by=pm_user, data=directory_file(), filename="x.csv", skip_bad_rows=True, confirm_many_missing=True
    )
    assert applied
    changed.refresh_from_db()
    assert changed.name == "Meadow View Care Home (renamed)"
    assert changed.beds == 42  # the directory has no beds: keep the home's own
    assert changed.assignments.count() == 1 and changed.visits.count() == 1
    assert changed.history.first().history_user == pm_user
    missing.refresh_from_db()
    assert missing.registration_status == CareHome.Registration.MISSING
    new = CareHome.objects.get(cqc_location_id="1-300000001")
    assert (new.name, new.postcode, new.beds, new.home_type) == ("Ash Grove", "LS6 2AB", 0, "residential")
    assert [s.code for s in new.specialisms.all()] == ["dementia"]
    assert not CareHome.objects.filter(name__in=["Chapel Allerton Surgery", "Home Care Leeds"]).exists()


HSCA_HEADER = [
    "Location ID",
    "Location HSCA start date",
    "Dormant (Y/N)",
    "Care home?",
    "Location Name",
    "Location ODS Code",
    "Care homes beds",
    "Location Type/Sector",
    "Location Latest Overall Rating",
    "Location Region",
    "Location Local Authority",
    "Location ONSPD CCG Code",
    "Location Commissioning CCG Code",
    "Location Street Address",
    "Location Address Line 2",
    "Location City",
    "Location County",
    "Location Postal Code",
    "Location Latitude",
    "Location Longitude",
    "Provider ID",
    "Provider Name",
    "Service type - Care home service with nursing",
    "Service type - Care home service without nursing",
    "Service user band - Older People",
    "Service user band - Dementia",
    "Service user band - Learning disabilities or autistic spectrum disorder",
    "Service user band - Mental Health",
    "Service user band - Physical Disability",
    "Regulated activity - x",
]


def hsca_row(
    location_id,
    name,
    beds,
    care_home="Y",
    nursing="Y",
    residential="",
    postcode="LS7 3EX",
    start="01/04/2011",
):
    return [
        location_id,
        start,
        "N",
        care_home,
        name,
        "VN123",
        beds,
        "Social Care Org",
        "Good",
        "Yorkshire and The Humber",
        "Leeds",
        "E38000225",
        "15F",
        "12 Moor Road",
        "Chapel Allerton",
        "Leeds",
        "West Yorkshire",
        postcode,
        "53.8",
        "-1.5",
        "1-100000001",
        "Example Care Ltd",
        nursing,
        residential,
        "Y",
        "Y",
        "",
        "",
        "",
        "Y",
    ]


def hsca_rows():
    return [
        HSCA_HEADER,
        hsca_row("1-101234567", "Meadow View Care Home", "48"),  # row 2: beds changed
        hsca_row("1-600000001", "Larch Court", "30", nursing="Y", residential="Y"),  # row 3: new, both
        hsca_row("1-700000001", "A Dentist", "", care_home="N", nursing=""),  # row 4: skipped
        hsca_row("1-800000001", "Too Many Beds", "lots"),  # row 5: error
    ]


def test_hsca_csv_updates_beds_and_reads_flags(register):
    changed, _missing = register
    data = to_csv(hsca_rows())
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(data, "HSCA_Active_Locations.csv"))
    assert preview.format_name == cqc_formats.HSCA
    assert preview.skipped == 1
    assert [(e.row_number, "beds" in e.reason) for e in preview.errors] == [(5, True)]
    _p, applied = cqc.cqc_import_apply(by=None, data=data, skip_bad_rows=True, confirm_many_missing=True)
    assert applied
    changed.refresh_from_db()
    assert changed.beds == 48
    larch = CareHome.objects.get(cqc_location_id="1-600000001")
    assert larch.home_type == "both" and larch.beds == 30
    assert str(larch.registered_on) == "2011-04-01"
    assert larch.address == "12 Moor Road, Chapel Allerton, Leeds, West Yorkshire"
    assert {s.code for s in larch.specialisms.all()} == {"dementia", "older-people"}


def test_hsca_xlsx_workbook_is_read_from_its_named_sheet(register):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["This sheet is not the data"])
    sheet = workbook.create_sheet("HSCA_Active_Locations")
    for row in hsca_rows()[:3]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(buffer.getvalue(), "HSCA_Active_Locations.xlsx"))
    assert [r.cqc_location_id for r in preview.new] == ["1-600000001"]
    assert len(preview.changed) == 1 and not preview.errors


def ods_workbook(sheets):
    """A minimal OpenDocument spreadsheet: {sheet name: rows of text cells}."""
    from xml.sax.saxutils import escape

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(str(c))}</text:p>'
                "</table:table-cell>"
                for c in row
            )
            + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_hsca_ods_workbook_is_read_from_its_named_sheet(register):
    data = ods_workbook({"Notes": [["This sheet is not the data"]], "HSCA_Active_Locations": hsca_rows()[:3]})
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(data, "HSCA_Active_Locations.ods"))
    assert [r.cqc_location_id for r in preview.new] == ["1-600000001"]
    assert len(preview.changed) == 1 and not preview.errors


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.csv", "is not a text (CSV) file"),
        (b"name,address\nA,B\n", "x.csv", "does not look like a CQC care-home file"),
        (
            b"PK\x03\x04\x14\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "x.ods",
            "workbook could not be opened",
        ),
        (b"PK\x03\x04 broken zip", "x.xlsx", "workbook could not be opened"),
        (b"x" * (readers.MAX_BYTES + 1), "x.csv", "largest file the hub takes is 20 MB"),
        (b"Location ID,Care home?\n", "x.csv", "missing the columns"),
    ],
)
def test_junk_files_get_a_clear_message(data, name, message):
    with pytest.raises(readers.ImportFileError) as error:
        cqc_formats.parse_cqc(data, name)
    assert message in str(error.value)


def test_cp1252_file_is_read(register):
    rows = [
        DIRECTORY_HEADER,
        directory_row("Café Lodge", "1 Road", "LS1 3EX", "Care home", "", "1-310000001"),
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    parsed = cqc_formats.parse_cqc(out.getvalue().encode("cp1252"), "x.csv")
    assert parsed.rows[0].name == "Café Lodge"


def test_import_page_preview_then_confirm(client_for, pm_user, register):
    client = client_for(pm_user)
    upload = SimpleUploadedFile("directory.csv", directory_file(), content_type="text/csv")
    response = client.post("/care-homes/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the import" in html and "Row" in html and "not a real UK postcode" in html
    token = token_in(response)
    response = client.post("/care-homes/import/confirm/", {"token": token})
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode()
    assert not CareHome.objects.filter(cqc_location_id="1-300000001").exists()
    response = client.post(
        "/care-homes/import/confirm/", {"token": token, "skip_bad_rows": "on", "confirm_many_missing": "on"}
    )
    assert response.status_code == 302
    assert CareHome.objects.filter(cqc_location_id="1-300000001").exists()


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"just,some,columns\n1,2,3\n"])
def test_import_page_junk_gets_a_message_not_a_500(client_for, pm_user, content):
    upload = SimpleUploadedFile("junk.csv", content, content_type="text/csv")
    response = client_for(pm_user).post("/care-homes/import/", {"file": upload})
    assert response.status_code == 400
    assert "nhsuk-error-message" in response.content.decode()


def test_import_page_is_for_project_managers(client_for, slt_user):
    assert client_for(slt_user).get("/care-homes/import/").status_code == 403


def test_management_command_dry_run_saves_nothing(register, tmp_path):
    path = tmp_path / "HSCA.csv"
    path.write_bytes(to_csv(hsca_rows()[:3]))
    out = io.StringIO()
    call_command("import_cqc_locations", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "New: 1" in text and "Changed: 1" in text and "Dry run" in text
    assert not CareHome.objects.filter(cqc_location_id="1-600000001").exists()
    call_command("import_cqc_locations", str(path), "--confirm-many-missing", stdout=io.StringIO())
    assert CareHome.objects.filter(cqc_location_id="1-600000001").exists()


def test_management_command_refuses_a_file_with_errors(register, tmp_path):
    path = tmp_path / "directory.csv"
    path.write_bytes(directory_file())
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_cqc_locations", str(path), stdout=io.StringIO())


# Staff -------------------------------------------------------------------------------------------


def staff_csv(*rows):
    return to_csv([["name", "role", "gphc_number", "organisation", "hours_per_week", "funding"], *rows])


def test_staff_import_preview_and_all_or_nothing(pm_user):
    trust = OrganisationFactory(name="Leeds Teaching Hospitals", ods_code="RR8")
    existing = StaffMemberFactory(
        name="Asha Patel", gphc_number="2012345", organisation=trust, hours_per_week=Decimal("4")
    )
    data = staff_csv(
        ["Asha Patel", "Pharmacist", "2012345", "RR8", "6", ""],  # changed hours
        ["Ben Okafor", "Pharmacy technician", "5012345", "Leeds Teaching Hospitals", "7.5", ""],  # new
        ["No Org", "pharmacist", "2099999", "ZZZ", "3", ""],  # error: organisation
        ["Bad Hours", "pharmacist", "2088888", "RR8", "many", ""],  # error: hours
    )
    preview, applied = staff_imports.staff_import_apply(by=pm_user, data=data, filename="staff.csv")
    assert not applied
    assert [e.row_number for e in preview.errors] == [4, 5]
    assert "ZZZ" in preview.errors[0].reason
    assert not StaffMember.objects.filter(name="Ben Okafor").exists()
    _preview, applied = staff_imports.staff_import_apply(
        by=pm_user, data=data, filename="staff.csv", skip_bad_rows=True
    )
    assert applied
    existing.refresh_from_db()
    assert existing.hours_per_week == Decimal("6")
    ben = StaffMember.objects.get(name="Ben Okafor")
    assert ben.role == "technician" and ben.funding == "secondary_care" and ben.organisation == trust
    assert ben.history.first().history_user == pm_user


def test_staff_import_page(client_for, pm_user):
    OrganisationFactory(ods_code="RR8")
    client = client_for(pm_user)
    upload = SimpleUploadedFile(
        "staff.csv", staff_csv(["Cara Doyle", "Pharmacist", "2077777", "RR8", "5", ""])
    )
    response = client.post("/staff/import/", {"file": upload})
    assert response.status_code == 200
    response = client.post("/staff/import/confirm/", {"token": token_in(response)})
    assert response.status_code == 302
    assert StaffMember.objects.filter(name="Cara Doyle").exists()


@pytest.mark.parametrize("url", ["/care-homes/import/", "/staff/import/"])
def test_upload_pages_render(client_for, pm_user, url):
    response = client_for(pm_user).get(url)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_every_cqc_import_run_is_recorded_for_the_imports_page(register, pm_user):
    from organisations.models import ImportRun

    cqc.cqc_import_apply(by=pm_user, data=directory_file(), filename="01_November_2026_CQC_directory.csv")
    assert not ImportRun.objects.exists(), "a file sent back to correct or skip its bad rows is not a run"
    cqc.cqc_import_apply(
        by=pm_user,
        data=directory_file(),
        filename="01_November_2026_CQC_directory.csv",
        skip_bad_rows=True,
        confirm_many_missing=True,
    )
    with pytest.raises(readers.ImportFileError):
        cqc.cqc_import_apply(by=None, data=b"not,a,cqc,file\n", filename="wrong.csv")

    applied, broken = ImportRun.objects.order_by("pk")
    assert (applied.source, applied.via, applied.outcome, applied.by) == ("cqc", "upload", "applied", pm_user)
    assert (applied.created, applied.updated, applied.skipped, applied.errors) == (1, 1, 2, 2)
    assert applied.closed == 2, "homes missing from the file are flagged"
    assert applied.rows == 6
    assert applied.file_name == "01_November_2026_CQC_directory.csv"
    assert len(applied.file_hash) == 64
    assert (broken.via, broken.outcome) == ("command", "failed")
    assert "does not look like a CQC care-home file" in broken.messages[0]
