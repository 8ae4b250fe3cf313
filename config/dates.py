"""The one date formatter: every date, time and ISO week a person reads is written here.

"3 December 2026", "9:50am", "3 December 2026 at 9:50am", "23 to 29 November 2026 (week 48)" (a chart's
axis: "23 Nov 2026") and a document's "Generated on …" footer, as the NHS content style guide writes them. Templates use them
as filters (config.presenters.FILTERS); Python messages, documents and e-mails call them.
tests/config/test_dates_for_people.py finds any date written by hand elsewhere.
This module imports no app, so models may use it.
"""

import datetime

from django.utils import timezone


def uk_date(value, fmt="%-d %B %Y"):
    """3 December 2026, as the NHS content style guide writes a date."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime(fmt)


def uk_time(value):
    """9:50am, 9am, midday, midnight: the NHS content style guide's times (no 24-hour clock)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).time()
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def uk_datetime(value):
    """3 December 2026 at 9:50am."""
    if not value:
        return ""
    return f"{uk_date(value)} at {uk_time(value)}"


def generated_on(when=None):
    """A document's footer: "Generated on 3 December 2026 at 9:50am" (now, unless `when`)."""
    return f"Generated on {uk_datetime(when or timezone.now())}"


def iso_week_label(week):
    """'2026-W48' -> '23 to 29 November 2026 (week 48)': people know dates, not ISO week numbers.

    Across a month: '30 November to 6 December 2026 (week 49)'; across a year, both years.
    Anything that is not an ISO week is returned as it was.
    """
    text = str(week or "")
    try:
        year, number = text.split("-W")
        monday = datetime.date.fromisocalendar(int(year), int(number), 1)
        sunday = monday + datetime.timedelta(days=6)
    except (ValueError, OverflowError):
        return text
    if monday.year != sunday.year:
        start = f"{monday:%-d %B %Y}"
    elif monday.month != sunday.month:
        start = f"{monday:%-d %B}"
    else:
        start = f"{monday:%-d}"
    return f"{start} to {sunday:%-d %B %Y} (week {int(number)})"


def iso_week_tick(week):
    """'2026-W48' -> '23 Nov 2026': the Monday of the week, short enough for a chart's axis (the
    week's table, under the chart, says it in full). Anything that is not an ISO week is returned
    as it was."""
    monday = _monday(week)
    return f"{monday:%-d %b %Y}" if monday else str(week or "")


def _monday(week):
    try:
        year, number = str(week or "").split("-W")
        return datetime.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return None


def for_people(value):
    """A value as a person reads it: a date or time in words, anything else unchanged."""
    if isinstance(value, datetime.datetime):
        return uk_datetime(value)
    if isinstance(value, datetime.date):
        return uk_date(value)
    return value
