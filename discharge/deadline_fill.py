"""Fill many follow-ups' stored deadlines in the database: a few UPDATE statements, not one per row.

Both deadlines depend only on `routed_at` and the pharmacy's weekly hours (`discharge.timers`):

- "lost" is the same for every follow-up routed on one local day: one value per day;
- "stage 1 due" is, between a few breakpoints a week, either a constant (routed while the pharmacy
  is closed: due 72 open hours after it next opens) or `routed_at` plus a constant (routed while
  open). The breakpoints are the session boundaries and the instants whose deadline falls exactly
  on a session boundary.

So for one schedule and a span of routing times the deadlines are a short table of pieces, worked
out here with the timers' own functions (each piece is checked against them at both ends and the
middle), and each row finds its piece by binary search in SQL (`width_bucket` over the sorted
piece starts, PostgreSQL) or by one `queryset.update` per piece that holds rows (other databases).
Pharmacies with recorded hours whose follow-ups are too few to be worth their own pieces are worked
out in Python, in batches. The results are exactly those of `timers.deadlines`.
"""

import bisect
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    Value,
)
from django.db.models.functions import Coalesce

from discharge import timers

UTC = datetime.UTC
MICRO = datetime.timedelta(microseconds=1)
DAY = datetime.timedelta(days=1)
# A schedule group with fewer follow-ups than this is worked out in Python (pieces cost ~2,500 a year).
PIECES_MIN_ROWS = 2000
BATCH = 2000


@dataclass(frozen=True)
class Pieces:
    """Row value = `offsets[i]` added to the routing time, or `constants[i]`, where piece i is
    [starts[i], starts[i + 1]) (the last piece is open-ended and holds nothing)."""

    starts: list
    offsets: list
    constants: list

    def value(self, routed_at):
        i = bisect.bisect_right(self.starts, routed_at) - 1
        if i < 0:
            return None
        return routed_at + self.offsets[i] if self.offsets[i] is not None else self.constants[i]


def lost_pieces(lo, hi) -> Pieces:
    """One piece per local day from `lo`'s day to `hi`'s: everything routed that day is lost at once."""
    day = lo.astimezone(timers._tz()).date()
    last = hi.astimezone(timers._tz()).date()
    starts, constants = [], []
    while day <= last:
        start = timers._start_of_day(day)
        starts.append(start.astimezone(UTC))
        constants.append(timers.lost_from(start).astimezone(UTC))
        day += DAY
    starts.append(timers._start_of_day(day).astimezone(UTC))
    constants.append(None)
    return Pieces(starts, [None] * len(starts), constants)


def _due(routed_at, schedule):
    return timers.stage1_due(routed_at, schedule).astimezone(UTC)


def _breakpoints(lo, hi, schedule):
    """Every instant in [lo, hi] where the stage-1 deadline may change how it follows `routed_at`."""
    allowance = datetime.timedelta(hours=settings.DISCHARGE["STAGE1_OPEN_HOURS"])
    tz = timers._tz()
    day = lo.astimezone(tz).date() - DAY
    last = _due(hi, schedule).astimezone(tz).date() + DAY
    sessions = []
    while day <= last:
        sessions.extend(timers._sessions(day, schedule))
        day += DAY
    sessions.sort()
    # Open time before each session starts (sessions never overlap: the service refuses it).
    before, total = [], datetime.timedelta()
    for s, e in sessions:
        before.append(total)
        total += e - s
    points = set()
    for k, (s, e) in enumerate(sessions):
        for boundary, open_before in ((s, before[k]), (e, before[k] + (e - s))):
            points.add(boundary)
            # The routing instants whose deadline is exactly this boundary.
            target = open_before - allowance
            if target < datetime.timedelta():
                continue
            i = bisect.bisect_right(before, target) - 1
            start, end = sessions[i]
            if target - before[i] <= end - start:
                points.add(start + (target - before[i]))
            if target == before[i] and i > 0:
                points.add(sessions[i - 1][1])
    return sorted(p for p in points if lo < p <= hi)


def stage1_pieces(lo, hi, schedule) -> Pieces:
    """The stage-1 deadline for any routing time in [lo, hi], as pieces checked against the timers."""
    lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
    edges = [lo, *_breakpoints(lo, hi, schedule), hi + MICRO]
    starts, offsets, constants = [], [], []
    for p, q in zip(edges, edges[1:], strict=False):
        # The breakpoint itself (the deadline may jump just after it) ...
        starts.append(p)
        offsets.append(None)
        constants.append(_due(p, schedule))
        a, z = p + MICRO, q - MICRO
        if a >= q:
            continue
        # ... then the stretch to the next one: constant, or routing time plus a constant.
        due_a, due_z = _due(a, schedule), _due(z, schedule)
        starts.append(a)
        if due_a == due_z:
            offsets.append(None)
            constants.append(due_a)
            continue
        middle = a + (z - a) / 2
        if due_z - z != due_a - a or _due(middle, schedule) - middle != due_a - a:
            raise AssertionError(f"stage-1 deadlines between {a} and {z} follow no single rule")
        offsets.append(due_a - a)
        constants.append(None)
    starts.append(hi + MICRO)
    offsets.append(None)
    constants.append(None)
    return Pieces(starts, offsets, constants)


