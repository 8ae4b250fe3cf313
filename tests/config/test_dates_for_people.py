"""Dates are written "3 December 2026" everywhere a person reads them: pages, service messages,
documents (with a "Generated on …" footer on every page) and e-mails. One formatter
(`config.presenters.uk_date`, `uk_datetime`, `generated_on`) writes them all."""

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from docx import Document
from pypdf import PdfReader

from organisations.access import PROJECT_MANAGER, SLT
from tests.factories import (
    AssignmentFactory,
    MeetingFactory,
    OrganisationFactory,
    SectionFactory,
    user_with_role,
)

ROOT = Path(settings.BASE_DIR)
HUB_APPS = [
    "accounts",
    "actionplan",
    "api",
    "carehomes",
    "config",
    "dashboard",
    "discharge",
    "organisations",
    "workstreams",
]

# A date written for people: "3 December 2026" (no leading zero, the month in full).
PEOPLE_DATE = (
    r"[1-9]\d? (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
)
# What must never reach a person: 2026-12-03, 03/12/2026, 03 December 2026, 3 Dec 2026.
MACHINE_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b0\d (January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b|\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{4}\b"
)

# Dates written by hand in Python: an f-string format ({x:%-d %B %Y}), strftime() or isoformat().
HAND_WRITTEN = re.compile(r"\{[^{}\n]*:%[^{}\n]*\}|\.strftime\(|\.isoformat\(\)")
# Machine uses, where a person does not read the date: {file: reason}, each matched by its text.
MACHINE_USES = {
    ("config/dates.py", "value.strftime(fmt)"): "the one formatter itself",
    ("config/dates.py", "{monday:%-d"): "the one formatter of ISO weeks",
    ("config/dates.py", "{sunday:%-d"): "the one formatter of ISO weeks",
    (
        "actionplan/exports.py",
        "held_on.isoformat()",
    ): "a date cell of the CSV export, which spreadsheets read as a date",
    ("actionplan/paper_rows.py", "held_on.isoformat()}.{fmt}"): "a file name",
    ("actionplan/subject_access.py", "timezone.now().isoformat()"): "a JSON export field",
    ("actionplan/report_views.py", "requested_at.isoformat()"): "JSON for the page's script",
    ("actionplan/gap_report_selectors.py", "monday.isoformat()"): "the report's frozen data",
    ("actionplan/gap_report_selectors.py", "sunday.isoformat()"): "the report's frozen data",
    ("actionplan/gap_report_selectors.py", "as_of.isoformat()"): "the report's frozen data",
    ("api/paging.py", "value.isoformat()"): "the API's paging cursor",
    ("carehomes/visits/exports.py", "{timezone.localdate():%Y-%m-%d}"): "a file name",
    ("carehomes/visits/exports.py", "v.isoformat()"): "a date cell of the CSV export",
    ("carehomes/visits/selectors.py", "visited_on.isoformat()"): "a keyset paging cursor",
    ("config/freshness.py", "localdate().isoformat()"): "a cache key",
    ("dashboard/needs.py", "since.isoformat()"): "a query string the visit list parses",
    ("organisations/ods_fetch.py", "since.isoformat()"): "a parameter of the ODS API",
    ("organisations/tasks.py", "since.isoformat()"): "a task's result",
    ("discharge/report.py", "{first:%B %Y}"): "a month (no day), as a title",
    (
        "organisations/ods_workbook.py",
        'value.strftime("%Y%m%d")',
    ): "a workbook cell as the ODS CSV report writes it",
}


def test_no_date_is_written_by_hand_outside_the_one_formatter():
    found = []
    for app in HUB_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for match in HAND_WRITTEN.finditer(line):
                    if not any(f == relative and text in line for (f, text) in MACHINE_USES):
                        found.append(f"{relative}:{number}: {match.group(0)}")
    assert not found, (
        "Write dates for people with config.presenters.uk_date / uk_datetime (or list a machine use "
        "in MACHINE_USES with its reason):\n  " + "\n  ".join(found)
    )


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_footer(content):
    return "\n".join(s.footer.paragraphs[0].text for s in Document(io.BytesIO(content)).sections)


