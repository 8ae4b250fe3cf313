"""import_ods over NHS Digital's ePCN.xlsx workbook: a verbatim excerpt (verbatim/README.md says
where from) with a Leeds practice that moved PCN, Chapeltown Family Surgery (B86108)."""

import csv
import dataclasses
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from organisations import ods_files, ods_reports
from organisations.models import ImportRun, Organisation
from tests.factories import OrganisationFactory, PcnFactory, PracticeFactory

pytestmark = pytest.mark.django_db

VERBATIM = Path(__file__).parent / "ods_files" / "verbatim"
EXCERPT = VERBATIM / "ePCN-excerpt.xlsx"
CHAPELTOWN = "U78708"
BURMANTOFTS = "U31228"  # Burmantofts, Harehills & Richmond Hill PCN


def run_command(*paths):
    out = io.StringIO()
    call_command("import_ods", *(str(p) for p in paths), stdout=out)
    return out.getvalue()


def a_month(workbook=EXCERPT):
    """The Leeds sub-ICB location, the practices (epraccur, verbatim too) and the workbook."""
    return run_command(VERBATIM / "eccg.csv", VERBATIM / "epraccur-leeds-2025.csv", workbook)


def org(code):
    return Organisation.objects.get(ods_code=code)


def sheet_rows(sheet):
    book = openpyxl.load_workbook(EXCERPT)
    return [["" if v is None else str(v) for v in row] for row in book[sheet].iter_rows(values_only=True)]


