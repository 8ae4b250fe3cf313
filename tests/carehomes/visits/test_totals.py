"""The visit list's totals come from day totals the writers keep, and always equal a sum of the visits.

A stateful property test drives random sequences of the real visit services (log, correct, delete,
with any mode, activities, counts, date and cover) and, after every step, checks that recomputing
the day totals from the visit table finds no drift, and that the totals the visit list shows for
each filter the day totals answer equal a sum over the visits those filters select. The page
tests check what a project manager sees: the totals, the totals after a save (no stale read), and
that the page never sums the visit table.
"""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from carehomes.models import Visit, VisitDayTotal
from carehomes.visits import totals
from carehomes.visits.selectors import visit_filter, visit_list_totals, visit_totals, visits_for
from carehomes.visits.services import visit_create, visit_delete, visit_update
from organisations.access import PROJECT_MANAGER
from tests.conftest import FROZEN_TODAY
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    StaffMemberFactory,
    VisitFactory,
    user_with_role,
)

pytestmark = [pytest.mark.django_db]

TODAY = datetime.date(2026, 11, 18)
ACTIVITIES = list(Visit.ACTIVITIES)
FILTER_SETS = [
    {},
    {"mode": "video"},
    {"activity": "smr"},
    {"activity": "audit", "mode": "on_site"},
    {"cover": True},
    {"date_from": TODAY - datetime.timedelta(days=3)},
    {"date_from": TODAY - datetime.timedelta(days=10), "date_to": TODAY - datetime.timedelta(days=2)},
]


def summed(user, filters):
    """What a sum over the visits the filters select gives (the old way, and the truth)."""
    figures = visit_totals(visit_filter(visits_for(user), **filters))
    return {name: figures[name] for name in (*VisitDayTotal.FIGURES[:1], "residents_reviewed", "minutes")} | {
        "interventions": figures["interventions"],
        "issues_escalated": figures["issues_escalated"],
    }


def shown(user, filters):
    figures = visit_list_totals(user, filters, visit_filter(visits_for(user), **filters))
    return {name: figures[name] for name in VisitDayTotal.FIGURES}


@pytest.fixture
def world(db):
    with time_machine.travel(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC), tick=False):
        pm = user_with_role(PROJECT_MANAGER, username="pm-totals")
        homes = [CareHomeFactory(beds=30) for _ in range(2)]
        staff = [StaffMemberFactory() for _ in range(2)]
        AssignmentFactory(care_home=homes[0], staff=staff[0], starts_on=TODAY - datetime.timedelta(days=60))
    return pm, homes, staff


class TotalsMachine(RuleBasedStateMachine):
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

    def _pick(self, pick):
        visits = list(Visit.objects.order_by("pk"))
        return visits[pick % len(visits)] if visits else None

    @rule(
        home=st.integers(0, 1),
        staff=st.integers(0, 1),
        ago=st.integers(0, 12),
        mode=st.sampled_from(Visit.Mode.values),
        activities=st.lists(st.sampled_from(ACTIVITIES), min_size=1, max_size=3, unique=True),
        residents=st.integers(0, 6),
        stopped=st.integers(0, 3),
        escalated=st.integers(0, 2),
        minutes=st.integers(1, 200),
    )
    def log_visit(self, home, staff, ago, mode, activities, residents, stopped, escalated, minutes):
        self._try(
            visit_create,
            care_home=self.homes[home],
            staff=self.staff[staff],
            submission_token=uuid.uuid4(),
            confirm_duplicate=True,
            visited_on=TODAY - datetime.timedelta(days=ago),
            mode=mode,
            activities=activities,
            residents_reviewed=residents,
            interventions_stopped=stopped,
            issues_escalated=escalated,
            escalation_summary="Called the GP" if escalated else "",
            minutes_spent=minutes,
        )

    @rule(
        pick=st.integers(0, 30),
        home=st.integers(0, 1),
        ago=st.integers(0, 12),
        mode=st.sampled_from(Visit.Mode.values),
        activities=st.lists(st.sampled_from(ACTIVITIES), min_size=1, max_size=3, unique=True),
        residents=st.integers(0, 6),
        minutes=st.integers(1, 200),
    )
    def correct_visit(self, pick, home, ago, mode, activities, residents, minutes):
        visit = self._pick(pick)
        if visit is not None:
            self._try(
                visit_update,
                visit=visit,
                reason="wrong details",
                confirm_duplicate=True,
                care_home=self.homes[home],
                visited_on=TODAY - datetime.timedelta(days=ago),
                mode=mode,
                activities=activities,
                residents_reviewed=residents,
                minutes_spent=minutes,
            )

    @rule(pick=st.integers(0, 30))
    def delete_visit(self, pick):
        visit = self._pick(pick)
        if visit is not None:
            self._try(visit_delete, visit=visit, reason="logged twice")

    @invariant()
    def no_drift(self):
        assert totals.totals_drift() == {}

    @invariant()
    def the_list_shows_what_a_sum_of_the_visits_gives(self):
        for filters in FILTER_SETS:
            assert shown(self.pm, filters) == summed(self.pm, filters), filters