# Monday 30 November 2026, 9:50 in London (GMT).
NOW = datetime.datetime(2026, 11, 30, 9, 50, tzinfo=datetime.UTC)
GENERATED = "Generated on 30 November 2026 at 9:50am"


@pytest.fixture
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
def test_the_weekly_report_says_when_it_was_made_in_words(monday_morning):
    from actionplan.gap_report_services import gap_report_generate
    from actionplan.report_documents import report_docx, report_pdf
    from actionplan.report_presenters import intro_lines

    report = gap_report_generate(week="2026-W48", notify=False)
    assert intro_lines(report)[0] == f"Figures as of 29 November 2026. {GENERATED}."
    pdf = _pdf_text(report_pdf(report))
    pages = len(PdfReader(io.BytesIO(report_pdf(report))).pages)
    assert len(re.findall(rf"{GENERATED} · Page \d", pdf)) == pages  # a footer on every page
    assert not MACHINE_DATE.search(pdf), MACHINE_DATE.search(pdf)
    assert _docx_footer(report_docx(report)) == GENERATED


@pytest.mark.django_db
def test_the_weekly_report_email_names_the_week_in_dates(
    monday_morning, django_capture_on_commit_callbacks, celery_in_process
):
    from django.core import mail

    from actionplan.gap_report_services import gap_report_generate

    user_with_role(SLT)
    with django_capture_on_commit_callbacks(execute=True):
        gap_report_generate(week="2026-W48")
    (message,) = mail.outbox
    assert message.subject == "Weekly gap report: 23 to 29 November 2026 (week 48)"
    assert not MACHINE_DATE.search(message.subject + message.body)


@pytest.mark.django_db
def test_action_plan_papers_and_discharge_reports_carry_the_generated_footer(monday_morning):
    from actionplan import exports, selectors
    from discharge.report import report_docx, report_pdf

    meeting = MeetingFactory(held_on=datetime.date(2026, 12, 3))
    paper = selectors.export_paper(section=SectionFactory(), meeting=meeting, today=NOW.date())
    pdf = _pdf_text(exports.to_pdf(paper))
    assert GENERATED in pdf and "3 December 2026" in pdf
    assert not MACHINE_DATE.search(pdf), MACHINE_DATE.search(pdf)
    assert _docx_footer(exports.to_docx(paper)) == GENERATED

    trust = OrganisationFactory(name="Leeds Teaching Hospitals")
    assert GENERATED in _pdf_text(report_pdf(trust=trust, month="2026-11"))
    assert _docx_footer(report_docx(trust=trust, month="2026-11")) == GENERATED


@pytest.mark.django_db
def test_service_messages_write_dates_in_words(client_for):
    from actionplan.services import meeting_create
    from carehomes.services import assignment_end

    pm = user_with_role(PROJECT_MANAGER)
    ended = AssignmentFactory(starts_on=datetime.date(2026, 1, 5), ends_on=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        assignment_end(by=pm, assignment=ended, ends_on=datetime.date(2026, 4, 1))
    assert "already ended on 1 March 2026" in " ".join(refused.value.messages)

    MeetingFactory(held_on=datetime.date(2026, 12, 3))
    with pytest.raises(ValidationError) as refused:
        meeting_create(by=pm, held_on=datetime.date(2026, 12, 3), title="Board")
    assert "A meeting on 3 December 2026 is already recorded." in refused.value.messages

    # A success banner built in Python, as the person reads it after the redirect
    start = AssignmentFactory(starts_on=datetime.date(2026, 1, 5))
    response = client_for(pm).post(
        f"/assignments/{start.pk}/end/",
        {"ends_on[day]": "3", "ends_on[month]": "12", "ends_on[year]": "2099"},
        follow=True,
    )
    text = response.content.decode()
    assert re.search(rf"ends on {PEOPLE_DATE}\.", text) and "ends on 3 December 2099." in text
    shown = re.sub(r"<[^>]+>", " ", text)
    assert not MACHINE_DATE.search(shown), shown[MACHINE_DATE.search(shown).start() - 300 :][:400]
