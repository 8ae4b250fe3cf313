"""Dates, times, weeks and numbers as the NHS content style guide writes them."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from config import presenters

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (9, 50, "9:50am"),
        (9, 0, "9am"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (13, 5, "1:05pm"),
        (0, 30, "12:30am"),
    ],
)
def test_times_use_am_and_pm_not_the_24_hour_clock(hour, minute, expected):
    assert presenters.uk_time(datetime.time(hour, minute)) == expected


def test_a_date_and_time_reads_3_december_2026_at_9_50am_in_london_time():
    moment = datetime.datetime(2026, 12, 3, 9, 50, tzinfo=LONDON)
    assert presenters.uk_datetime(moment.astimezone(datetime.UTC)) == "3 December 2026 at 9:50am"


@pytest.mark.parametrize(
    ("week", "expected"),
    [
        ("2026-W48", "23 to 29 November 2026 (week 48)"),
        ("2026-W49", "30 November to 6 December 2026 (week 49)"),
        ("2026-W53", "28 December 2026 to 3 January 2027 (week 53)"),
        ("not a week", "not a week"),
    ],
)
def test_iso_weeks_are_shown_as_the_dates_people_know(week, expected):
    assert presenters.iso_week_label(week) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(15000, "15,000"), (999, "999"), (1234.5, "1,234.5"), (Decimal("2000.0"), "2,000")],
)
def test_numbers_have_thousands_separators(value, expected):
    assert presenters.number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1"), "1 hour"), (Decimal("1.0"), "1 hour"), (Decimal("4.5"), "4.5 hours"), (0, "0 hours")],
)
def test_hours_say_1_hour_not_1_hours(value, expected):
    assert presenters.hours_phrase(value) == expected


def test_plural_counts_with_separators():
    assert presenters.plural(1, "care home") == "1 care home"
    assert presenters.plural(15000, "care home") == "15,000 care homes"
