"""Text that breaks documents (issue 13 §2): control characters already stored — typed before the
validator refused them, or written by the admin or a script — never break an export or report.

Every exported file (visits CSV and Excel, the action-plan paper as Word, PDF, Excel and CSV, the
weekly gap report as PDF and Word) is made from a city whose every text holds every C0 control
character and the XML non-characters, then opened and read back with the library a reader's
software uses.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import previous_week
from config.exports import xml_safe
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AssignmentFactory,
    CareHomeFactory,
    MeetingFactory,
    OrganisationFactory,
    SectionFactory,
    StaffMemberFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

# NUL is left out: PostgreSQL cannot store it at all (SQLite can; test_xml_safe covers it).
BAD = "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) + "\ufffe\uffff"


def hostile(word):
    return f"{word}{BAD}Marker"


@pytest.fixture
def city(pm_user):
    """Every stored text holds every character XML cannot (saved directly, as legacy data would be)."""
    trust = OrganisationFactory(name=hostile("Trust"))
    staff = StaffMemberFactory(name=hostile("Staff"), organisation=trust)
    home = CareHomeFactory(name=hostile("Home"), address=hostile("Address"))
    AssignmentFactory(care_home=home, staff=staff)
    VisitFactory(
        care_home=home,
        staff=staff,
        notes=hostile("Notes"),
        escalation_summary=hostile("Escalated"),
        issues_escalated=1,
        visited_on=datetime.date.today() - datetime.timedelta(days=1),  # noqa: DTZ011
    )
    section = SectionFactory(name=hostile("Section"))
    meeting = MeetingFactory(held_on=datetime.date.today(), title=hostile("Meeting"))  # noqa: DTZ011
    action = ActionFactory(section=section, number=1, description=hostile("Action"), owner=staff)
    ActionUpdateFactory(action=action, written_on=datetime.date.today(), text=hostile("Update"))  # noqa: DTZ011
    CareHomeFactory(name=hostile("Gap home"))  # no lead: a gap in the report, by name
    week = previous_week()
    gap_report_generate(week=week, notify=False)
    return {"section": section, "meeting": meeting, "week": week}


def test_xml_safe_keeps_tab_and_line_breaks():
    assert xml_safe(f"a\tb\nc\r\x00{BAD}d") == "a\tb\nc\rd"


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_text(content):
    workbook = load_workbook(io.BytesIO(content))
    return " ".join(
        str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c
    )


def _docx_text(content):
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _csv_text(content):
    return " ".join(" ".join(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))))


READERS = {"xlsx": _xlsx_text, "docx": _docx_text, "pdf": _pdf_text, "csv": _csv_text}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_visit_exports_open_and_read_back(client, pm_user, city, fmt):
    client.force_login(pm_user)
    text = READERS[fmt](_get(client, reverse("carehomes:visit_export", kwargs={"extension": fmt})))
    assert "NotesMarker" in text


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "csv"])
def test_action_plan_paper_opens_and_reads_back(client, pm_user, city, fmt):
    client.force_login(pm_user)
    query = f"?format={fmt}&section={city['section'].pk}&meeting={city['meeting'].pk}"
    text = READERS[fmt](_get(client, reverse("actionplan:export") + query))
    assert "Marker" in text
    if fmt in ("docx", "xlsx"):
        assert "ActionMarker" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_weekly_gap_report_opens_and_reads_back(client, pm_user, city, fmt):
    client.force_login(pm_user)
    text = READERS[fmt](_get(client, reverse(f"actionplan:report_{fmt}", kwargs={"week": city["week"]})))
    assert "Gap home" in text
    if fmt == "docx":
        assert "Gap homeMarker" in text
