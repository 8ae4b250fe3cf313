"""What the hub keeps about people, and for how long (issue 13 §8): the privacy page, leavers
anonymised after LEAVER_RETENTION_YEARS by a nightly task, and the subject access download."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.models import GapReport
from actionplan.retention import FORMER_NAME, retention_cut_off
from actionplan.tasks import anonymise_leavers
from carehomes.models import Visit
from organisations.access import PHARMACY_PROFESSIONAL, SLT
from organisations.models import StaffMember
from organisations.services import staff_member_leave
from tests.factories import AssignmentFactory, CareHomeFactory, GapReportFactory, VisitFactory, user_with_role

pytestmark = pytest.mark.django_db

NAME = "Priya Leaver-Shah"


@pytest.fixture
def leaver(pm_user):
    """A pharmacist who left seven years ago, with visits, an assignment and a mention in a report."""
    user = user_with_role(PHARMACY_PROFESSIONAL, username="p.leaver", gphc_number="2045678")
    staff = user.staff_member
    staff.name = NAME
    staff.save()
    user.first_name, user.last_name, user.email = "Priya", "Leaver-Shah", "priya@example.nhs.uk"
    user.save()
    home = CareHomeFactory(name="Moor View")
    AssignmentFactory(
        staff=staff, care_home=home, starts_on=datetime.date(2018, 1, 1), ends_on=datetime.date(2019, 6, 1)
    )
    VisitFactory(staff=staff, care_home=home, visited_on=datetime.date(2019, 3, 4), minutes_spent=90)
    GapReportFactory(
        week="2019-W20", data={"gaps": [{"subject": "Moor View", "reason": f"{NAME} is over capacity"}]}
    )
    staff_member_leave(by=pm_user, staff=staff, left_on=datetime.date(2019, 6, 1))
    return StaffMember.objects.get(pk=staff.pk)


def test_the_privacy_page_is_linked_from_every_page_footer(client):
    page = client.get(reverse("privacy"))
    assert page.status_code == 200
    assert "6 years after you left" in page.content.decode()
    assert reverse("privacy") in client.get(reverse("login")).content.decode()


def test_the_default_retention_follows_the_records_management_code(settings):
    assert settings.HUB["LEAVER_RETENTION_YEARS"] == 6
    assert retention_cut_off(datetime.date(2026, 11, 30)) == datetime.date(2020, 11, 30)


def test_the_nightly_task_anonymises_a_leaver_past_the_period(leaver):
    user_pk = leaver.user_id
    minutes_before = sum(Visit.objects.values_list("minutes_spent", flat=True))

    assert anonymise_leavers.apply().get() == {"anonymised": 1}

    leaver.refresh_from_db()
    assert leaver.name == FORMER_NAME
    assert leaver.gphc_number is None
    assert leaver.user is None
    from django.contrib.auth import get_user_model

    login = get_user_model().objects.get(pk=user_pk)
    assert (login.first_name, login.last_name, login.email, login.is_active) == ("", "", "", False)
    assert "leaver" not in login.username
    assert not login.has_usable_password()
    assert not leaver.history.filter(name=NAME).exists()
    assert NAME not in json.dumps(GapReport.objects.get(week="2019-W20").data)
    assert FORMER_NAME in json.dumps(GapReport.objects.get(week="2019-W20").data)
    # Their work still counts, under the same record.
    assert Visit.objects.filter(staff=leaver).count() == 1
    assert sum(Visit.objects.values_list("minutes_spent", flat=True)) == minutes_before
    # Safe to run twice.
    assert anonymise_leavers.apply().get() == {"anonymised": 0}


def test_recent_leavers_and_current_staff_are_kept(pm_user):
    current = user_with_role(PHARMACY_PROFESSIONAL).staff_member
    recent = user_with_role(PHARMACY_PROFESSIONAL).staff_member
    staff_member_leave(
        by=pm_user, staff=recent, left_on=timezone.localdate() - datetime.timedelta(days=365 * 5)
    )
    anonymise_leavers.apply().get()
    for person in (current, recent):
        name = person.name
        person.refresh_from_db()
        assert person.name == name


def test_the_project_manager_downloads_everything_about_a_person(client_for, pm_user):
    staff = user_with_role(PHARMACY_PROFESSIONAL, username="sar.subject").staff_member
    VisitFactory(staff=staff, notes="Reviewed five residents")
    response = client_for(pm_user).get(reverse("actionplan:subject_access", args=[staff.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["staff_member"]["name"] == staff.name
    assert data["login"]["username"] == "sar.subject"
    assert data["visits"][0]["notes"] == "Reviewed five residents"
    assert len(data["staff_record_history"]) == 1  # the record as made


@pytest.mark.parametrize("role", [SLT, PHARMACY_PROFESSIONAL])
def test_only_the_project_manager_downloads_it(client_for, role):
    staff = user_with_role(PHARMACY_PROFESSIONAL).staff_member
    response = client_for(user_with_role(role)).get(reverse("actionplan:subject_access", args=[staff.pk]))
    assert response.status_code == 403
