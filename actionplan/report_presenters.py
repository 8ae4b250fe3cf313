"""What the weekly gap report's page, PDF and Word document say, as rows and lines of text, from a
report's frozen `data`."""

import datetime

from actionplan.report_terms import HEADLINE_LABELS, parse_week, week_of
from config.dates import generated_on, uk_date
from config.presenters import change_phrase, iso_week_label, plural


def figure_text(value):
    """A figure as the report shows it: blank for none, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def change_heading(week, previous):
    """The heading of the headline figures' change column: 'Change from last week', or since the
    week compared with when the week before has no report; '' with nothing to compare with."""
    if previous is None:
        return ""
    monday, _ = parse_week(week)
    if previous["week"] == week_of(monday - datetime.timedelta(days=7)):
        return "Change from last week"
    return f"Change since {iso_week_label(previous['week'])}"


def headline_columns(week, previous=None):
    heading = change_heading(week, previous)
    return ["Figure", "Value", heading] if heading else ["Figure", "Value"]


def headline_rows(data, previous=None):
    """[label, value] for each headline figure, and its change in words when `previous` (the
    earlier report's week and headlines, from `previous_report_headlines`) is given."""
    headlines = data.get("headlines", {})
    before = (previous or {}).get("headlines") or {}
    rows = []
    for key, label in HEADLINE_LABELS.items():
        if key not in headlines:
            continue
        row = [label, figure_text(headlines.get(key))]
        if previous is not None:
            change = change_phrase(headlines.get(key), before.get(key), percent=key.startswith("pct_"))
            row.append(change or "Not in that report")
        rows.append(row)
    return rows


def rag_rows(data):
    rag = data.get("headlines", {}).get("rag", {})
    return [[name.capitalize(), figure_text(rag.get(name, 0))] for name in ("red", "amber", "green")]


def gap_rows(data):
    return [
        [
            g.get("severity", "").capitalize(),
            g.get("name", ""),
            g.get("care_home") or g.get("pcn") or "",
            g["reason"],
        ]
        for g in data.get("gaps", [])
    ]


def change_rows(data, kind):
    return [
        [c.get("name", ""), c.get("care_home") or c.get("pcn") or ""]
        for c in data.get("changes", {}).get(kind, [])
    ]


def _as_of(data):
    """The report's "as of" day (kept as an ISO date in its frozen data), written for people."""
    try:
        return uk_date(datetime.date.fromisoformat(data.get("as_of") or ""))
    except ValueError:
        return "the end of the week"


def intro_lines(report):
    data = report.data
    lines = [
        f"Figures as of {_as_of(data)}. {generated_on(report.generated_at)}"
        + (f" (version {report.version})." if report.version > 1 else ".")
    ]
    if data.get("backfilled"):
        lines.append(
            "Backfilled: this week's report was reconstructed afterwards. Leads and visits are as of the "
            "week's end; outbreaks, staff, requests for help and actions are as they were when it was made."
        )
    return lines


def changes_summary(data):
    changes = data.get("changes", {})
    if not changes.get("previous_week"):
        return "No earlier report to compare with."
    return (
        f"Since {iso_week_label(changes['previous_week'])}: {plural(len(changes.get('opened', [])), 'gap')} opened and "
        f"{len(changes.get('closed', []))} closed."
    )
