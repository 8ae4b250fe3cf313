"""Lost, overdue and stalled at their edges: working days, bank holidays, opening hours, clock change."""

import datetime
import zoneinfo

import pytest

from discharge import timers
from discharge.states import State
from tests.factories import DischargeFollowUpFactory, PharmacyOpeningHoursFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


# Lost: not acknowledged by the end of the next working day -------------------------------------


def test_received_on_a_monday_is_lost_from_wednesday_midnight():
    assert timers.lost_from(at(2026, 11, 23, 14, 0)) == at(2026, 11, 25, 0, 0)


def test_received_on_a_friday_is_lost_from_tuesday_midnight():
    assert timers.lost_from(at(2026, 11, 27, 17, 30)) == at(2026, 12, 1, 0, 0)


def test_received_at_the_weekend_counts_from_monday():
    assert timers.lost_from(at(2026, 11, 28, 10, 0)) == at(2026, 12, 1, 0, 0)
    assert timers.lost_from(at(2026, 11, 29, 23, 59)) == at(2026, 12, 1, 0, 0)


def test_a_bank_holiday_monday_is_not_a_working_day():
    # Friday 28 August 2026; Monday 31 August is the summer bank holiday (England and Wales).
    assert timers.lost_from(at(2026, 8, 28, 12, 0)) == at(2026, 9, 2, 0, 0)


def test_christmas_and_boxing_day_observed_are_skipped():
    # Thursday 24 December 2026: 25th is Christmas, 26th Saturday, 28th Boxing Day (observed).
    assert timers.lost_from(at(2026, 12, 24, 9, 0)) == at(2026, 12, 30, 0, 0)


def test_lost_cutoff_matches_lost_from_at_its_edge():
    received = at(2026, 11, 27, 17, 30)  # Friday
    deadline = timers.lost_from(received)
    just_before = deadline - datetime.timedelta(microseconds=1)
    assert not received < timers.lost_cutoff(just_before)
    assert received < timers.lost_cutoff(deadline)


def test_lost_across_the_october_clock_change_is_midnight_local_time():
    # Friday 23 October 2026; clocks go back on Sunday 25th. Lost from Tuesday 00:00 GMT.
    deadline = timers.lost_from(at(2026, 10, 23, 16, 0))
    assert deadline == at(2026, 10, 27, 0, 0)
    assert deadline.astimezone(datetime.UTC).hour == 0


# Overdue: stage 1 not done within 72 opening hours ------------------------------------------------


def test_default_hours_count_monday_to_saturday_nine_to_six():
    # Monday 09:00 + 72 open hours at 9 a day (Mon-Sat = 54) -> the next Tuesday 18:00.
    assert timers.stage1_due(at(2026, 11, 23, 9, 0), timers.default_schedule()) == at(2026, 12, 1, 18, 0)


def test_received_out_of_hours_starts_counting_at_opening():
    # Sunday 22:00 counts from Monday 09:00.
    assert timers.stage1_due(at(2026, 11, 22, 22, 0), timers.default_schedule()) == at(2026, 12, 1, 18, 0)


def test_overdue_cutoff_exactly_72_hours_is_on_time():
    schedule = timers.default_schedule()
    received = at(2026, 11, 23, 9, 0)
    due = timers.stage1_due(received, schedule)
    assert not received < timers.overdue_cutoff(due, schedule)
    assert received < timers.overdue_cutoff(due + datetime.timedelta(seconds=1), schedule)


def test_overdue_cutoff_at_a_session_boundary_keeps_closed_time_out():
    schedule = timers.default_schedule()
    # At Tuesday 1 December 18:00, a receipt from the previous Monday 09:00 has had exactly 72 hours;
    # so has one made on the Sunday night before, when the pharmacy was closed.
    cutoff = timers.overdue_cutoff(at(2026, 12, 1, 18, 0), schedule)
    assert not at(2026, 11, 22, 22, 0) < cutoff
    assert at(2026, 11, 21, 17, 59) < cutoff  # Saturday before closing: a minute more open time