@pytest.mark.slow
def test_day_totals_never_drift_under_any_sequence_of_visit_services(world):
    TotalsMachine.world = world
    run_state_machine_as_test(
        TotalsMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


def test_drift_is_logged_as_an_error_and_repaired_by_the_nightly_task(caplog):
    VisitFactory(minutes_spent=40)
    VisitDayTotal.objects.filter(activity="").update(minutes=1)

    from carehomes.tasks import check_visit_totals

    assert check_visit_totals.apply().get() == 1
    assert any(r.levelname == "ERROR" and "visit totals drift" in r.getMessage() for r in caplog.records)
    assert totals.totals_drift() == {}
    assert totals.visit_totals_check() == 0


def test_a_rebuild_after_a_bulk_load_counts_every_visit():
    home = CareHomeFactory()
    staff = StaffMemberFactory()
    Visit.objects.bulk_create(
        Visit(
            care_home=home, staff=staff, visited_on=TODAY, mode="phone", minutes_spent=10, activity_other=True
        )
        for _ in range(3)
    )  # no signals: the totals do not know yet
    assert totals.totals_drift() != {}

    totals.visit_totals_rebuild()

    assert totals.totals_drift() == {}
    assert VisitDayTotal.objects.get(activity="", visited_on=TODAY, mode="phone").visits == 3


# ---------------------------------------------------------------------------------------------
# What the project manager sees.


def total(html, key):
    after = html.split(f'<dt class="nhsuk-summary-list__key">{key}</dt>', 1)[1]
    return after.split('<dd class="nhsuk-summary-list__value">', 1)[1].split("</dd>", 1)[0].strip()


@pytest.mark.usefixtures("frozen_today")
def test_the_totals_count_a_saved_visit_on_the_very_next_load(client_for, pm_user, pharmacist, home):
    VisitFactory(care_home=home, residents_reviewed=4, minutes_spent=60)
    client = client_for(pm_user)
    before = client.get("/visits/").content.decode()
    assert (total(before, "Visits"), total(before, "Residents reviewed")) == ("1", "4")
    interventions_before = int(total(before, "Interventions"))

    response = client_for(pharmacist).post(
        "/visits/new/",
        {
            "submission_token": str(uuid.uuid4()),
            "care_home": str(home.pk),
            "visited_on": FROZEN_TODAY.isoformat(),
            "mode": "video",
            "activities": ["smr"],
            "residents_reviewed": "3",
            "interventions_stopped": "2",
            "issues_escalated": "0",
            "minutes_spent": "30",
        },
    )
    assert response.status_code == 302

    client = client_for(pm_user)  # the one test client, signed in as the pharmacist to post
    after = client.get("/visits/").content.decode()
    assert total(after, "Visits") == "2"
    assert total(after, "Residents reviewed") == "7"
    assert total(after, "Interventions") == str(interventions_before + 2)
    assert total(after, "Time spent").startswith("90 minutes")
    only_video = client.get("/visits/", {"mode": "video"}).content.decode()
    assert (total(only_video, "Visits"), total(only_video, "Residents reviewed")) == ("1", "3")


def test_the_whole_list_never_sums_the_visit_table(client_for, pm_user):
    VisitFactory.create_batch(3)
    client = client_for(pm_user)
    client.get("/visits/")
    for params in ({}, {"mode": "phone"}, {"activity": "smr", "cover": "on"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/visits/", params).status_code == 200
        sums_of_visits = [
            q["sql"]
            for q in queries.captured_queries
            if "SUM(" in q["sql"].upper() and 'carehomes_visit"' in q["sql"]
        ]
        assert sums_of_visits == [], params
