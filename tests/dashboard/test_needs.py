"""What needs me now, at the top of each role's home page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import week_of
from tests.conftest import FROZEN_TODAY
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    PcnFactory,
    StaffMemberFactory,
    SupportOfferFactory,
    SupportRequestFactory,
    VisitFactory,
)

# Today frozen for the whole test: a "today" read at import goes stale if the suite crosses midnight.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


def test_the_project_managers_home_page_starts_with_what_needs_them(client_for, pm_user):
    # Given an offer waiting, two overdue actions and a cover visit this week
    SupportOfferFactory()
    ActionFactory.create_batch(2, due_on=TODAY - datetime.timedelta(days=3))
    ActionFactory(due_on=TODAY + datetime.timedelta(days=3))
    VisitFactory(is_cover=True, visited_on=TODAY)

    html = client_for(pm_user).get(reverse("home"), follow=True).content.decode()

    assert "What needs you now" in html
    assert "1 offer of staff time waiting for your decision" in html
    assert "2 overdue actions in the action plan" in html
    assert "1 cover visit in the last 7 days to check" in html
    assert html.index("What needs you now") < html.index("Every current gap")
    assert reverse("carehomes:fill_gaps") in html


def test_the_project_manager_sees_the_gaps_new_since_last_weeks_report(client_for, pm_user):
    # Given last week's report, made while one home had no lead and no visit
    old = CareHomeFactory(name="Old Gap House")
    report = gap_report_generate(week=week_of(TODAY - datetime.timedelta(days=7)), notify=False)
    assert f"no_lead:{old.pk}:{old.pcn_id}" in report.gap_keys
    # When a second home like it joins the same PCN
    CareHomeFactory(name="New Gap House", pcn=old.pcn)

    html = client_for(pm_user).get(reverse("dashboard:gaps")).content.decode()

    # Then only its two gaps (no lead, no recent visit) are new
    assert "2 new gaps since last week&#39;s report" in html


def test_slt_sees_no_project_manager_list_on_the_gap_list(client_for, slt_user):
    SupportOfferFactory()
    html = client_for(slt_user).get(reverse("dashboard:gaps")).content.decode()
    assert "What needs you now" not in html


def test_the_pm_needs_cost_the_same_queries_at_two_sizes(client_for, pm_user):
    client = client_for(pm_user)
    url = reverse("dashboard:gaps")

    def count():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    SupportOfferFactory()
    small = count()
    SupportOfferFactory.create_batch(4)
    ActionFactory.create_batch(3, due_on=TODAY - datetime.timedelta(days=3))
    VisitFactory.create_batch(3, is_cover=True, visited_on=TODAY)
    assert count() == small


def test_a_pharmacists_home_page_starts_with_homes_due_a_visit_and_outbreaks(client_for, pharmacist_user):
    me = pharmacist_user.staff_member
    due = CareHomeFactory(name="Due House")
    recent = CareHomeFactory(name="Recent House", outbreak_status="confirmed", outbreak_started_on=TODAY)
    for home in (due, recent):
        AssignmentFactory(staff=me, care_home=home)
    VisitFactory(care_home=due, staff=me, visited_on=TODAY - datetime.timedelta(days=22))
    VisitFactory(care_home=recent, staff=me, visited_on=TODAY - datetime.timedelta(days=2))

    html = client_for(pharmacist_user).get(reverse("home"), follow=True).content.decode()

    assert "What needs you now" in html
    assert "1 home with no visit in 21 days" in html
    panel = html.split("What needs you now", 1)[1].split("</section>", 1)[0]
    assert f'href="#home-{due.pk}">Due House</a>: last visited 22 days ago' in panel
    assert "Recent House</a>: last" not in panel
    assert "1 home in an outbreak" in html


def test_an_organisation_leads_home_page_starts_with_offers_and_requests_to_help(client_for, orglead_user):
    own = orglead_user.staff_member.organisation
    mine = SupportRequestFactory(organisation=own, title="Cover for Seacroft")
    SupportOfferFactory(request=mine, hours_per_week=Decimal("1"))
    SupportRequestFactory(organisation=PcnFactory(), needed_by=TODAY + datetime.timedelta(days=10))

    html = client_for(orglead_user).get(reverse("home"), follow=True).content.decode()

    assert "What needs you now" in html
    assert "1 offer of help on your requests" in html
    assert "Cover for Seacroft" in html
    assert "1 request for help from other organisations you could help with" in html


def test_nobody_else_sees_the_leads_list_on_an_organisation_page(client_for, slt_user):
    organisation = StaffMemberFactory().organisation
    html = client_for(slt_user).get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert "What needs you now" not in html