class _Piece(Func):
    """`(values)[width_bucket(routed_at, starts)]`: each row's piece, by binary search (PostgreSQL)."""

    def __init__(self, values, starts, kind, output_field):
        super().__init__(Value(values), F("routed_at"), Value(starts), output_field=output_field)
        self.kind = kind

    def as_sql(self, compiler, connection, **extra_context):
        (values, values_params), (routed, routed_params), (starts, starts_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"({values}::{self.kind}[])[width_bucket({routed}, {starts}::timestamptz[])]"
        return sql, (*values_params, *routed_params, *starts_params)


def _update_postgres(queryset, lost, due):
    moment = DateTimeField()
    return queryset.update(
        lost_at=_Piece(lost.constants, lost.starts, "timestamptz", moment),
        stage1_due_at=Coalesce(
            ExpressionWrapper(
                F("routed_at") + _Piece(due.offsets, due.starts, "interval", DurationField()), moment
            ),
            _Piece(due.constants, due.starts, "timestamptz", moment),
        ),
    )


def _update_each_piece(queryset, lost, due):
    """One UPDATE per piece that holds rows (SQLite and the like: no binary search in SQL)."""
    routed = sorted(set(queryset.values_list("routed_at", flat=True)))

    def occupied(pieces):
        for i, start in enumerate(pieces.starts[:-1]):
            end = pieces.starts[i + 1]
            j = bisect.bisect_left(routed, start)
            if j < len(routed) and routed[j] < end:
                yield queryset.filter(routed_at__gte=start, routed_at__lt=end), i

    for rows, i in occupied(lost):
        rows.update(lost_at=Value(lost.constants[i]))
    for rows, i in occupied(due):
        if due.offsets[i] is None:
            rows.update(stage1_due_at=Value(due.constants[i]))
        else:
            rows.update(stage1_due_at=F("routed_at") + Value(due.offsets[i]))
    return len(routed)


def _update_in_python(queryset, schedule):
    model = queryset.model
    batch = []
    for follow_up in queryset.only("pk", "routed_at").order_by("pk").iterator(chunk_size=BATCH):
        follow_up.lost_at, follow_up.stage1_due_at = timers.deadlines(follow_up.routed_at, schedule)
        batch.append(follow_up)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, ["lost_at", "stage1_due_at"])
            batch = []
    model.objects.bulk_update(batch, ["lost_at", "stage1_due_at"])


def fill_schedule(queryset, schedule, connection, *, min_rows=None):
    """Set both deadlines on every follow-up in `queryset` (all at pharmacies open `schedule`)."""
    span = queryset.aggregate(lo=Min("routed_at"), hi=Max("routed_at"), n=Count("pk"))
    if not span["n"]:
        return
    if span["n"] < (PIECES_MIN_ROWS if min_rows is None else min_rows):
        _update_in_python(queryset, schedule)
        return
    lost = lost_pieces(span["lo"], span["hi"])
    due = stage1_pieces(span["lo"], span["hi"], schedule)
    if connection.vendor == "postgresql":
        _update_postgres(queryset, lost, due)
    else:
        _update_each_piece(queryset, lost, due)


def fill_deadlines(follow_ups, opening_rows, connection, *, min_rows=None):
    """Every follow-up in `follow_ups` (a queryset) gets the deadlines of its pharmacy's hours as they
    are now; `opening_rows` are (pharmacy_id, weekday, opens_at, closes_at) of every recorded session.
    One UPDATE for the pharmacies on the default hours and one per distinct recorded week."""
    by_pharmacy = {}
    for pharmacy_id, weekday, opens_at, closes_at in opening_rows:
        by_pharmacy.setdefault(pharmacy_id, []).append((weekday, opens_at, closes_at))
    groups = {}
    for pharmacy_id, rows in by_pharmacy.items():
        schedule = timers.schedule_from_rows(rows)
        groups.setdefault(timers._freeze(schedule), []).append(pharmacy_id)
    fill_schedule(
        follow_ups.exclude(pharmacy_id__in=list(by_pharmacy)),
        timers.default_schedule(),
        connection,
        min_rows=min_rows,
    )
    for frozen, ids in sorted(groups.items()):
        fill_schedule(follow_ups.filter(pharmacy_id__in=ids), dict(frozen), connection, min_rows=min_rows)