def as_csv(rows):
    """Header-less, every field quoted: the CSV reports' layout."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def changed(tmp_path, edit):
    book = openpyxl.load_workbook(EXCERPT)
    edit(book)
    path = tmp_path / "ePCN.xlsx"
    book.save(path)
    return path


def test_the_workbook_gives_the_same_rows_as_the_equivalent_csv_reports():
    pcns, memberships = ods_reports.read_reports(EXCERPT.read_bytes(), "ePCN.xlsx")
    from_csv = {
        ods_files.PCNS: ods_files.read_report(as_csv(sheet_rows("PCNDetails")[1:]), "epcn.csv"),
        ods_files.MEMBERSHIPS: ods_files.read_report(
            as_csv([row[:10] + ["TRUE"] for row in sheet_rows("PCN Core Partner Details")[1:]]),
            "epcncorepartnerdetails.csv",
        ),
    }

    assert (pcns.kind, memberships.kind) == (ods_files.PCNS, ods_files.MEMBERSHIPS)
    assert (pcns.lines, memberships.lines) == (3, 9)
    assert pcns.problems == memberships.problems == []
    for report in (pcns, memberships):
        # Only the line numbers differ: the workbook's rows start under its header.
        assert [dataclasses.replace(r, line=0) for r in report.rows] == [
            dataclasses.replace(r, line=0) for r in from_csv[report.kind].rows
        ]
    moved = [r for r in memberships.rows if r.practice_code == "B86108"]
    assert [(r.pcn_code, str(r.ends_on)) for r in moved] == [
        (CHAPELTOWN, "2021-09-30"),
        (BURMANTOFTS, "None"),
    ]


def test_importing_the_workbook_matches_importing_the_equivalent_csv_reports(tmp_path):
    (tmp_path / "epcn.csv").write_bytes(as_csv(sheet_rows("PCNDetails")[1:]))
    (tmp_path / "epcncorepartnerdetails.csv").write_bytes(
        as_csv([row[:10] + ["TRUE"] for row in sheet_rows("PCN Core Partner Details")[1:]])
    )

    def state():
        return sorted(
            Organisation.objects.values_list(
                "ods_code", "name", "kind", "parent__ods_code", "postcode", "opened_on", "is_active"
            )
        )

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        run_command(
            VERBATIM / "eccg.csv",
            VERBATIM / "epraccur-leeds-2025.csv",
            tmp_path / "epcn.csv",
            tmp_path / "epcncorepartnerdetails.csv",
        )
        from_csv = state()
        raise Undo
    assert not Organisation.objects.exists()

    a_month()

    assert state() == from_csv
    assert org("B86108").parent == org(BURMANTOFTS)


def test_the_excerpt_creates_its_pcns_and_current_memberships():
    out = a_month()

    assert "ePCN-excerpt.xlsx (PCNDetails): Primary care networks (epcn), 3 rows" in out
    chapeltown, burmantofts = org(CHAPELTOWN), org(BURMANTOFTS)
    assert chapeltown.kind == Organisation.Kind.PCN
    assert chapeltown.name == "Chapeltown PCN"
    assert chapeltown.parent == org("15F")
    assert chapeltown.postcode == "LS7 4LF"
    assert burmantofts.name == "Burmantofts, Harehills & Richmond Hill PCN"
    assert org("U82712").name == "Central North Leeds PCN"  # in PCNDetails; its one practice left
    assert org("B86039").parent == chapeltown  # Allerton Medical Centre
    assert org("B86049").parent == chapeltown  # Woodhouse Medical Practice
    assert org("B86061").parent == burmantofts  # Harehills Corner Surgery
    # East Park Medical Centre left and re-joined the same PCN: one PCN, its current membership.
    assert org("B86043").parent == burmantofts
    # Chapeltown Family Surgery left Chapeltown PCN on 30 September 2021 for Burmantofts: its
    # current PCN is the one it joined, and the past membership is not a second PCN.
    assert org("B86108").parent == burmantofts
    assert Organisation.objects.filter(kind=Organisation.Kind.PCN).count() == 3
    # Westfield Medical Centre closed in 2021 (its membership ended then): never created.
    assert not Organisation.objects.filter(ods_code="B86031").exists()


def test_a_practice_the_hub_held_in_its_old_pcn_moves_and_keeps_the_old_pcn_in_its_history():
    commissioner = OrganisationFactory(ods_code="15F", name="Leeds", kind=Organisation.Kind.COMMISSIONER)
    chapeltown = PcnFactory(ods_code=CHAPELTOWN, name="Chapeltown PCN", parent=commissioner)
    practice = PracticeFactory(ods_code="B86108", name="Chapeltown Family Surgery", parent=chapeltown)

    out = a_month()

    practice.refresh_from_db()
    assert practice.parent == org(BURMANTOFTS)
    assert [h.parent_id for h in practice.history.order_by("history_date")][-2:] == [
        chapeltown.pk,
        org(BURMANTOFTS).pk,
    ]
    assert practice.history.first().history_change_reason == "ODS import: PCN membership"
    assert (
        "PCN change: Chapeltown Family Surgery (B86108) from Chapeltown PCN to "
        "Burmantofts, Harehills & Richmond Hill PCN"
    ) in out
    assert org(CHAPELTOWN).pk == chapeltown.pk  # the old PCN is kept, still open


def test_a_second_run_of_the_workbook_changes_nothing():
    a_month()
    first = ImportRun.objects.latest("pk")
    history = sum(o.history.count() for o in Organisation.objects.all())

    out = a_month()

    second = ImportRun.objects.latest("pk")
    assert first.created == 12
    assert (second.created, second.updated, second.closed) == (0, 0, 0)
    assert sum(o.history.count() for o in Organisation.objects.all()) == history
    assert "PCN change" not in out


def test_a_changed_header_is_refused_and_nothing_is_imported(tmp_path):
    def renamed(book):
        book["PCN Core Partner Details"]["J1"] = "Practice to PCN\nRelationship\nLeft Date"

    with pytest.raises(CommandError) as error:
        a_month(changed(tmp_path, renamed))

    assert str(error.value) == (
        "ePCN.xlsx: the sheet “PCN Core Partner Details” has “Practice to PCN Relationship Left Date” "
        "as column 10, where the published Practice–PCN membership (epcncorepartnerdetails) sheet has "
        "“Practice to PCN Relationship End Date”. Its layout has changed, so nothing was imported: "
        "check the published layout before importing it."
    )
    assert not Organisation.objects.exists(), "not even the CSV reports beside it are imported"
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.FAILED


def test_the_older_ccg_headed_workbook_is_refused_by_name_of_the_column(tmp_path):
    def ccg_era(book):
        book["PCNDetails"]["C1"] = "Current Clinical \nCommissioning \nGroup Code"

    with pytest.raises(CommandError, match="“Current Clinical Commissioning Group Code” as column 3"):
        a_month(changed(tmp_path, ccg_era))


def test_a_row_wider_than_the_header_is_refused(tmp_path):
    def wider(book):
        book["PCNDetails"]["M3"] = "extra"

    with pytest.raises(CommandError, match="row 3 of the sheet “PCNDetails” has 13 columns"):
        a_month(changed(tmp_path, wider))
    assert not Organisation.objects.exists()


def test_a_workbook_without_the_partner_sheet_is_refused(tmp_path):
    def without(book):
        del book["PCN Core Partner Details"]

    with pytest.raises(CommandError, match="no sheet of that name"):
        a_month(changed(tmp_path, without))


def test_the_published_epcn_zip_with_its_specification_beside_the_workbook_is_read(tmp_path):
    path = tmp_path / "ePCN.zip"
    with zipfile.ZipFile(path, "w") as archive:  # as NHS Digital publishes it: workbook and PDF
        archive.writestr("ePCN.xlsx", EXCERPT.read_bytes())
        archive.writestr("ePCN.xlsx Specification.pdf", b"%PDF-1.4 not read")

    out = run_command(VERBATIM / "eccg.csv", VERBATIM / "epraccur-leeds-2025.csv", path)

    assert (
        "ePCN.xlsx (PCN Core Partner Details): Practice–PCN membership (epcncorepartnerdetails), 9 rows"
        in out
    )
    assert org("B86108").parent == org(BURMANTOFTS)
