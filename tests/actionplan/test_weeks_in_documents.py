"""Weeks are written for people in every document (issue 14): "23 to 29 November 2026 (week 48)",
never "2026-W48", in the weekly report's page, PDF, Word and Excel files and the action-plan paper."""

import datetime
import io
import re

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplan.gap_report_services import gap_report_backfill
from tests.factories import AssignmentFactory, CareHomeFactory, MeetingFactory, SectionFactory

pytestmark = pytest.mark.django_db

# Monday 30 November 2026: the week just ended is 2026-W48 (23 to 29 November).
MONDAY = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=datetime.UTC)
ISO_WEEK = re.compile(r"\b\d{4}-W\d{1,2}\b")
WEEK_48 = "23 to 29 November 2026 (week 48)"
WEEK_47 = "16 to 22 November 2026 (week 47)"


@pytest.fixture
def three_weeks_of_reports(db):
    with time_machine.travel(MONDAY, tick=False):
        AssignmentFactory(care_home=CareHomeFactory(), role="lead")
        gap_report_backfill(weeks=3)
        yield


def _pdf(content):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def _docx(content):
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_the_weekly_reports_trend_names_each_week_by_its_dates(
    client_for, pm_user, three_weeks_of_reports, fmt
):
    response = client_for(pm_user).get(f"/reports/2026-W48.{fmt}")
    assert response.status_code == 200
    text = READERS[fmt](response.content)
    assert WEEK_48 in text and WEEK_47 in text  # the trend's rows, not only the title
    assert not ISO_WEEK.findall(text)


def test_the_weekly_reports_page_names_each_week_by_its_dates(client_for, pm_user, three_weeks_of_reports):
    html = client_for(pm_user).get("/reports/2026-W48/").content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert f'<th scope="row" class="nhsuk-table__header">{WEEK_47}</th>' in html
    assert "Discharge follow-ups in 23 to 29 November 2026 (week 48)" in text
    assert not ISO_WEEK.findall(text)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "csv"])
def test_the_action_plan_paper_names_the_gap_reports_week_by_its_dates(
    client_for, pm_user, three_weeks_of_reports, fmt
):
    with time_machine.travel(MONDAY, tick=False):
        SectionFactory()
        MeetingFactory(held_on=datetime.date(2026, 12, 3))
        response = client_for(pm_user).get(f"/action-plan/export/?format={fmt}")
    assert response.status_code == 200
    text = response.content.decode() if fmt == "csv" else READERS[fmt](response.content)
    assert not ISO_WEEK.findall(text)
    if fmt != "csv":  # the CSV is the actions alone
        assert f"From the weekly gap report for {WEEK_48}." in text


def test_the_trend_charts_axis_reads_as_dates():
    from matplotlib.figure import Figure

    from actionplan.charts import _draw_trend, trend_table

    table = trend_table(
        [{"week": "2026-W47", "pct_with_lead": 50}, {"week": "2026-W48", "pct_with_lead": 60}]
    )
    ax = Figure().subplots()
    _draw_trend(ax, table)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["16 Nov 2026", "23 Nov 2026"]
    assert ax.get_xlabel() == "Week beginning"
    assert [row[0] for row in table["rows"]] == [WEEK_47, WEEK_48]