def test_clock_change_makes_a_night_session_an_hour_longer():
    # A pharmacy open 00:00-06:00 every day: on Sunday 25 October 2026 (clocks back) it is open 7 hours.
    schedule = {d: ((datetime.time(0, 0), datetime.time(6, 0)),) for d in range(7)}
    assert timers.open_time_between(
        at(2026, 10, 25, 0, 0), at(2026, 10, 25, 6, 0), schedule
    ) == datetime.timedelta(hours=7)
    # 72 open hours from Saturday 00:00: 12 sessions of 6h, one of them 7h -> done 1 hour into the 12th day.
    assert timers.stage1_due(at(2026, 10, 24, 0, 0), schedule) == at(2026, 11, 4, 5, 0)


def test_spring_clock_change_makes_a_session_an_hour_shorter():
    schedule = {d: ((datetime.time(0, 0), datetime.time(6, 0)),) for d in range(7)}
    assert timers.open_time_between(
        at(2026, 3, 29, 0, 0), at(2026, 3, 29, 6, 0), schedule
    ) == datetime.timedelta(hours=5)


# In the database -----------------------------------------------------------------------------------


def _flags(now):
    from discharge.models import DischargeFollowUp, PharmacyOpeningHours

    rows = PharmacyOpeningHours.objects.values_list("pharmacy_id", "weekday", "opens_at", "closes_at")
    c = timers.cutoffs(now, list(rows))
    return {
        f.reference: (f.is_lost, f.is_overdue, f.is_stalled)
        for f in timers.with_timers(DischargeFollowUp.objects.all(), c)
    }


@pytest.mark.django_db
def test_timers_in_the_database_agree_with_the_rules():
    monday = at(2026, 11, 23, 10, 0)
    DischargeFollowUpFactory(reference="PO-NEW", received_at=monday, routed_at=monday)
    DischargeFollowUpFactory(
        reference="PO-ACK",
        received_at=monday,
        routed_at=monday,
        state=State.ACKNOWLEDGED,
        acknowledged_at=monday,
    )
    old = monday - datetime.timedelta(days=15)
    DischargeFollowUpFactory(
        reference="PO-OLD",
        received_at=old,
        routed_at=old,
        state=State.STAGE1,
        acknowledged_at=old,
        stage1_at=old,
    )
    assert _flags(at(2026, 11, 24, 23, 59)) == {
        "PO-NEW": (False, False, False),
        "PO-ACK": (False, False, False),
        "PO-OLD": (False, False, True),
    }
    assert _flags(at(2026, 11, 25, 0, 0))["PO-NEW"] == (True, False, False)
    # 72 open hours from Monday 10:00 run out on Wednesday 2 December at 10:00.
    due = timers.stage1_due(monday, timers.default_schedule())
    assert _flags(due)["PO-ACK"] == (False, False, False)
    assert _flags(due + datetime.timedelta(minutes=1))["PO-ACK"] == (False, True, False)


@pytest.mark.django_db
def test_recorded_opening_hours_replace_the_default():
    monday = at(2026, 11, 23, 9, 0)
    follow_up = DischargeFollowUpFactory(
        reference="PO-24H",
        received_at=monday,
        routed_at=monday,
        state=State.ACKNOWLEDGED,
        acknowledged_at=monday,
    )
    for weekday in range(7):  # open 24 hours a day, every day
        PharmacyOpeningHoursFactory(
            pharmacy=follow_up.pharmacy,
            weekday=weekday,
            opens_at=datetime.time(0, 0),
            closes_at=datetime.time(23, 59),
        )
    # Nearly 72 real hours later it is overdue at this pharmacy, long before the default hours would say so.
    assert _flags(at(2026, 11, 26, 9, 30))["PO-24H"][1] is True
