"""The Discharges figures, the estimated impact with its arithmetic, and the per-trust report."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from discharge.figures import discharge_figures, estimated_impact
from discharge.states import State
from organisations.access import TRUST_DISCHARGE_TEAM
from tests.factories import DischargeFollowUpFactory, OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


def ago(days, hours=0):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def test_impact_is_the_published_arithmetic():
    impact = estimated_impact(completed=230, readmitted_after_completed=10)
    assert impact.avoided == 23.0 and impact.avoided_low == 10.0
    assert impact.bed_days == round(23 * 13.1 + 10 * 5.9, 1)
    assert impact.cost_standard == round((23 * 13.1 + 10 * 5.9) * 345)
    assert impact.cost_non_elective_low == round((10 * 13.1 + 10 * 5.9) * 901)


def test_figures_count_the_last_four_weeks():
    received = ago(20)
    DischargeFollowUpFactory(
        received_at=received,
        routed_at=received,
        acknowledged_at=received + datetime.timedelta(hours=2),
        stage1_at=received + datetime.timedelta(hours=20),
        state=State.CLOSED_COMPLETE,
        closed_at=received + datetime.timedelta(days=5),
        readmitted="no",
    )
    late = ago(10)
    DischargeFollowUpFactory(received_at=late, routed_at=late)  # never acknowledged: lost, stage 1 overdue
    DischargeFollowUpFactory(received_at=ago(40), routed_at=ago(40))  # outside the window
    f = discharge_figures()
    assert f["referrals"] == 2
    assert f["pct_acknowledged_1wd"] == 50 and f["pct_lost"] == 50
    assert f["pct_stage1_72h"] == 50
    assert f["completed"] == 1 and f["open_over_7_days"] == 2
    assert f["impact"].completed == 1


def test_dashboard_shows_the_discharges_section_with_sources(client_for, slt_user):
    DischargeFollowUpFactory()
    html = client_for(slt_user).get("/dashboard/").content.decode()
    assert "Discharges" in html and "Estimated impact" in html
    assert "NHS England North East and Yorkshire" in html and "£345" in html


@pytest.mark.usefixtures("frozen_today")  # mid-month: on the 1st, "yesterday" is last month's report
def test_monthly_report_hides_small_numbers_in_every_format(client_for):
    trust = OrganisationFactory(name="Leeds Teaching Hospitals", ods_code="RR8")
    for n in range(3):
        DischargeFollowUpFactory(trust=trust, reference=f"PO-{n}", received_at=ago(1), routed_at=ago(1))
    user = user_with_role(TRUST_DISCHARGE_TEAM, organisation=trust)
    month = timezone.localdate().strftime("%Y-%m")
    client = client_for(user)
    for ext in ("pdf", "docx", "xlsx"):
        response = client.get(f"/discharges/reports/{trust.pk}/{month}.{ext}")
        assert response.status_code == 200, ext
        assert "RR8" in response["Content-Disposition"]
    sheet = load_workbook(
        io.BytesIO(client.get(f"/discharges/reports/{trust.pk}/{month}.xlsx").content)
    ).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert values["Referrals received"] == "*"
    assert not any(str(v) in {"1", "2", "3", "4", "5", "6", "7"} for v in values.values())
    from docx import Document

    text = "\n".join(
        c.text
        for t in Document(
            io.BytesIO(client.get(f"/discharges/reports/{trust.pk}/{month}.docx").content)
        ).tables
        for r in t.rows
        for c in r.cells
    )
    assert "Referrals received\n*" in text


def test_another_trust_cannot_read_the_report(client_for):
    trust = OrganisationFactory()
    stranger = user_with_role(TRUST_DISCHARGE_TEAM)
    month = timezone.localdate().strftime("%Y-%m")
    assert client_for(stranger).get(f"/discharges/reports/{trust.pk}/{month}.pdf").status_code == 403


def test_weekly_gap_report_has_a_discharge_section(client_for, pm_user):
    from actionplan.gap_report_services import gap_report_generate
    from actionplan.report_terms import week_of

    DischargeFollowUpFactory()
    week = week_of(timezone.localdate())
    report = gap_report_generate(week=week)
    rows = dict(report.data["discharges"])
    assert rows["Referrals received"] == "1"
    html = client_for(pm_user).get(f"/reports/{week}/").content.decode()
    assert "Discharge follow-ups in" in html
    assert client_for(pm_user).get(f"/reports/{week}.pdf").status_code == 200
    assert client_for(pm_user).get(f"/reports/{week}.docx").status_code == 200


def test_discharges_into_outbreak_count_the_outbreak_on_the_discharge_date(
    time_machine, pm_user, client_for, slt_user
):
    """Not the home's status now: an outbreak that has ended still counts for discharges during it,
    and one that began after a discharge does not count it."""
    from carehomes.services import carehome_outbreak_update
    from tests.factories import CareHomeFactory

    start = timezone.now()
    today = timezone.localdate()

    def on(days_ago):
        return today - datetime.timedelta(days=days_ago)

    def at(days_ago):
        time_machine.move_to(start - datetime.timedelta(days=days_ago))

    ended, later, again = CareHomeFactory(), CareHomeFactory(), CareHomeFactory()
    at(20)
    for home in (ended, again):
        carehome_outbreak_update(by=pm_user, care_home=home, status="confirmed", started_on=on(25))
    at(10)
    for home in (ended, again):
        carehome_outbreak_update(by=pm_user, care_home=home, status="none")
    time_machine.move_to(start)
    carehome_outbreak_update(by=pm_user, care_home=later, status="suspected", started_on=on(3))
    carehome_outbreak_update(by=pm_user, care_home=again, status="confirmed", started_on=on(2))

    counted = [
        DischargeFollowUpFactory(care_home=ended, discharged_on=on(15)),  # during the ended outbreak
        DischargeFollowUpFactory(care_home=ended, discharged_on=on(10)),  # the day it was cleared
        DischargeFollowUpFactory(care_home=later, discharged_on=on(2)),  # during the current one
        DischargeFollowUpFactory(care_home=again, discharged_on=on(20)),  # its first outbreak
    ]
    not_counted = [
        DischargeFollowUpFactory(care_home=ended, discharged_on=on(5)),  # after it ended
        DischargeFollowUpFactory(care_home=later, discharged_on=on(7)),  # before it began
        DischargeFollowUpFactory(care_home=again, discharged_on=on(6)),  # between its two outbreaks
        DischargeFollowUpFactory(discharged_on=on(1)),  # a home never in outbreak
    ]
    assert len(counted) == 4 and len(not_counted) == 4

    f = discharge_figures()
    assert f["into_outbreak"] == 4
    rows = dict(weekly_rows_for_today())
    assert rows["Discharges into homes in outbreak"] == "4"
    html = client_for(slt_user).get("/dashboard/").content.decode()
    assert "Discharges into homes in outbreak" in html


def weekly_rows_for_today():
    from discharge.figures import weekly_rows

    today = timezone.localdate()
    return weekly_rows(monday=today - datetime.timedelta(days=27), as_of=today)


def test_figures_run_the_same_few_queries_for_few_and_many_follow_ups():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            discharge_figures()
        return len(ctx.captured_queries)

    DischargeFollowUpFactory(received_at=ago(3), routed_at=ago(3))
    few = count()
    for n in range(30):
        DischargeFollowUpFactory(received_at=ago(n * 2), routed_at=ago(n * 2))
    assert count() == few <= 6


def test_on_time_percentages_from_the_stored_deadlines_match_the_timers():
    """The deadlines kept on each follow-up give the same figures as working them out afresh (which
    is what happens for rows a bulk load wrote without them)."""
    from discharge.day_counts import day_counts_rebuild
    from discharge.models import DischargeFollowUp

    for n in range(12):
        received = ago(n * 2, hours=n)
        DischargeFollowUpFactory(
            received_at=received,
            routed_at=received,
            acknowledged_at=received + datetime.timedelta(hours=6 * n) if n % 3 else None,
            stage1_at=received + datetime.timedelta(hours=9 * n) if n % 2 else None,
            state=State.STAGE1 if n % 2 else State.ACKNOWLEDGED,
        )
    kept = discharge_figures()
    assert DischargeFollowUp.objects.filter(stage1_due_at__isnull=True).count() == 0
    DischargeFollowUp.objects.update(lost_at=None, stage1_due_at=None)
    day_counts_rebuild()  # as every bulk load does: the kept daily counts recounted
    afresh = discharge_figures()
    assert (kept["pct_acknowledged_1wd"], kept["pct_stage1_72h"]) == (
        afresh["pct_acknowledged_1wd"],
        afresh["pct_stage1_72h"],
    )
    assert kept["pct_acknowledged_1wd"] not in (None, 0, 100) and kept["pct_stage1_72h"] not in (None, 0, 100)
