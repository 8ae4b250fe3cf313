"""Names the weekly gap report shares with its pages, documents and exports: ISO weeks, week
titles and the headline figures' labels. Imports nothing of the report itself, so every module
of the report can import it (docs/architecture.md)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from config.presenters import iso_week_label

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
TREND_WEEKS = 12

HEADLINE_LABELS = {
    "care_homes": "Care homes",
    "pct_with_lead": "% with a named lead",
    "pct_visited_28d": "% visited in the last 28 days",
    "in_outbreak": "Homes in outbreak",
    "outbreak_not_visited": "In outbreak, not visited since it began",
    "smrs_in_week": "Structured medication reviews in the week",
    "residents_reviewed_in_week": "Residents reviewed in the week",
    "interventions_in_week": "Interventions in the week",
    "cover_visits_in_week": "Cover visits in the week (to homes the visitor is not assigned to)",
    "open_requests": "Open requests for help",
    "pcns_no_hours": "PCNs with homes and no committed hours",
    "gaps": "Gaps",
}


def week_of(day: datetime.date) -> str:
    """The ISO week of a date: 2026-11-23 -> "2026-W48"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(today: datetime.date | None = None) -> str:
    """The ISO week just ended (the week before `today`'s)."""
    today = today or timezone.localdate()
    return week_of(today - datetime.timedelta(days=7))


def parse_week(week: str) -> tuple[datetime.date, datetime.date]:
    """The Monday and Sunday of an ISO week, or ValidationError for a week that does not exist."""
    match = WEEK_PATTERN.match(week or "")
    message = "Enter an ISO week such as 2026-W48."
    if not match:
        raise ValidationError({"week": message})
    try:
        monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        sunday = monday + datetime.timedelta(days=6)  # OverflowError for 9999-W52, which ends in 10000
    except (ValueError, OverflowError):
        raise ValidationError({"week": f"{week} is not a week of that year. {message}"}) from None
    return monday, sunday


def week_title(week: str) -> str:
    """'23 to 29 November 2026 (week 48)': the dates people know, then the week number."""
    parse_week(week)  # refuses a week that does not exist
    return iso_week_label(week)
