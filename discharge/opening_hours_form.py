"""The form a pharmacy's weekly opening hours are typed into: per day open or closed, and up to
three sessions (for a lunch close), each time typed the way people write it.

    parse_time("9am") == time(9, 0); parse_time("6:30pm"); parse_time("18:30"); parse_time("midday")

Errors name the day and session, sit next to the box and in the NHS.UK error summary, and a
refused form shows back exactly what was typed.
"""

import datetime
import re

from django import forms

from config.dates import uk_time
from discharge.models import PharmacyOpeningHours

WEEKDAYS = PharmacyOpeningHours.Weekday
SESSIONS = 3
ORDINALS = {1: "first", 2: "second", 3: "third"}
END_OF_DAY = datetime.time.max  # "midnight" as a closing time: the end of the day
EXAMPLE = "like 9am, 6:30pm or 18:30"

_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$", re.ASCII)
_TWENTY_FOUR_HOUR = re.compile(r"^(\d{1,2})[:.](\d{2})$|^(\d{2})(\d{2})$", re.ASCII)


def parse_time(text, *, closing=False):
    """A time as people type it, or None when it is not one.

    12-hour with am/pm ("9am", "9.30 am", "6:30pm", "12pm" is midday, "12am" midnight), 24-hour with
    minutes ("09:00", "9.00", "1830"), "midday"/"noon" and "midnight". A bare "9" is refused: it could
    be 9am or 9pm. Midnight (or 24:00) as a closing time means the end of the day.
    """
    text = " ".join((text or "").lower().split())
    if text in ("midday", "noon", "12 noon", "12 midday"):
        return datetime.time(12)
    if text in ("midnight", "12 midnight", "24:00", "2400", "24.00"):
        return END_OF_DAY if closing else datetime.time(0)
    match = _TWELVE_HOUR.match(text)
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        hour = hour % 12 + (12 if match[3] == "p" else 0)
        if closing and hour == 0 and minute == 0:
            return END_OF_DAY
        return datetime.time(hour, minute)
    match = _TWENTY_FOUR_HOUR.match(text)
    if match:
        hour, minute = int(match[1] or match[3]), int(match[2] or match[4])
        if hour > 23 or minute > 59:
            return None
        if closing and hour == 0 and minute == 0:
            return END_OF_DAY
        return datetime.time(hour, minute)
    return None


def show_time(value):
    """A stored time the way the form shows it back: 9am, 6:30pm, midday, midnight."""
    if value is None:
        return ""
    if value == END_OF_DAY:
        return "midnight"
    return uk_time(value)


def describe_change(weekday, verb, opens_at, closes_at):
    """ "Added Monday 9am to 1pm": one line of the hours' history."""
    return f"{verb} {WEEKDAYS(weekday).label} {show_time(opens_at)} to {show_time(closes_at)}"


def describe_sessions(sessions):
    """ "Monday 9am to 1pm and 2pm to 6pm; Tuesday ...": the hours in one line, in week order."""
    by_day = {}
    for weekday, opens_at, closes_at in sorted(sessions):
        by_day.setdefault(weekday, []).append(f"{show_time(opens_at)} to {show_time(closes_at)}")
    return "; ".join(f"{WEEKDAYS(day).label} {' and '.join(times)}" for day, times in by_day.items())


def _name(weekday, n, end):
    return f"{WEEKDAYS(weekday).name.lower()[:3]}_{n}_{end}"


def _time_problem(text, parsed, what):
    """What is wrong with a typed opening or closing time ("Monday's second session opens"), or None."""
    if not text:
        return f"Enter the time {what}, {EXAMPLE}."
    if parsed is None:
        return f"Enter the time {what} as a real time, {EXAMPLE}."
    return None


class OpeningHoursForm(forms.Form):
    """`sessions` (after is_valid): [(weekday, opens_at, closes_at), ...] for the service."""

    def __init__(self, *args, current=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_day = {}
        for weekday, opens_at, closes_at in sorted(current):
            by_day.setdefault(weekday, []).append((opens_at, closes_at))
        self.days = []
        for weekday, label in WEEKDAYS.choices:
            key = WEEKDAYS(weekday).name.lower()[:3]
            self.fields[f"{key}_open"] = forms.ChoiceField(
                label=label,
                choices=[("open", "Open"), ("closed", "Closed")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether the pharmacy is open on {label}s."},
            )
            if current:
                self.initial[f"{key}_open"] = "open" if weekday in by_day else "closed"
            sessions = []
            for n in range(1, SESSIONS + 1):
                pair = []
                for end in ("opens", "closes"):
                    name = _name(weekday, n, end)
                    words = f"{label} {end}" if n == 1 else f"{label} {ORDINALS[n]} session {end}"
                    self.fields[name] = forms.CharField(
                        label=words, required=False, max_length=20, strip=True
                    )
                    known = by_day.get(weekday, [])
                    if n <= len(known):
                        self.initial[name] = show_time(known[n - 1][0 if end == "opens" else 1])
                    pair.append(name)
                sessions.append(pair)
            self.days.append(
                {"weekday": weekday, "label": label, "open": f"{key}_open", "sessions": sessions}
            )

    def clean(self):
        cleaned = super().clean()
        self.sessions = []
        for day in self.days:
            label = day["label"]
            is_open = cleaned.get(day["open"]) == "open"
            typed = [(cleaned.get(o) or "", cleaned.get(c) or "") for o, c in day["sessions"]]
            if not is_open:
                if cleaned.get(day["open"]) == "closed" and any(a or b for a, b in typed):
                    self.add_error(
                        day["open"],
                        f"{label} is marked closed but has opening times: choose open, or delete the times.",
                    )
                continue
            if not any(a or b for a, b in typed):
                name = day["sessions"][0][0]
                self.add_error(name, f"Enter the time the pharmacy opens on {label}s, {EXAMPLE}.")
                continue
            previous_close = None
            for n, ((opens_name, closes_name), (opens_text, closes_text)) in enumerate(
                zip(day["sessions"], typed, strict=True), start=1
            ):
                if not opens_text and not closes_text:
                    continue
                which = f"{label}'s {ORDINALS[n]} session" if n > 1 else label
                opens = parse_time(opens_text)
                closes = parse_time(closes_text, closing=True)
                problems = {
                    opens_name: _time_problem(opens_text, opens, f"{which} opens"),
                    closes_name: _time_problem(closes_text, closes, f"{which} closes"),
                }
                for name, problem in problems.items():
                    if problem:
                        self.add_error(name, problem)
                if any(problems.values()):
                    continue
                if closes <= opens:
                    self.add_error(closes_name, f"The time {which} closes must be after the time it opens.")
                    continue
                if previous_close is not None and opens < previous_close:
                    self.add_error(
                        opens_name,
                        f"{which[0].upper()}{which[1:]} must open after the session before it closes "
                        f"({show_time(previous_close)}).",
                    )
                    continue
                previous_close = closes
                self.sessions.append((day["weekday"], opens, closes))
        if not self.errors and not self.sessions:
            self.add_error(None, "Enter the hours the pharmacy is open on at least one day.")
        return cleaned
