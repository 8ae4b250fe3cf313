"""Assignment services: the capacity, lead and date rules, permission and the audit trail."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carehomes.models import Assignment, CareHome
from carehomes.selectors import staff_committed_hours
from carehomes.services import (
    assignment_create,
    assignment_end,
    carehome_outbreak_update,
    lead_hand_over,
)
from tests.conftest import FROZEN_TODAY
from tests.factories import AssignmentFactory, CareHomeFactory, StaffMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


TODAY = FROZEN_TODAY


def create(by, **overrides):
    kwargs = {
        "care_home": overrides.pop("care_home", None) or CareHomeFactory(),
        "staff": overrides.pop("staff", None) or StaffMemberFactory(),
        "role": Assignment.Role.SUPPORT,
        "hours_per_week": Decimal("2"),
        "starts_on": TODAY,
    }
    kwargs.update(overrides)
    return assignment_create(by=by, **kwargs)


def test_assignment_create_saves_and_records_who(pm_user):
    assignment = create(pm_user, role=Assignment.Role.LEAD)
    assert assignment.pk
    record = assignment.history.get()
    assert record.history_user == pm_user
    assert record.history_type == "+"


def test_assignment_create_refuses_a_second_current_lead(pm_user):
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, role=Assignment.Role.LEAD)
    with pytest.raises(ValidationError) as error:
        create(pm_user, care_home=home, role=Assignment.Role.LEAD)
    assert "already has a named lead" in error.value.message_dict["role"][0]
    assert home.assignments.count() == 1


def test_assignment_create_refuses_more_hours_than_spare_and_says_how_many(pm_user):
    staff = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("5"))
    AssignmentFactory(staff=staff, hours_per_week=Decimal("2.5"))
    with pytest.raises(ValidationError) as error:
        create(pm_user, staff=staff, hours_per_week=Decimal("3"))
    assert error.value.message_dict["hours_per_week"] == [
        "Asha Patel has only 2.5 hours a week spare; enter 2.5 or fewer."
    ]
    assert create(pm_user, staff=staff, hours_per_week=Decimal("2.5")).pk


def test_ended_assignments_do_not_count_against_capacity(pm_user):
    staff = StaffMemberFactory(hours_per_week=Decimal("4"))
    AssignmentFactory(
        staff=staff,
        hours_per_week=Decimal("4"),
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    assert staff_committed_hours(staff, starts_on=TODAY) == 0
    assert create(pm_user, staff=staff, hours_per_week=Decimal("4")).pk


def test_future_assignments_count_against_capacity(pm_user):
    staff = StaffMemberFactory(hours_per_week=Decimal("4"))
    AssignmentFactory(staff=staff, hours_per_week=Decimal("3"), starts_on=TODAY + datetime.timedelta(days=7))
    with pytest.raises(ValidationError) as error:
        create(pm_user, staff=staff, hours_per_week=Decimal("2"))
    assert "only 1 hour a week spare" in error.value.message_dict["hours_per_week"][0]


def test_assignment_create_refuses_dates_out_of_order(pm_user):
    with pytest.raises(ValidationError) as error:
        create(pm_user, ends_on=TODAY - datetime.timedelta(days=1))
    assert "ends_on" in error.value.message_dict
    assert Assignment.objects.count() == 0


def test_assignment_create_refuses_an_inactive_person(pm_user):
    with pytest.raises(ValidationError) as error:
        create(pm_user, staff=StaffMemberFactory(is_active=False))
    assert "not active" in error.value.message_dict["staff"][0]


@pytest.mark.parametrize("fixture", ["slt_user", "pharmacist_user", "orglead_user"])
def test_only_coordinators_assign(request, fixture):
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(fixture))


def test_superuser_may_assign(superuser):
    assert create(superuser).pk


def test_assignment_end_keeps_the_record_with_its_end_date(pm_user):
    assignment = AssignmentFactory()
    ended = assignment_end(by=pm_user, assignment=assignment, ends_on=TODAY)
    assert Assignment.objects.get(pk=assignment.pk).ends_on == TODAY
    assert ended.history.first().history_user == pm_user


def test_assignment_end_refuses_an_end_before_the_start(pm_user):
    assignment = AssignmentFactory(starts_on=TODAY)
    with pytest.raises(ValidationError) as error:
        assignment_end(by=pm_user, assignment=assignment, ends_on=TODAY - datetime.timedelta(days=1))
    assert "ends_on" in error.value.message_dict


def test_lead_hand_over_ends_the_old_lead_and_starts_the_new_in_one_step(pm_user):
    home = CareHomeFactory()
    old = AssignmentFactory(care_home=home, role=Assignment.Role.LEAD)
    new_lead = StaffMemberFactory()
    created = lead_hand_over(
        by=pm_user, care_home=home, staff=new_lead, hours_per_week=Decimal("3"), starts_on=TODAY
    )
    old.refresh_from_db()
    assert old.ends_on == TODAY - datetime.timedelta(days=1)
    assert created.staff == new_lead
    assert created.role == Assignment.Role.LEAD
    assert home.assignments.open().filter(role="lead").get() == created


def test_lead_hand_over_refused_changes_nothing(pm_user):
    home = CareHomeFactory()
    old = AssignmentFactory(care_home=home, role=Assignment.Role.LEAD)
    busy = StaffMemberFactory(hours_per_week=Decimal("1"))
    with pytest.raises(ValidationError):
        lead_hand_over(by=pm_user, care_home=home, staff=busy, hours_per_week=Decimal("3"), starts_on=TODAY)
    old.refresh_from_db()
    assert old.ends_on is None


def test_outbreak_is_set_with_a_date_and_cleared(pm_user):
    home = CareHomeFactory()
    with pytest.raises(ValidationError) as error:
        carehome_outbreak_update(by=pm_user, care_home=home, status="confirmed", started_on=None)
    assert "started_on" in error.value.message_dict
    carehome_outbreak_update(by=pm_user, care_home=home, status="confirmed", started_on=TODAY)
    home.refresh_from_db()
    assert home.in_outbreak and home.outbreak_started_on == TODAY
    carehome_outbreak_update(by=pm_user, care_home=home, status="none", started_on=TODAY)
    home.refresh_from_db()
    assert home.outbreak_status == CareHome.Outbreak.NONE and home.outbreak_started_on is None
    assert home.history.first().history_user == pm_user


def test_outbreak_may_not_be_set_by_slt(slt_user):
    with pytest.raises(PermissionDenied):
        carehome_outbreak_update(
            by=slt_user, care_home=CareHomeFactory(), status="suspected", started_on=TODAY
        )
