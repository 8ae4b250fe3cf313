"""The weekly report's headline figures say how each changed since last week, on the page and in
the PDF, Word and Excel files; every RAG label in those files (and in the action plan's meeting
papers) is drawn in colours with at least 4.5:1 contrast, read back from the files themselves."""

import io

import pytest
from django.urls import reverse

from actionplan import exports, selectors
from actionplan.gap_report_services import gap_report_generate
from actionplan.models import Rag
from tests.contrast import contrast, docx_label_colours, pdf_label_colours, xlsx_label_colours
from tests.factories import ActionFactory, CareHomeFactory, MeetingFactory, SectionFactory

pytestmark = pytest.mark.django_db
BEFORE, WEEK = "2026-W39", "2026-W40"
AA = 4.5


@pytest.fixture
def two_weeks(db):
    """Week 39 with 2 homes (no leads) and week 40 with 5, and an open action of each RAG."""
    CareHomeFactory.create_batch(2)
    gap_report_generate(week=BEFORE, notify=False)
    CareHomeFactory.create_batch(3)
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
        ActionFactory(rag=rag)
    return gap_report_generate(week=WEEK, notify=False)


def download(client, name, week=WEEK):
    response = client.get(reverse(f"actionplan:{name}", args=[week]))
    assert response.status_code == 200
    return response.content


def test_headline_figures_show_their_change_from_last_week_everywhere(client_for, slt_user, two_weeks):
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client = client_for(slt_user)
    page = client.get(reverse("actionplan:report_detail", args=[WEEK])).content.decode()
    assert "Change from last week" in page
    assert '<th scope="row" class="nhsuk-table__header">Care homes</th>' in page
    care_homes_row = page[page.index('">Care homes</th>') :].split("</tr>")[0]
    assert "up 3" in care_homes_row

    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download(client, "report_pdf"))).pages)
    assert "Change from last week" in pdf and "Care homes\n5\nup 3" in pdf

    word = Document(io.BytesIO(download(client, "report_docx")))
    rows = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert ["Figure", "Value", "Change from last week"] in rows
    assert ["Care homes", "5", "up 3"] in rows
    assert ["Gaps", "10", "up 6"] in rows  # 5 homes with no lead and never visited

    workbook = load_workbook(io.BytesIO(download(client, "report_xlsx")))
    cells = [[c.value for c in row] for row in workbook["Headline figures"].iter_rows()]
    assert ["Care homes", "5", "up 3"] in [r[:3] for r in cells]


def test_the_first_report_has_nothing_to_compare_with(client_for, slt_user, two_weeks):
    page = client_for(slt_user).get(reverse("actionplan:report_detail", args=[BEFORE])).content.decode()
    assert "Change from last week" not in page and "Change since" not in page


def test_a_gap_of_weeks_says_which_week_it_compares_with(client_for, slt_user, two_weeks):
    gap_report_generate(week="2026-W43", notify=False)
    page = client_for(slt_user).get(reverse("actionplan:report_detail", args=["2026-W43"])).content.decode()
    assert "Change since 28 September to 4 October 2026 (week 40)" in page


def assert_readable(labels, where):
    assert {word for word, _, _ in labels} == {"Red", "Amber", "Green"}, f"{where}: {labels}"
    for word, text, background in labels:
        ratio = contrast(text, background)
        assert ratio >= AA, f"{where}: {word} is {text} on {background}, {ratio:.2f}:1"


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("report_pdf", pdf_label_colours),
        ("report_docx", docx_label_colours),
        ("report_xlsx", xlsx_label_colours),
    ],
)
def test_weekly_report_rag_labels_have_4_5_to_1_contrast(client_for, slt_user, two_weeks, name, read):
    labels = read(download(client_for(slt_user), name))
    assert_readable(labels, name)
    assert any(background != (255, 255, 255) for _, _, background in labels)  # coloured, not plain


@pytest.mark.parametrize(
    ("writer", "read"),
    [
        (exports.to_pdf, pdf_label_colours),
        (exports.to_docx, docx_label_colours),
        (exports.to_xlsx, xlsx_label_colours),
    ],
)
def test_action_plan_paper_rag_labels_have_4_5_to_1_contrast(writer, read):
    section = SectionFactory()
    meeting = MeetingFactory()
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
        ActionFactory(section=section, rag=rag)
    paper = selectors.export_paper(section=section, meeting=meeting)
    assert_readable(read(writer(paper)), writer.__name__)


def test_the_contrast_check_can_fail():
    """White on NHS warm yellow (the amber fill) is about 1.7:1, black on NHS red about 4.1:1."""
    assert contrast((255, 255, 255), (0xFF, 0xB8, 0x1C)) < AA
    assert contrast((0, 0, 0), (0xD5, 0x28, 0x1B)) < AA
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
