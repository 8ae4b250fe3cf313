"""Access follows the work (issue 13 §3): a pharmacy professional sees a care home because they are
assigned to it now, or for COVER_ACCESS_DAYS (28) after a cover visit; the project manager sees the
cover visits, as a list and in the weekly report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.gap_report_selectors import headline_figures
from carehomes.selectors import visible_care_homes
from organisations.access import PHARMACY_PROFESSIONAL
from tests.factories import AssignmentFactory, CareHomeFactory, VisitFactory, user_with_role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def pharmacist(db):
    return user_with_role(PHARMACY_PROFESSIONAL, username="cover-pharmacist")


@pytest.fixture
def home(db):
    return CareHomeFactory(name="Moor View")


def can_open(client_for, user, home):
    return client_for(user).get(reverse("carehomes:detail", args=[home.pk])).status_code == 200


def test_assigned_now_opens_the_home(client_for, pharmacist, home):
    AssignmentFactory(staff=pharmacist.staff_member, care_home=home)
    assert can_open(client_for, pharmacist, home)


def test_an_ended_assignment_no_longer_opens_it(client_for, pharmacist, home):
    AssignmentFactory(
        staff=pharmacist.staff_member, care_home=home, starts_on=days_ago(90), ends_on=days_ago(1)
    )
    assert not can_open(client_for, pharmacist, home)
    assert home not in visible_care_homes(pharmacist)


def test_a_recent_cover_visit_opens_the_home_and_its_visits(client_for, pharmacist, home):
    VisitFactory(staff=pharmacist.staff_member, care_home=home, visited_on=days_ago(27), is_cover=True)
    colleagues = VisitFactory(care_home=home, visited_on=days_ago(2), notes="Seen by the lead")
    assert can_open(client_for, pharmacist, home)
    assert home in visible_care_homes(pharmacist)
    detail = client_for(pharmacist).get(reverse("carehomes:visit_detail", args=[colleagues.pk]))
    assert detail.status_code == 200


def test_a_cover_visit_older_than_the_window_opens_nothing(client_for, pharmacist, home):
    own = VisitFactory(staff=pharmacist.staff_member, care_home=home, visited_on=days_ago(29), is_cover=True)
    colleagues = VisitFactory(care_home=home, visited_on=days_ago(2))
    assert not can_open(client_for, pharmacist, home)
    assert home not in visible_care_homes(pharmacist)
    client = client_for(pharmacist)
    assert client.get(reverse("carehomes:visit_detail", args=[colleagues.pk])).status_code == 403
    # Their own visit stays theirs to read.
    assert client.get(reverse("carehomes:visit_detail", args=[own.pk])).status_code == 200


def test_the_window_is_a_setting(client_for, pharmacist, home, settings):
    settings.HUB = {**settings.HUB, "COVER_ACCESS_DAYS": 7}
    VisitFactory(staff=pharmacist.staff_member, care_home=home, visited_on=days_ago(10), is_cover=True)
    assert not can_open(client_for, pharmacist, home)


def test_the_project_manager_lists_cover_visits(client_for, pm_user, pharmacist, home):
    cover = VisitFactory(staff=pharmacist.staff_member, care_home=home, visited_on=days_ago(3), is_cover=True)
    usual = VisitFactory(care_home=CareHomeFactory(name="Usual Home"), visited_on=days_ago(3), is_cover=False)
    page = client_for(pm_user).get(reverse("carehomes:visit_list") + "?cover=on").content.decode()
    assert reverse("carehomes:visit_detail", args=[cover.pk]) in page
    assert reverse("carehomes:visit_detail", args=[usual.pk]) not in page


def test_the_weekly_report_counts_cover_visits(pharmacist, home):
    VisitFactory(staff=pharmacist.staff_member, care_home=home, visited_on=days_ago(1), is_cover=True)
    VisitFactory(care_home=home, visited_on=days_ago(1), is_cover=False)
    figures = headline_figures(week_range=(days_ago(6), TODAY()))
    assert figures["cover_visits_in_week"] == 1
