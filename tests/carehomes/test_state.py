"""Each home's kept state, and each organisation's kept hour totals, never drift from the raw
tables, whatever the services do in any order.

A stateful property test drives random sequences of the real services (log, correct and delete
visits; assign, end and hand over; outbreaks; a person's hours changed) and, after every step,
checks that recomputing every home's state from the raw tables finds no drift, and that the gap
rules read from the state (in SQL for every home, and in Python for one home's page) agree with
the rules decided from the raw tables, today and on later days with no write in between (leads ending, hand-overs starting, visits growing old). The same
for the organisations' hour totals (`carehomes.hours_state`): people leaving, moving employer,
homes moving PCN with their practice, and the hours tables and PCN rule read from the totals.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from actionplan.hours_selectors import hours_by, hours_summary
from carehomes import gaps, hours_state, state
from carehomes.alignment import care_homes_follow_practices
from carehomes.models import Assignment, CareHome, CareHomeState, Visit
from carehomes.services import assignment_create, assignment_end, carehome_outbreak_update, lead_hand_over
from carehomes.visits.services import visit_create, visit_delete, visit_update
from organisations.access import PROJECT_MANAGER
from organisations.models import Organisation
from organisations.services import staff_member_leave
from tests.factories import CareHomeFactory, PcnFactory, PracticeFactory, StaffMemberFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = datetime.date(2026, 11, 18)
LATER = (0, 1, 6, 29, 60)
FLAGS = ("gap_no_lead", "gap_outbreak_not_visited", "gap_no_recent_visit", "gap_lead_over_capacity")
FACTS = ("lead_staff_id", "lead_organisation_id", "lead_assigned_hours", "last_visited_on")


def flags(*, raw=False, one_by_one=False):
    """Every home's rule flags and shown facts, from the state or from the raw tables; or each
    home's decided in Python from its state, as its page does (`home_with_gap_facts`)."""
    today = timezone.localdate()
    if one_by_one:
        homes = [
            gaps.home_with_gap_facts(CareHome.objects.filter(pk=pk))
            for pk in CareHome.objects.values_list("pk", flat=True)
        ]
    else:
        homes = gaps.with_gap_facts(CareHome.objects.order_by("pk"), today=today, raw=raw)
    return {
        home.pk: tuple(getattr(home, f) for f in FLAGS)
        + tuple(
            Decimal(getattr(home, f))
            if f.endswith("_hours") and getattr(home, f) is not None
            else getattr(home, f)
            for f in FACTS
        )
        for home in homes
    }


def pcn_gaps(*, raw):
    return [(p.pk, p.home_count) for p in gaps.pcns_with_gaps(raw=raw)]


@pytest.fixture
def world(db):
    with time_machine.travel(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC), tick=False):
        pm = user_with_role(PROJECT_MANAGER, username="pm-state")
        practices = [PracticeFactory() for _ in range(3)]
        homes = [CareHomeFactory(beds=30, practice=p, pcn=p.parent) for p in practices]
        staff = [StaffMemberFactory(hours_per_week=Decimal(8)) for _ in range(3)]
        PcnFactory(committed_hours=0)  # a fourth PCN, with no homes yet and no hours committed
    return pm, homes, staff


days = st.integers(min_value=-12, max_value=12)


