"""Each export is opened and read back, as the Silver Command secretariat would open it."""

import csv
import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplan import exports, paper_rows, selectors
from actionplan.models import Rag
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    GapReportFactory,
    MeetingFactory,
    SectionFactory,
    StaffMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def paper(db):
    """The pharmacy section for the 26 November meeting (the one before was 19 November)."""
    section = SectionFactory()
    MeetingFactory(held_on=datetime.date(2026, 11, 19))
    meeting = MeetingFactory(held_on=datetime.date(2026, 11, 26))
    owner = StaffMemberFactory(name="Priya Shah")
    author = UserFactory(first_name="Sam", last_name="Jones")
    on_track = ActionFactory(
        section=section,
        number=1,
        description="Named pharmacist for every care home",
        owner=owner,
        owner_organisation=owner.organisation,
        rag=Rag.GREEN,
    )
    late = ActionFactory(
        section=section,
        number=2,
        description="End-of-life medicines stocked in all nursing homes",
        rag=Rag.RED,
        due_on=datetime.date(2026, 11, 10),
    )
    ActionFactory(
        section=section,
        number=3,
        description="Discharge follow-up within 72 hours",
        is_open=False,
        closed_on=datetime.date(2026, 11, 21),
    )
    ActionUpdateFactory(
        action=late, written_on=datetime.date(2026, 11, 18), text="Old news before the last meeting"
    )
    ActionUpdateFactory(
        action=late,
        written_on=datetime.date(2026, 11, 23),
        text="Supplier delay in Leeds North",
        rag=Rag.RED,
        author=author,
    )
    ActionUpdateFactory(
        action=on_track, written_on=datetime.date(2026, 11, 20), text="All homes now have a lead"
    )
    GapReportFactory(
        week="2026-W47", data={"headlines": {"care_homes": 152, "pct_with_lead": 96.1, "gaps": 9}}
    )
    return selectors.export_paper(section=section, meeting=meeting, today=TODAY)


def _docx(paper):
    return Document(io.BytesIO(exports.to_docx(paper)))


def _table_text(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_word_paper_holds_title_meeting_actions_updates_closed_overdue_and_headlines(paper):
    document = _docx(paper)
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [_table_text(t) for t in document.tables]

    assert "Pharmacy support: Silver Command care-home action plan" in text
    assert "26 November 2026" in text
    for heading in ("Actions", "Updates since the last meeting", "Closed since the last meeting", "Overdue"):
        assert heading in text
    assert "since the meeting on 19 November 2026" in text

    actions, updates, closed, overdue, headlines = tables
    assert [row[0] for row in actions[1:]] == ["PH-01", "PH-02", "PH-03"]
    assert actions[1][2:4] == ["Priya Shah", paper.actions[0].owner_organisation.name]
    assert [row[5] for row in actions[1:]] == ["Green", "Red", "Amber"]
    assert [row[4] for row in updates[1:]] == ["All homes now have a lead", "Supplier delay in Leeds North"]
    assert updates[2][2:4] == ["Sam Jones", "Red"]
    assert [row[0] for row in closed[1:]] == ["PH-03"]
    assert [row[0] for row in overdue[1:]] == ["PH-02"]
    assert overdue[1][5] == "14"
    assert ["Care homes", "152"] in headlines and ["Gaps", "9"] in headlines
    assert "Old news" not in text + str(tables)


def test_word_rag_cells_are_shaded_in_their_colour(paper):
    table = _docx(paper).tables[0]

    fills = []
    for row in table.rows[1:]:
        shading = row.cells[5]._tc.tcPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd"
        )
        fills.append(shading.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill"))
    assert fills == [paper_rows.RAG_HEX["green"], paper_rows.RAG_HEX["red"], paper_rows.RAG_HEX["amber"]]


def test_word_paper_says_when_there_is_no_gap_report(paper):
    paper.headlines = None

    text = "\n".join(p.text for p in _docx(paper).paragraphs)

    assert "No weekly gap report yet." in text


def test_pdf_paper_holds_the_same_content(paper):
    reader = PdfReader(io.BytesIO(exports.to_pdf(paper)))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())

    assert "Pharmacy support: Silver Command care-home action plan" in flat
    assert "26 November 2026" in flat
    for expected in ("PH-01", "PH-02", "PH-03", "Green", "Red", "Amber"):
        assert expected in flat
    assert "Updates since the last meeting" in flat
    assert "Supplier delay in Leeds North" in flat
    assert "Closed since the last meeting" in flat
    assert "Overdue" in flat
    assert "Care homes" in flat and "152" in flat


def test_excel_paper_holds_the_actions_with_rag_fills_and_the_other_parts(paper):
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(paper)))
    sheet = workbook["Actions"]

    assert sheet["A1"].value == "Pharmacy support: Silver Command care-home action plan"
    assert "26 November 2026" in sheet["A2"].value
    assert [sheet.cell(row=r, column=1).value for r in range(6, 9)] == ["PH-01", "PH-02", "PH-03"]
    assert [sheet.cell(row=r, column=6).value for r in range(6, 9)] == ["Green", "Red", "Amber"]
    assert sheet.cell(row=7, column=6).fill.fgColor.rgb.endswith(paper_rows.RAG_HEX["red"])
    updates = workbook["Updates since last meeting"]
    assert [updates.cell(row=r, column=5).value for r in (5, 6)] == [
        "All homes now have a lead",
        "Supplier delay in Leeds North",
    ]
    assert workbook["Closed since last meeting"]["A5"].value == "PH-03"
    assert workbook["Overdue"]["A5"].value == "PH-02"
    assert workbook["Gap report headlines"]["A5"].value == "Care homes"


def test_csv_paper_holds_the_actions_and_what_happened_since(paper):
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(paper).decode("utf-8-sig"))))

    assert [r["Ref"] for r in rows] == ["PH-01", "PH-02", "PH-03"]
    assert [r["RAG"] for r in rows] == ["Green", "Red", "Amber"]
    assert rows[1]["Overdue"] == "yes"
    assert rows[2]["Closed since last meeting"] == "yes"
    assert "Supplier delay in Leeds North" in rows[1]["Updates since last meeting"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_that_looks_like_a_formula_comes_out_inert(hostile):
    section = SectionFactory()
    meeting = MeetingFactory(held_on=datetime.date(2026, 11, 26))
    action = ActionFactory(section=section, number=1, description=hostile)
    ActionUpdateFactory(action=action, written_on=datetime.date(2026, 11, 25), text=hostile)
    paper = selectors.export_paper(section=section, meeting=meeting, today=TODAY)

    workbook = load_workbook(io.BytesIO(exports.to_xlsx(paper)))
    description = workbook["Actions"]["B6"]
    update = workbook["Updates since last meeting"]["E5"]
    rows = list(csv.reader(io.StringIO(exports.to_csv(paper).decode("utf-8-sig"))))

    for cell in (description, update):
        assert cell.data_type == "s"
        assert cell.value == "'" + hostile
    assert rows[1][3] == "'" + hostile
    assert all(not value.startswith(("=", "+", "-", "@")) for value in rows[1])
    # Word and PDF carry the text as it was typed: there is nothing there to run.
    assert hostile in [c.text for c in _docx(paper).tables[0].rows[1].cells]


def test_file_name_names_the_section_and_the_meeting(paper):
    assert paper_rows.file_name(paper, "docx") == "pharmacy-support-2026-11-26.docx"
