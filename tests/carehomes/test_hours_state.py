"""Each organisation's kept hour totals follow every write that changes them, even the bulk ones,
and the nightly check finds and repairs any drift (the state machine in test_state.py drives the
services at random; these are the cases named one by one)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from actionplan.hours_selectors import hours_by
from carehomes import gaps, hours_state
from carehomes.alignment import care_homes_follow_practices
from carehomes.models import Assignment, OrganisationHours
from organisations.access import TRUST_DISCHARGE_TEAM
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    PracticeFactory,
    StaffMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def totals(organisation):
    row = OrganisationHours.objects.filter(pk=organisation.pk).values(*OrganisationHours.FACTS).first()
    return row or dict(hours_state.ZERO)


def test_an_assignment_counts_for_its_persons_employer_and_its_homes_pcn(frozen_today):
    employer = OrganisationFactory()
    home = CareHomeFactory()
    person = StaffMemberFactory(organisation=employer, hours_per_week=Decimal(20))
    assert totals(employer)["available_hours"] == Decimal(20)

    assignment = AssignmentFactory(
        staff=person,
        care_home=home,
        hours_per_week=Decimal(3),
        starts_on=frozen_today - datetime.timedelta(days=5),
    )
    assert totals(employer)["assigned_hours"] == Decimal(3)
    assert totals(home.pcn)["pcn_assigned_hours"] == Decimal(3)
    assert totals(home.pcn)["pcn_home_count"] == 1

    assignment.ends_on = frozen_today - datetime.timedelta(days=1)
    assignment.save()
    assert totals(employer)["assigned_hours"] == 0
    assert hours_state.drift() == {}


def test_homes_following_their_practice_to_a_new_pcn_move_both_pcns_totals(frozen_today):
    practice = PracticeFactory()
    old_pcn, new_pcn = practice.parent, PcnFactory(committed_hours=0)
    homes = [CareHomeFactory(practice=practice, pcn=old_pcn) for _ in range(2)]
    AssignmentFactory(care_home=homes[0], hours_per_week=Decimal(4), starts_on=frozen_today)
    assert [p.pk for p in gaps.pcns_with_gaps()] == []

    care_homes_follow_practices(None, moves=[(practice, old_pcn, new_pcn)])  # a bulk update

    assert totals(old_pcn)["pcn_home_count"] == 0
    assert totals(new_pcn)["pcn_home_count"] == 2
    assert totals(new_pcn)["pcn_assigned_hours"] == Decimal(4)
    assert [(p.pk, p.home_count) for p in gaps.pcns_with_gaps()] == [(new_pcn.pk, 2)]
    assert hours_state.drift() == {}


def test_a_person_joining_a_trust_discharge_team_stops_counting_as_care_home_hours(frozen_today):
    employer = OrganisationFactory()
    person = StaffMemberFactory(organisation=employer, hours_per_week=Decimal(10), user=UserFactory())
    assert totals(employer)["available_hours"] == Decimal(10)

    person.user.groups.add(Group.objects.get(name=TRUST_DISCHARGE_TEAM))

    assert totals(employer)["available_hours"] == 0
    assert totals(employer)["staff_count"] == 0
    assert hours_state.drift() == {}


def test_a_future_assignment_counts_from_its_first_day_with_no_write(frozen_today, time_machine):
    person = StaffMemberFactory(hours_per_week=Decimal(10))
    AssignmentFactory(
        staff=person,
        role=Assignment.Role.SUPPORT,
        hours_per_week=Decimal(2),
        starts_on=frozen_today + datetime.timedelta(days=3),
    )
    assert hours_by()["by_organisation"][0]["assigned"] == 0

    time_machine.move_to(
        datetime.datetime.combine(frozen_today + datetime.timedelta(days=3), datetime.time(12))
    )

    assert hours_by()["by_organisation"][0]["assigned"] == 2
    assert hours_by() == hours_by(raw=True)


def test_drift_is_logged_as_an_error_and_repaired_by_the_nightly_task(frozen_today, caplog):
    from carehomes.tasks import check_organisation_hours

    employer = OrganisationFactory()
    StaffMemberFactory(organisation=employer, hours_per_week=Decimal(10))
    OrganisationHours.objects.filter(pk=employer.pk).update(available_hours=99)

    assert check_organisation_hours.apply().get() == 1

    assert any(r.levelname == "ERROR" and "drift in 1 organisation" in r.getMessage() for r in caplog.records)
    assert totals(employer)["available_hours"] == Decimal(10)
    assert hours_state.organisation_hours_check() == 0


def test_a_write_reads_only_the_assignments_of_the_organisations_it_changes():
    """The refresh after an assignment reads the employers' and the PCNs' assignments as a UNION of
    two index reads; the OR of the two joins it replaced hash-joined every assignment with every
    person and home (a country's: 37 ms of PostgreSQL per assignment saved, issue 18)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    employer, pcn = OrganisationFactory(), PcnFactory()
    person = StaffMemberFactory(organisation=employer, hours_per_week=Decimal("10"))
    home = CareHomeFactory(pcn=pcn)
    other = AssignmentFactory(care_home=CareHomeFactory(pcn=pcn), hours_per_week=Decimal("2"))
    with CaptureQueriesContext(connection) as ctx:
        AssignmentFactory(staff=person, care_home=home, hours_per_week=Decimal("3"))
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "carehomes_assignment"' in q["sql"] and '"pcn_id" IN' in q["sql"]
    ]
    assert reads and all("UNION" in sql and '"pcn_id" IN' not in sql.split("UNION")[0] for sql in reads)
    assert totals(employer)["assigned_hours"] == Decimal("3")
    assert totals(pcn)["pcn_assigned_hours"] == Decimal("5")
    assert other.staff.organisation_id != employer.pk
