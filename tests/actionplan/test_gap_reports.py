"""The weekly gap report: figures, one per week, versions, changes, email, backfill, documents."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from actionplan.gap_report_selectors import compute_report_data, latest_headlines
from actionplan.gap_report_services import gap_report_backfill, gap_report_generate
from actionplan.models import GapReport
from actionplan.report_documents import report_docx, report_pdf
from actionplan.report_terms import parse_week, previous_week, week_of, week_title
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    SupportRequestFactory,
    VisitFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
# Monday 30 November 2026, 07:00 London: the week just ended is 2026-W48 (23–29 November).
MONDAY = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=datetime.UTC)
WEEK = "2026-W48"
SUNDAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def city():
    """Four care homes: two covered and visited in the week, one never visited with no lead,
    one in an outbreak that began after its last visit; a PCN with homes and no hours."""
    trust = OrganisationFactory(name="Leeds Teaching Hospitals", sector="secondary")
    pcn = PcnFactory(name="Chapeltown PCN", committed_hours=Decimal("0"))
    lead = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    covered = []
    for n in range(2):
        home = CareHomeFactory(name=f"Covered {n}", pcn=pcn)
        AssignmentFactory(
            care_home=home,
            staff=lead,
            hours_per_week=Decimal("3"),
            starts_on=SUNDAY - datetime.timedelta(days=90),
        )
        VisitFactory(
            care_home=home, staff=lead, visited_on=SUNDAY - datetime.timedelta(days=2), residents_reviewed=4
        )
        covered.append(home)
    orphan = CareHomeFactory(name="Orphan House", pcn=pcn)
    outbreak = CareHomeFactory(
        name="Outbreak Lodge",
        outbreak_status="confirmed",
        outbreak_started_on=SUNDAY - datetime.timedelta(days=3),
    )
    AssignmentFactory(
        care_home=outbreak,
        staff=lead,
        hours_per_week=Decimal("2"),
        starts_on=SUNDAY - datetime.timedelta(days=90),
    )
    VisitFactory(
        care_home=outbreak, staff=lead, visited_on=SUNDAY - datetime.timedelta(days=10), activity_smr=False
    )
    SupportRequestFactory()
    ActionFactory(rag="red")
    ActionFactory(rag="green")
    ActionFactory(rag="green", is_open=False, closed_on=SUNDAY)
    return {"covered": covered, "orphan": orphan, "outbreak": outbreak, "pcn": pcn, "trust": trust}


def test_week_helpers():
    assert week_of(datetime.date(2026, 11, 23)) == "2026-W48"
    assert week_of(datetime.date(2027, 1, 1)) == "2026-W53"
    assert previous_week(datetime.date(2026, 11, 30)) == "2026-W48"
    assert parse_week("2026-W48") == (datetime.date(2026, 11, 23), SUNDAY)
    with pytest.raises(ValidationError):
        parse_week("2025-W53")  # 2025 has 52 weeks
    with pytest.raises(ValidationError):
        parse_week("48")


def test_report_freezes_headline_figures(city):
    data = compute_report_data(WEEK)
    h = data["headlines"]
    assert h["care_homes"] == 4
    assert h["pct_with_lead"] == 75.0  # the orphan has no lead
    assert h["pct_visited_28d"] == 75.0
    assert h["in_outbreak"] == 1
    assert h["outbreak_not_visited"] == 1
    assert h["smrs_in_week"] == 2
    assert h["residents_reviewed_in_week"] == 8
    assert h["interventions_in_week"] == 2
    assert h["open_requests"] == 1
    assert h["pcns_no_hours"] == 1
    assert h["rag"] == {"red": 1, "amber": 0, "green": 1}
    assert data["as_of"] == SUNDAY.isoformat()
    assert data["backfilled"] is False
    rules = sorted(g["rule"] for g in data["gaps"])
    assert rules == ["no_lead", "no_recent_visit", "outbreak_not_visited", "pcn_no_hours"]
    assert all(g["reason"] for g in data["gaps"])
    trust_row = next(o for o in data["hours"]["by_organisation"] if o["name"] == "Leeds Teaching Hospitals")
    assert trust_row["available"] == 10 and trust_row["assigned"] == 8
    sector = next(s for s in data["hours"]["by_sector"] if s["sector"] == "secondary")
    assert sector["name"] == "Secondary care" and sector["assigned"] == 8


def test_a_report_keeps_its_headlines_and_gap_keys_beside_its_data(city):
    report = gap_report_generate(week=WEEK)
    backfilled = gap_report_backfill(weeks=2)[0]
    report.refresh_from_db()
    assert report.headlines == report.data["headlines"] and report.headlines["care_homes"] == 4
    assert report.backfilled is False and backfilled.backfilled is True
    assert report.gap_keys == sorted(
        f"{g['rule']}:{g.get('care_home_id') or ''}:{g.get('pcn_id') or ''}" for g in report.data["gaps"]
    )
    assert len(report.gap_keys) == 4


def test_one_report_per_week_however_often_asked(city):
    first = gap_report_generate(week=WEEK)
    again = gap_report_generate(week=WEEK)
    assert again.pk == first.pk
    assert GapReport.objects.filter(week=WEEK).count() == 1


def test_regenerating_keeps_the_earlier_version(city, pm_user):
    first = gap_report_generate(week=WEEK)
    second = gap_report_generate(week=WEEK, by=pm_user, regenerate=True)
    first.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    assert second.generated_by == pm_user


def test_a_retried_regeneration_makes_no_further_version(city):
    requested_at = datetime.datetime(2026, 11, 30, 6, 0, tzinfo=datetime.UTC)
    gap_report_generate(week=WEEK)  # made at 07:00, after the request: it answers it
    report = gap_report_generate(week=WEEK, regenerate=True, requested_at=requested_at)
    assert report.version == 1
    assert GapReport.objects.filter(week=WEEK).count() == 1


def test_only_the_project_manager_may_make_a_report(city):
    with pytest.raises(PermissionDenied):
        gap_report_generate(week=WEEK, by=user_with_role(SLT))
    with pytest.raises(PermissionDenied):
        gap_report_generate(week=WEEK, by=user_with_role(PHARMACY_PROFESSIONAL))
    assert gap_report_generate(week=WEEK, by=user_with_role(PROJECT_MANAGER)).week == WEEK


def test_changes_since_the_week_before(city):
    gap_report_generate(week="2026-W47", as_of=SUNDAY - datetime.timedelta(days=7))
    # This week the orphan gets a lead and the outbreak home's gap stays.
    AssignmentFactory(care_home=city["orphan"], starts_on=SUNDAY - datetime.timedelta(days=1))
    report = gap_report_generate(week=WEEK)
    changes = report.data["changes"]
    assert changes["previous_week"] == "2026-W47"
    closed = {(c["rule"], c["care_home"]) for c in changes["closed"]}
    assert ("no_lead", "Orphan House") in closed
    opened = {(c["rule"], c["care_home"]) for c in changes["opened"]}
    assert ("outbreak_not_visited", "Outbreak Lodge") in opened  # it began on W48's Thursday


def test_new_report_is_emailed_to_slt_with_the_pdf(
    city, django_capture_on_commit_callbacks, celery_in_process
):
    slt = user_with_role(SLT)
    user_with_role(PROJECT_MANAGER)  # not emailed
    with django_capture_on_commit_callbacks(execute=True):
        gap_report_generate(week=WEEK)
    (message,) = mail.outbox
    assert message.bcc == [slt.email]
    assert message.subject == f"Weekly gap report: {week_title(WEEK)}"
    name, content, mimetype = message.attachments[0]
    assert name == f"gap-report-{WEEK}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        gap_report_generate(week=WEEK)  # already made: no second email
    assert len(mail.outbox) == 1


def test_backfill_makes_a_labelled_year_of_history(city):
    made = gap_report_backfill(weeks=14)
    assert len(made) == 14
    weeks = list(GapReport.objects.order_by("week").values_list("week", flat=True))
    assert weeks[0] == "2026-W35" and weeks[-1] == WEEK
    assert all(r.data["backfilled"] for r in made)
    assert len(made[-1].data["trend"]) == 12
    assert gap_report_backfill(weeks=14) == []  # safe to run again
    assert latest_headlines()["care_homes"] == 4


def test_latest_headlines_without_reports():
    assert latest_headlines() is None


def _pdf_text(content):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_holds_the_figures_and_reasons(city):
    report = gap_report_generate(week=WEEK)
    text = _pdf_text(report_pdf(report))
    assert "Weekly gap report" in text and f"{week_title(WEEK)}" in text
    assert "% with a named lead" in text and "75" in text
    assert "Orphan House has no named lead" in text
    assert "Leeds Teaching Hospitals" in text
    assert "Secondary care" in text


def test_word_document_holds_the_figures_and_reasons(city):
    from docx import Document

    report = gap_report_generate(week=WEEK)
    document = Document(io.BytesIO(report_docx(report)))
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Care homes", "4"] in rows
    assert ["% with a named lead", "75"] in rows
    assert ["Red", "1"] in rows
    assert any("Orphan House has no named lead" in p for p in paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Leeds Teaching Hospitals" in cells
    assert len(document.inline_shapes) == 3  # the same three charts as the page


def test_generate_gap_report_command(city, capsys):
    call_command("generate_gap_report", "--week", WEEK)
    call_command("generate_gap_report", "--week", WEEK)
    call_command("generate_gap_report")  # the week just ended: W48 again
    assert GapReport.objects.count() == 1
    call_command("generate_gap_report", "--week", WEEK, "--regenerate")
    assert GapReport.objects.filter(week=WEEK, is_current=True).get().version == 2
    assert "version 2" in capsys.readouterr().out


def test_week_activity_is_the_same_from_the_day_totals_as_from_one_homes_visits(frozen_today):
    """Every home's week reads the kept visit day totals, some homes' their visits: both count an
    SMR only where there was one, cover visits, residents and every kind of intervention."""
    from actionplan.gap_report_selectors import headline_figures
    from carehomes.models import CareHome
    from tests.factories import CareHomeFactory, VisitFactory

    home = CareHomeFactory()
    VisitFactory(care_home=home, visited_on=frozen_today, residents_reviewed=3, interventions_started=2)
    VisitFactory(
        care_home=home, visited_on=frozen_today, activity_smr=False, activity_other=True, is_cover=True
    )
    VisitFactory(care_home=home, visited_on=frozen_today - datetime.timedelta(days=7))  # the week before

    for homes in (None, CareHome.objects.filter(pk=home.pk)):
        h = headline_figures(homes=homes, as_of=frozen_today)
        assert (h["smrs_in_week"], h["cover_visits_in_week"]) == (1, 1)
        assert (h["residents_reviewed_in_week"], h["interventions_in_week"]) == (8, 4)
