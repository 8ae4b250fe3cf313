"""Lost, overdue and stalled: worked out from the stored times whenever they are read.

Nothing here is stored, so the answers are right on the embedded default (which runs no scheduler)
and never stale. The hourly Celery task (`discharge.tasks`) only sends the alerts.

- **Lost**: still "expected" (not acknowledged) after the end of the first working day after the
  day it reached the pharmacy (`LOST_WORKING_DAYS`, 1 by default). Saturdays, Sundays and England
  and Wales bank holidays (the `holidays` library) are not working days. Received on Friday (or
  over the weekend): lost from Tuesday 00:00, or Wednesday when Monday is a bank holiday.
- **Overdue**: stage 1 not done after `STAGE1_OPEN_HOURS` (72) hours of receipt, counting only
  the hours the pharmacy is open: its weekly opening hours where recorded, else Monday to
  Saturday 9am to 6pm. Exactly 72 open hours is still on time. Hours are real elapsed hours, so
  a session across the October clock change is an hour longer.
- **Stalled**: open (not closed, not merged) more than `STALLED_DAYS` (14) days after receipt.

Each rule is monotonic in the time of receipt, so for a given moment it becomes one cut-off
instant per schedule, and a list filters and sorts by it in the database: the same few queries
for ten follow-ups or a million. Each follow-up also keeps its two deadlines (`lost_at`,
`stage1_due_at`) for the figures; `discharge.deadline_fill` fills many of them at once in SQL with
exactly these functions' results.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import BooleanField, Case, Q, Value, When

from discharge.states import OPEN_STATES, WORKING_STATES, State

UTC = datetime.UTC
DEFAULT_SCHEDULE_NAME = "Monday to Saturday, 9am to 6pm (no opening hours recorded)"
RECORDED_SCHEDULE_NAME = "the pharmacy's recorded opening hours"


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _config():
    return settings.DISCHARGE


@lru_cache(maxsize=64)
def _bank_holidays(subdivision, year):
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(_config()["HOLIDAY_SUBDIVISION"], day.year)


def _start_of_day(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_tz())


def lost_from(routed_at: datetime.datetime) -> datetime.datetime:
    """The moment a follow-up received at `routed_at` becomes lost if still not acknowledged."""
    day = routed_at.astimezone(_tz()).date()
    remaining = _config()["LOST_WORKING_DAYS"]
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return _start_of_day(day + datetime.timedelta(days=1))


def lost_cutoff(now: datetime.datetime) -> datetime.datetime:
    """Follow-ups routed before this instant, and still expected, are lost at `now`."""
    day = now.astimezone(_tz()).date()
    while lost_from(_start_of_day(day - datetime.timedelta(days=1))) > now:
        day -= datetime.timedelta(days=1)
    return _start_of_day(day)


# Opening hours --------------------------------------------------------------------------------


def _time(value):
    return value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)


def default_schedule():
    """Weekday -> ((opens, closes), ...) from the settings (Monday to Saturday 9 to 6)."""
    config = _config()
    session = ((_time(config["DEFAULT_OPENS_AT"]), _time(config["DEFAULT_CLOSES_AT"])),)
    return dict.fromkeys(config["DEFAULT_OPEN_DAYS"], session)


def schedule_from_rows(rows):
    """(weekday, opens_at, closes_at) rows -> a schedule; None when there are no rows."""
    schedule = {}
    for weekday, opens_at, closes_at in rows:
        schedule.setdefault(weekday, []).append((opens_at, closes_at))
    return {k: tuple(sorted(v)) for k, v in schedule.items()} or None


def _freeze(schedule):
    return tuple(sorted((k, tuple(v)) for k, v in schedule.items()))


def _sessions(day, schedule):
    """The open intervals of one local day, as UTC instants (real elapsed time across clock changes)."""
    tz = _tz()
    for opens, closes in schedule.get(day.weekday(), ()):
        start = datetime.datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
        end = datetime.datetime.combine(day, closes, tzinfo=tz).astimezone(UTC)
        if end > start:
            yield start, end


def _has_sessions(schedule):
    return any(closes > opens for sessions in schedule.values() for opens, closes in sessions)


def open_time_between(start, end, schedule) -> datetime.timedelta:
    """How long the pharmacy was open between two instants."""
    total = datetime.timedelta()
    if end <= start:
        return total
    tz = _tz()
    day = start.astimezone(tz).date() - datetime.timedelta(days=1)
    last = end.astimezone(tz).date() + datetime.timedelta(days=1)
    while day <= last:
        for s, e in _sessions(day, schedule):
            overlap = min(e, end) - max(s, start)
            if overlap > datetime.timedelta():
                total += overlap
        day += datetime.timedelta(days=1)
    return total


def stage1_due(routed_at, schedule) -> datetime.datetime:
    """The last moment stage 1 is on time: `STAGE1_OPEN_HOURS` opening hours after receipt."""
    remaining = datetime.timedelta(hours=_config()["STAGE1_OPEN_HOURS"])
    if not _has_sessions(schedule):
        raise ValueError("A schedule with no opening hours never reaches a deadline.")
    routed_at = routed_at.astimezone(UTC)
    day = routed_at.astimezone(_tz()).date() - datetime.timedelta(days=1)
    while True:
        for s, e in _sessions(day, schedule):
            s = max(s, routed_at)
            if e <= s:
                continue
            if e - s >= remaining:
                return (s + remaining).astimezone(_tz())
            remaining -= e - s
        day += datetime.timedelta(days=1)


def deadlines(routed_at, schedule):
    """(lost from, stage 1 due by) for a follow-up routed at `routed_at` to a pharmacy open `schedule`."""
    return lost_from(routed_at), stage1_due(routed_at, schedule)


def _open_at(moment, schedule):
    """Is the pharmacy open just before `moment` (s < moment <= e for a session)?"""
    day = moment.astimezone(_tz()).date()
    return any(
        s < moment <= e for d in (day - datetime.timedelta(days=1), day) for s, e in _sessions(d, schedule)
    )


@lru_cache(maxsize=4096)
def _overdue_cutoff(now, frozen_schedule, hours):
    """Overdue at `now` means the allowance ran out strictly before `now`: while the pharmacy is open,
    more than the allowance of open time has passed; while it is closed, at least the allowance."""
    schedule = dict(frozen_schedule)
    remaining = datetime.timedelta(hours=hours)
    strict = _open_at(now, schedule)
    day = now.astimezone(_tz()).date() + datetime.timedelta(days=1)
    reached = False
    while True:
        for s, e in sorted(_sessions(day, schedule), reverse=True):
            e = min(e, now)
            if e <= s:
                continue
            if reached:
                # The allowance was reached exactly at the later session's start: a receipt after this
                # session's end has had exactly the allowance of open time, so is still on time.
                return e
            if not strict and e - s >= remaining:
                return e - remaining + datetime.timedelta(microseconds=1)
            if e - s > remaining:
                return e - remaining
            remaining -= e - s
            reached = remaining == datetime.timedelta()
        day -= datetime.timedelta(days=1)


def overdue_cutoff(now, schedule) -> datetime.datetime:
    """Follow-ups routed before this instant, with stage 1 not done, are overdue at `now`."""
    if not _has_sessions(schedule):
        return datetime.datetime.min.replace(tzinfo=UTC)
    return _overdue_cutoff(now.astimezone(UTC), _freeze(schedule), _config()["STAGE1_OPEN_HOURS"])


def stalled_cutoff(now) -> datetime.datetime:
    return now - datetime.timedelta(days=_config()["STALLED_DAYS"])


# The timers as database expressions -------------------------------------------------------------


@dataclass(frozen=True)
class Cutoffs:
    """The cut-off instants for one moment: everything a list needs to decide the timers in SQL."""

    now: datetime.datetime
    lost: datetime.datetime
    stalled: datetime.datetime
    overdue_default: datetime.datetime
    # ((pharmacy ids...), cut-off) for pharmacies with recorded opening hours, grouped by schedule.
    overdue_recorded: tuple

    @property
    def recorded_pharmacy_ids(self):
        return [pk for ids, _ in self.overdue_recorded for pk in ids]


def cutoffs(now, opening_rows) -> Cutoffs:
    """`opening_rows`: (pharmacy_id, weekday, opens_at, closes_at) of every recorded session."""
    by_pharmacy = {}
    for pharmacy_id, weekday, opens_at, closes_at in opening_rows:
        by_pharmacy.setdefault(pharmacy_id, []).append((weekday, opens_at, closes_at))
    groups = {}
    for pharmacy_id, rows in by_pharmacy.items():
        groups.setdefault(_freeze(schedule_from_rows(rows)), []).append(pharmacy_id)
    recorded = tuple(
        (tuple(sorted(ids)), overdue_cutoff(now, dict(frozen))) for frozen, ids in sorted(groups.items())
    )
    return Cutoffs(
        now=now,
        lost=lost_cutoff(now),
        stalled=stalled_cutoff(now),
        overdue_default=overdue_cutoff(now, default_schedule()),
        overdue_recorded=recorded,
    )


def lost_q(c: Cutoffs, prefix=""):
    return Q(**{f"{prefix}state": State.EXPECTED, f"{prefix}routed_at__lt": c.lost})


def overdue_q(c: Cutoffs, prefix=""):
    late = ~Q(**{f"{prefix}pharmacy_id__in": c.recorded_pharmacy_ids}) & Q(
        **{f"{prefix}routed_at__lt": c.overdue_default}
    )
    for ids, cut in c.overdue_recorded:
        late |= Q(**{f"{prefix}pharmacy_id__in": ids, f"{prefix}routed_at__lt": cut})
    return Q(**{f"{prefix}state__in": list(WORKING_STATES), f"{prefix}stage1_at__isnull": True}) & late


def stalled_q(c: Cutoffs, prefix=""):
    return Q(**{f"{prefix}state__in": list(OPEN_STATES), f"{prefix}received_at__lt": c.stalled})


def _flag(condition):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_timers(queryset, c: Cutoffs):
    """Annotate follow-ups with is_lost, is_overdue and is_stalled."""
    return queryset.annotate(
        is_lost=_flag(lost_q(c)), is_overdue=_flag(overdue_q(c)), is_stalled=_flag(stalled_q(c))
    )
