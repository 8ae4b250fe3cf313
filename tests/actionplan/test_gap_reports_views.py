"""The report pages: list, one week (and earlier versions), PDF and Word downloads, the button."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from actionplan.models import GapReport
from actionplan.report_terms import previous_week
from config.celery import app
from tests.factories import CareHomeFactory

pytestmark = pytest.mark.django_db
WEEK = "2026-W40"


@pytest.fixture(autouse=True)
def in_process_celery():
    """Run queued tasks in-process, as the embedded default does (CI sets a broker)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def report(db):
    CareHomeFactory(name="Orphan House")
    return gap_report_generate(week=WEEK, notify=False)


def test_report_list_and_page_show_the_frozen_figures(client_for, slt_user, report):
    client = client_for(slt_user)
    listing = client.get(reverse("actionplan:report_list")).content.decode()
    assert WEEK in listing and reverse("actionplan:report_pdf", args=[WEEK]) in listing
    assert "Make a report now" not in listing  # the SLT read; the project manager makes

    page = client.get(reverse("actionplan:report_detail", args=[WEEK])).content.decode()
    assert "Orphan House has no named lead" in page
    assert "% with a named lead" in page
    assert len(re.findall(r'src="/charts/[0-9a-f]{40}\.png"', page)) == 3  # chart files, not inline
    assert f'href="{reverse("actionplan:report_docx", args=[WEEK])}"' in page


def test_missing_week_is_404(client_for, slt_user):
    assert client_for(slt_user).get(reverse("actionplan:report_detail", args=["2026-W01"])).status_code == 404


def test_pdf_and_word_downloads(client_for, slt_user, report):
    from docx import Document
    from pypdf import PdfReader

    client = client_for(slt_user)
    pdf = client.get(reverse("actionplan:report_pdf", args=[WEEK]))
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="gap-report-{WEEK}.pdf"' in pdf["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Orphan House has no named lead" in text

    docx = client.get(reverse("actionplan:report_docx", args=[WEEK]))
    assert ["Care homes", "1"] in [
        [c.text for c in row.cells] for t in Document(io.BytesIO(docx.content)).tables for row in t.rows
    ]


def test_earlier_versions_stay_readable(client_for, pm_user, report):
    gap_report_generate(week=WEEK, regenerate=True, notify=False)
    client = client_for(pm_user)
    current = client.get(reverse("actionplan:report_detail", args=[WEEK])).content.decode()
    assert "version 2" in current
    earlier = client.get(reverse("actionplan:report_detail", args=[WEEK]) + "?version=1").content.decode()
    assert "An earlier version" in earlier
    assert client.get(reverse("actionplan:report_pdf", args=[WEEK]) + "?version=1").status_code == 200


def test_project_manager_makes_a_report_from_the_button(
    client_for, pm_user, django_capture_on_commit_callbacks
):
    CareHomeFactory()
    client = client_for(pm_user)
    assert "Make a report now" in client.get(reverse("actionplan:report_list")).content.decode()

    def press(data):
        with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit
            return client.post(reverse("actionplan:report_generate"), data)

    assert press({"week": WEEK}).status_code == 302
    assert GapReport.objects.filter(week=WEEK).count() == 1

    again = press({"week": WEEK})  # asked again: still one, and the page says so
    assert again["Location"] == reverse("actionplan:report_detail", args=[WEEK])
    assert GapReport.objects.filter(week=WEEK).count() == 1
    press({"week": WEEK, "regenerate": "on"})
    assert list(
        GapReport.objects.filter(week=WEEK).order_by("version").values_list("version", flat=True)
    ) == [1, 2]

    press({})  # no week: the week just ended
    assert GapReport.objects.filter(week=previous_week(timezone.localdate())).exists()


def test_button_refuses_a_week_that_does_not_exist(client_for, pm_user):
    response = client_for(pm_user).post(reverse("actionplan:report_generate"), {"week": "2025-W53"})
    assert response.status_code == 400
    assert "is not a week of that year" in response.content.decode()
    assert not GapReport.objects.exists()


def test_only_the_project_manager_may_press_the_button(client_for, slt_user, pharmacist_user):
    assert client_for(slt_user).post(reverse("actionplan:report_generate"), {"week": WEEK}).status_code == 403
    assert client_for(pharmacist_user).get(reverse("actionplan:report_list")).status_code == 403
    assert not GapReport.objects.exists()


def test_what_changed_since_last_week_comes_first_on_the_page_and_in_word(client_for, slt_user, report):
    from docx import Document

    client = client_for(slt_user)
    page = client.get(reverse("actionplan:report_detail", args=[WEEK])).content.decode()
    assert page.index("What changed since last week") < page.index("Headline figures")
    assert "28 September to 4 October 2026 (week 40)" in page

    document = Document(io.BytesIO(client.get(reverse("actionplan:report_docx", args=[WEEK])).content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("What changed since last week") < headings.index("Headline figures")


def test_the_word_report_is_a4_like_the_pdf_and_its_charts_have_alt_text(client_for, slt_user, report):
    from docx import Document
    from docx.shared import Mm

    document = Document(
        io.BytesIO(client_for(slt_user).get(reverse("actionplan:report_docx", args=[WEEK])).content)
    )
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    assert document.inline_shapes
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr", "").startswith("Chart: ")
