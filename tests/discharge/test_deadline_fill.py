"""The stored deadlines are filled in the database (migration discharge 0004 and after an hours change),
and come out exactly as `timers.deadlines` works them out one at a time: across weekends, bank
holidays, both clock changes, session edges to the microsecond, and recorded opening hours."""

import datetime
import importlib
import random
import zoneinfo
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discharge import deadline_fill, timers
from discharge.models import DischargeFollowUp, PharmacyOpeningHours
from tests.factories import CommunityPharmacyFactory, DischargeFollowUpFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
T = datetime.time
MIDNIGHT = T(23, 59, 59, 999999)
# A pharmacy open mornings and late afternoons on weekdays, Sunday until midnight, shut Saturday.
SPLIT_WEEK = [
    *((day, T(8, 30), T(12, 30)) for day in range(5)),
    *((day, T(14), T(19, 15)) for day in range(5)),
    (6, T(10), MIDNIGHT),
]
ONE_HOUR_A_WEEK = [(2, T(9), T(10))]


def local(*args, **kwargs):
    return datetime.datetime(*args, **kwargs, tzinfo=LONDON)


def awkward_instants(schedule, count, seed):
    """Random instants over a year and a half, plus every session edge and its neighbours, plus the
    instants whose deadline falls exactly on an edge (where the deadline jumps)."""
    rng = random.Random(seed)
    lo = local(2025, 12, 20, 3)
    instants = [lo + datetime.timedelta(seconds=rng.randrange(0, 500 * 86400)) for _ in range(count)]
    instants += [
        local(2026, 3, 29, 0, 59), local(2026, 3, 29, 2, 0),  # spring clock change
        local(2026, 10, 25, 1, 30, fold=0), local(2026, 10, 25, 1, 30, fold=1),  # autumn
        local(2025, 12, 24, 18), local(2025, 12, 25, 12), local(2026, 4, 3, 9), local(2026, 5, 22, 17, 59),
    ]  # fmt: skip
    edges = deadline_fill._breakpoints(
        lo.astimezone(datetime.UTC), local(2026, 11, 30).astimezone(datetime.UTC), schedule
    )
    for edge in rng.sample(edges, min(len(edges), 150)):
        instants += [edge - deadline_fill.MICRO, edge, edge + deadline_fill.MICRO]
    return instants


@pytest.mark.parametrize(
    "rows", [None, SPLIT_WEEK, ONE_HOUR_A_WEEK], ids=["default hours", "split week", "one hour a week"]
)
def test_pieces_give_the_timers_deadlines_to_the_microsecond(rows):
    schedule = timers.schedule_from_rows(rows) if rows else timers.default_schedule()
    instants = [i.astimezone(datetime.UTC) for i in awkward_instants(schedule, 400, seed=len(rows or ()))]
    lo, hi = min(instants), max(instants)
    lost, due = deadline_fill.lost_pieces(lo, hi), deadline_fill.stage1_pieces(lo, hi, schedule)
    for instant in instants:
        assert (lost.value(instant), due.value(instant)) == timers.deadlines(instant, schedule), instant


def _follow_ups_without_deadlines(pharmacy, instants):
    """Rows as a bulk load (or the migration's starting point) leaves them: no deadlines."""
    model = DischargeFollowUpFactory(pharmacy=pharmacy)
    DischargeFollowUp.objects.bulk_create(
        DischargeFollowUp(
            **{
                f.attname: getattr(model, f.attname)
                for f in DischargeFollowUp._meta.concrete_fields
                if f.attname
                not in ("id", "reference", "routed_at", "received_at", "lost_at", "stage1_due_at")
            },
            reference=f"{pharmacy.pk}-{n}",
            received_at=instant,
            routed_at=instant,
        )
        for n, instant in enumerate(instants)
    )
    model.delete()


def _set_hours(pharmacy, rows):
    PharmacyOpeningHours.objects.bulk_create(
        PharmacyOpeningHours(pharmacy=pharmacy, weekday=d, opens_at=o, closes_at=c) for d, o, c in rows
    )


def _run_migration_fill():
    migration = importlib.import_module("discharge.migrations.0004_followup_deadlines")
    # The function reads only the editor's connection (a real schema editor cannot open inside a test's
    # transaction on SQLite).
    migration.backfill_deadlines(global_apps, SimpleNamespace(connection=connection))


def _expected(follow_up):
    rows = PharmacyOpeningHours.objects.filter(pharmacy_id=follow_up.pharmacy_id).values_list(
        "weekday", "opens_at", "closes_at"
    )
    schedule = timers.schedule_from_rows(rows) or timers.default_schedule()
    return timers.deadlines(follow_up.routed_at, schedule)


@pytest.mark.django_db
@pytest.mark.parametrize("min_rows", [0, 10_000], ids=["in the database", "small groups in Python"])
def test_migration_fills_the_same_deadlines_as_the_timers(min_rows, monkeypatch):
    monkeypatch.setattr(deadline_fill, "PIECES_MIN_ROWS", min_rows)
    default_a, default_b, split, sparse = (CommunityPharmacyFactory() for _ in range(4))
    _set_hours(split, SPLIT_WEEK)
    _set_hours(sparse, ONE_HOUR_A_WEEK)
    for n, pharmacy in enumerate((default_a, default_b, split, sparse)):
        schedule = (
            timers.schedule_from_rows(
                PharmacyOpeningHours.objects.filter(pharmacy=pharmacy).values_list(
                    "weekday", "opens_at", "closes_at"
                )
            )
            or timers.default_schedule()
        )
        _follow_ups_without_deadlines(pharmacy, awkward_instants(schedule, 60, seed=n)[:160])
    assert DischargeFollowUp.objects.filter(lost_at__isnull=False).count() == 0

    with CaptureQueriesContext(connection) as ctx:
        _run_migration_fill()
    if min_rows == 0 and connection.vendor == "postgresql":
        updates = [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
        assert len(updates) == 3  # default hours, and one for each recorded week

    follow_ups = list(DischargeFollowUp.objects.all())
    assert len(follow_ups) == 4 * 160
    for follow_up in follow_ups:
        assert (follow_up.lost_at, follow_up.stage1_due_at) == _expected(follow_up), follow_up.routed_at


@pytest.mark.django_db
def test_a_bank_holiday_monday_and_a_saturday_evening_come_out_right():
    """Two cases a reader can check by hand: received Friday 22 May 2026 (late May bank holiday on
        Monday 25th) is lost from Wednesday 27th; received Saturday 5:59pm at default hours has one
        minute that day, then 54 hours in the week of 1 June, 9 on Monday 8 June and the last 8h59m on
    Tuesday 9 June: due at 5:59pm."""
    pharmacy = CommunityPharmacyFactory()
    _follow_ups_without_deadlines(pharmacy, [local(2026, 5, 22, 10), local(2026, 5, 30, 17, 59)])
    deadline_fill.PIECES_MIN_ROWS, saved = 0, deadline_fill.PIECES_MIN_ROWS
    try:
        _run_migration_fill()
    finally:
        deadline_fill.PIECES_MIN_ROWS = saved
    friday, saturday = DischargeFollowUp.objects.order_by("routed_at")
    assert friday.lost_at == local(2026, 5, 27)
    assert saturday.stage1_due_at == local(2026, 6, 9, 17, 59)
