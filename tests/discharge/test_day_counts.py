"""The Discharges figures and the list's pager come from daily counts the writers keep, and always
equal a count of the follow-ups.

A stateful property test drives random sequences of the real discharge services (record, every
move through the states, redirect, merge, reopen, readmission, the onward review, a pharmacy's
opening hours changed, and the clock moving on) and, after every step, checks that recounting the
follow-ups finds no drift, that the citywide figures from the kept counts equal the figures counted
from the follow-ups themselves, and that the list's pager totals equal the follow-ups it pages.
"""

import datetime
import itertools
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from discharge import day_counts, services
from discharge.figures import discharge_figures
from discharge.models import DischargeFollowUp, FollowUpDayCount
from discharge.selectors import followup_list
from discharge.states import State
from organisations.access import PROJECT_MANAGER
from tests.factories import (
    CareHomeFactory,
    CommunityPharmacyFactory,
    DischargeFollowUpFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = [pytest.mark.django_db]

START = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)
ACTIONS = [
    "acknowledge",
    "stage1",
    "stage2",
    "stage3",
    "close_complete",
    "close_partial",
    "hold",
    "resume",
    "redirect",
    "merge",
    "reopen",
    "readmission",
    "onward",
]
SCHEDULES = [
    None,  # back to the default hours
    [(0, datetime.time(9), datetime.time(13)), (2, datetime.time(9), datetime.time(17))],
    [(d, datetime.time(8), datetime.time(20)) for d in range(7)],
]


def pager_totals(user, **filters):
    """(what the pager counts, what paging through the follow-ups finds)."""
    listed = followup_list(user=user, **filters)
    return listed.count(), listed.open_ones.count() + listed.closed_ones.count()


@pytest.fixture
def world(db):
    with time_machine.travel(START, tick=False):
        pm = user_with_role(PROJECT_MANAGER, username="pm-counts")
        pharmacies = [CommunityPharmacyFactory() for _ in range(2)]
        homes = [CareHomeFactory(supplying_pharmacy=pharmacies[i]) for i in range(2)]
        trusts = [OrganisationFactory(kind="acute_trust") for _ in range(2)]
    return pm, pharmacies, homes, trusts