class StateMachine(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        self.pm, self.homes, self.staff = self.world
        self.clock = time_machine.travel(
            datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC), tick=False
        )
        self.clock.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.clock.stop()

    def _try(self, action, **kwargs):
        try:
            with transaction.atomic():
                return action(by=self.pm, **kwargs)
        except ValidationError:
            return None

    @rule(home=st.integers(0, 2), staff=st.integers(0, 2), ago=st.integers(0, 40))
    def log_visit(self, home, staff, ago):
        self._try(
            visit_create,
            care_home=self.homes[home],
            staff=self.staff[staff],
            submission_token=uuid.uuid4(),
            confirm_duplicate=True,
            visited_on=TODAY - datetime.timedelta(days=ago),
            mode="video",
            activities=["smr"],
            minutes_spent=30,
        )

    @rule(pick=st.integers(0, 50), home=st.integers(0, 2), ago=st.integers(0, 40))
    def correct_visit(self, pick, home, ago):
        visits = list(Visit.objects.order_by("pk"))
        if visits:
            visit = visits[pick % len(visits)]
            self._try(
                visit_update,
                visit=visit,
                reason="wrong home",
                confirm_duplicate=True,
                care_home=self.homes[home],
                visited_on=TODAY - datetime.timedelta(days=ago),
            )

    @rule(pick=st.integers(0, 50))
    def delete_visit(self, pick):
        visits = list(Visit.objects.order_by("pk"))
        if visits:
            self._try(visit_delete, visit=visits[pick % len(visits)], reason="logged twice")

    @rule(
        home=st.integers(0, 2),
        staff=st.integers(0, 2),
        lead=st.booleans(),
        hours=st.integers(1, 6),
        starts=days,
        lasts=st.none() | st.integers(0, 20),
    )
    def assign(self, home, staff, lead, hours, starts, lasts):
        starts_on = TODAY + datetime.timedelta(days=starts)
        self._try(
            assignment_create,
            care_home=self.homes[home],
            staff=self.staff[staff],
            role=Assignment.Role.LEAD if lead else Assignment.Role.SUPPORT,
            hours_per_week=hours,
            starts_on=starts_on,
            ends_on=None if lasts is None else starts_on + datetime.timedelta(days=lasts),
        )

    @rule(pick=st.integers(0, 50), ends=days)
    def end_assignment(self, pick, ends):
        assignments = list(Assignment.objects.order_by("pk"))
        if assignments:
            self._try(
                assignment_end,
                assignment=assignments[pick % len(assignments)],
                ends_on=TODAY + datetime.timedelta(days=ends),
            )

    @rule(home=st.integers(0, 2), staff=st.integers(0, 2), hours=st.integers(1, 6), starts=st.integers(0, 10))
    def hand_over(self, home, staff, hours, starts):
        self._try(
            lead_hand_over,
            care_home=self.homes[home],
            staff=self.staff[staff],
            hours_per_week=hours,
            starts_on=TODAY + datetime.timedelta(days=starts),
        )

    @rule(home=st.integers(0, 2), status=st.sampled_from(CareHome.Outbreak.values), ago=st.integers(0, 20))
    def outbreak(self, home, status, ago):
        self._try(
            carehome_outbreak_update,
            care_home=self.homes[home],
            status=status,
            started_on=TODAY - datetime.timedelta(days=ago),
        )

    @rule(staff=st.integers(0, 2), hours=st.integers(0, 20))
    def change_hours(self, staff, hours):
        person = self.staff[staff]
        person.refresh_from_db()
        person.hours_per_week = Decimal(hours)
        person.save()

    @rule(staff=st.integers(0, 2), employer=st.integers(0, 5))
    def change_employer(self, staff, employer):
        """A person moves to another of the organisations (another's employer, or a PCN)."""
        person = self.staff[staff]
        person.refresh_from_db()
        organisations = [s.organisation for s in self.staff] + [h.pcn for h in self.homes]
        person.organisation = organisations[employer % len(organisations)]
        person.save()

    @rule(staff=st.integers(0, 2))
    def leave(self, staff):
        self._try(staff_member_leave, staff=self.staff[staff])

    @rule(home=st.integers(0, 2), pcn=st.integers(0, 3))
    def practice_moves_pcn(self, home, pcn):
        """The ODS import moves a home's practice to another PCN: its homes follow in one bulk write."""
        practice = self.homes[home].practice
        pcns = list(Organisation.objects.filter(kind=Organisation.Kind.PCN).order_by("pk"))
        new_pcn = pcns[pcn % len(pcns)]
        care_homes_follow_practices(None, moves=[(practice, practice.parent, new_pcn)])

    @invariant()
    def no_drift(self):
        assert state.drift() == {}
        assert hours_state.drift() == {}

    @invariant()
    def rules_from_state_agree_with_raw_tables_today_and_later(self):
        for later in LATER:
            with (
                time_machine.travel(
                    datetime.datetime.combine(
                        TODAY + datetime.timedelta(days=later), datetime.time(12), datetime.UTC
                    ),
                    tick=False,
                ),
                transaction.atomic(),
            ):
                assert flags(raw=False) == flags(raw=True), f"{later} days later"
                assert flags(one_by_one=True) == flags(raw=True), f"{later} days later, one home's page"
                assert hours_by() == hours_by(raw=True), f"{later} days later"
                assert pcn_gaps(raw=False) == pcn_gaps(raw=True), f"{later} days later"
                # The dashboard's figures: counts and hours summed in the database from the kept rows.
                assert gaps.gap_counts() == gaps.gap_counts(raw=True), f"{later} days later"
                assert hours_summary(limit=2) == hours_summary(limit=2, raw=True), f"{later} days later"
                transaction.set_rollback(True)


# Each step checks every invariant on five later days: minutes, on a loaded two-core machine.
@pytest.mark.timeout(900)
def test_kept_state_never_drifts_under_any_sequence_of_services(world):
    StateMachine.world = world
    run_state_machine_as_test(
        StateMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


def test_drift_is_logged_as_an_error_and_repaired(world, caplog):
    _, homes, _ = world
    CareHomeState.objects.filter(pk=homes[0].pk).update(last_visited_on=TODAY)
    CareHomeState.objects.filter(pk=homes[1].pk).delete()

    assert state.carehome_state_check() == 2

    assert any(r.levelname == "ERROR" and "drift in 2 home(s)" in r.getMessage() for r in caplog.records)
    assert state.drift() == {}
    assert state.carehome_state_check() == 0


def test_nightly_task_runs_the_check(world, caplog):
    from carehomes.tasks import check_care_home_state

    _, homes, _ = world
    CareHomeState.objects.filter(pk=homes[2].pk).update(last_visited_on=TODAY)

    assert check_care_home_state.apply().get() == 1
    assert CareHomeState.objects.get(pk=homes[2].pk).last_visited_on is None