class DayCountsMachine(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        self.pm, self.pharmacies, self.homes, self.trusts = self.world
        self.references = itertools.count(1)
        self.clock = time_machine.travel(START, tick=False)
        self.traveller = self.clock.start()
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
        except (ValidationError, services.DuplicateReference, services.PossibleDuplicate):
            return None

    def _pick(self, pick):
        follow_ups = list(DischargeFollowUp.objects.order_by("pk"))
        return follow_ups[pick % len(follow_ups)] if follow_ups else None

    @rule(
        home=st.integers(0, 1),
        trust=st.integers(0, 1),
        hours_ago=st.integers(0, 24 * 20),
        to_other_pharmacy=st.booleans(),
    )
    def record(self, home, trust, hours_ago, to_other_pharmacy):
        from django.utils import timezone

        self._try(
            services.followup_record,
            trust=self.trusts[trust],
            reference=f"PO-{next(self.references)}",
            channel="pharmoutcomes",
            care_home=self.homes[home],
            discharged_on=timezone.localdate() - datetime.timedelta(days=hours_ago // 24 + 1),
            changes_band="1-2",
            reasons=["stopped"],
            pharmacy=self.pharmacies[1 - home] if to_other_pharmacy else None,
            received_at=timezone.now() - datetime.timedelta(hours=hours_ago),
            not_a_duplicate=True,
        )

    @rule(
        pick=st.integers(0, 40),
        action=st.sampled_from(ACTIONS),
        other=st.integers(0, 40),
        choice=st.integers(0, 5),
    )
    def act(self, pick, action, other, choice):
        follow_up = self._pick(pick)
        if follow_up is None:
            return
        if action == "acknowledge":
            self._try(services.followup_acknowledge, follow_up=follow_up)
        elif action.startswith("stage"):
            stage = int(action[-1])
            self._try(
                services.followup_record_stage,
                follow_up=follow_up,
                stage=stage,
                issues=["gp_mismatch"] if choice % 2 else [],
                participants=["care_home_staff"] if stage == 3 else [],
                onward_referral=stage == 3 and choice % 2 == 0,
            )
        elif action == "close_complete":
            self._try(services.followup_close_complete, follow_up=follow_up)
        elif action == "close_partial":
            reasons = ["readmitted", "died", "moved_home", "refused", "not_contacted", "not_appropriate"]
            self._try(services.followup_close_partial, follow_up=follow_up, reason=reasons[choice])
        elif action == "hold":
            self._try(services.followup_hold, follow_up=follow_up)
        elif action == "resume":
            self._try(services.followup_resume, follow_up=follow_up)
        elif action == "redirect":
            self._try(services.followup_redirect, follow_up=follow_up, pharmacy=self.pharmacies[choice % 2])
        elif action == "merge":
            self._try(services.followup_merge, follow_up=follow_up, into=self._pick(other))
        elif action == "reopen":
            self._try(services.followup_reopen, follow_up=follow_up, reason="closed by mistake")
        elif action == "readmission":
            answer = ["yes", "no", "unknown"][choice % 3]
            self._try(services.followup_report_readmission, follow_up=follow_up, readmitted=answer)
        elif action == "onward":
            self._try(services.followup_close_onward_referral, follow_up=follow_up)

    @rule(pharmacy=st.integers(0, 1), schedule=st.integers(0, len(SCHEDULES) - 1))
    def change_opening_hours(self, pharmacy, schedule):
        sessions = SCHEDULES[schedule]
        if sessions is None:
            self._try(services.pharmacy_reset_opening_hours, pharmacy=self.pharmacies[pharmacy])
        else:
            self._try(
                services.pharmacy_set_opening_hours, pharmacy=self.pharmacies[pharmacy], sessions=sessions
            )

    @rule(hours=st.integers(1, 24 * 9))
    def time_passes(self, hours):
        self.traveller.shift(datetime.timedelta(hours=hours))

    @invariant()
    def no_drift(self):
        assert day_counts.counts_drift() == {}

    @invariant()
    def the_figures_equal_a_count_of_the_follow_ups(self):
        kept = discharge_figures()
        counted = discharge_figures(follow_ups=DischargeFollowUp.objects.all())
        assert kept == counted

    @invariant()
    def the_pager_counts_what_it_pages(self):
        from django.utils import timezone

        days = {
            timezone.localtime(at).date()
            for at in DischargeFollowUp.objects.values_list("received_at", flat=True)
        }
        weeks = {f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" for d in days | {timezone.localdate()}}
        filters = [
            {},
            *({"state": state} for state in (State.CLOSED_COMPLETE, State.CLOSED_PARTIAL, State.DUPLICATE)),
        ]
        filters += [{"week": week} for week in sorted(weeks)]
        filters += [{"week": week, "state": State.CLOSED_PARTIAL} for week in sorted(weeks)]
        for chosen in filters:
            counted, paged = pager_totals(self.pm, **chosen)
            assert counted == paged, chosen


@pytest.mark.slow
def test_day_counts_never_drift_under_any_sequence_of_discharge_services(world):
    DayCountsMachine.world = world
    run_state_machine_as_test(
        DayCountsMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


def test_drift_is_logged_as_an_error_and_repaired_by_the_nightly_task(caplog):
    DischargeFollowUpFactory(state=State.CLOSED_COMPLETE)
    FollowUpDayCount.objects.update(followups=5)

    from discharge.tasks import check_day_counts

    assert check_day_counts.apply().get() == 1
    assert any(
        r.levelname == "ERROR" and "discharge day counts drift" in r.getMessage() for r in caplog.records
    )
    assert day_counts.counts_drift() == {}
    assert day_counts.day_counts_check() == 0


def test_a_rebuild_after_a_bulk_load_counts_every_follow_up_in_two_statements():
    home = CareHomeFactory()
    trust = OrganisationFactory()
    now = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.UTC)
    DischargeFollowUp.objects.bulk_create(
        DischargeFollowUp(
            trust=trust,
            reference=f"PO-{n}",
            channel="pharmoutcomes",
            care_home=home,
            pharmacy=home.supplying_pharmacy,
            discharged_on=now.date(),
            changes_band="1-2",
            received_at=now,
            routed_at=now,
            state=State.CLOSED_COMPLETE if n % 2 else State.EXPECTED,
        )
        for n in range(30)
    )  # no signals: the counts do not know yet
    assert day_counts.counts_drift() != {}

    with CaptureQueriesContext(connection) as queries:
        day_counts.day_counts_rebuild()

    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "DELETE", "UPDATE"))
    ]
    assert len(writes) == 2 and "SELECT" in writes[1]  # set-based: one DELETE, one INSERT … SELECT
    assert day_counts.counts_drift() == {}
    assert FollowUpDayCount.objects.get(state=State.CLOSED_COMPLETE).followups == 15


def test_the_dashboard_figures_never_count_the_follow_ups_by_day():
    for _ in range(3):
        DischargeFollowUpFactory()
    with CaptureQueriesContext(connection) as queries:
        discharge_figures()
    table = DischargeFollowUp._meta.db_table
    grouped = [q["sql"] for q in queries.captured_queries if table in q["sql"] and "GROUP BY" in q["sql"]]
    assert grouped == []


def test_the_pager_counts_a_weeks_closed_follow_ups_from_monday_to_sunday_night_without_counting_them():
    """A week is Monday 00:00 to Sunday 24:00, London time."""
    london = zoneinfo.ZoneInfo("Europe/London")
    monday = datetime.datetime(2026, 11, 16, 0, 0, tzinfo=london)
    for received in (
        monday - datetime.timedelta(seconds=1),  # the Sunday before: another week
        monday,
        monday + datetime.timedelta(days=7) - datetime.timedelta(seconds=1),
        monday + datetime.timedelta(days=7),  # the next Monday
    ):
        DischargeFollowUpFactory(
            received_at=received, routed_at=received, state=State.CLOSED_PARTIAL, close_reason="died"
        )
    pm = user_with_role(PROJECT_MANAGER)

    listed = followup_list(user=pm, week="2026-W47")
    with CaptureQueriesContext(connection) as queries:
        counted = listed.count()

    assert counted == 2 == listed.closed_ones.count()
    table = DischargeFollowUp._meta.db_table
    assert not [q for q in queries.captured_queries if table in q["sql"] and "closed_partial" in q["sql"]]
