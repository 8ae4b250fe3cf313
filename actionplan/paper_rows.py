"""What every format of a section's meeting paper holds (Word, PDF, Excel, CSV): its columns,
rows and parts, from a `selectors.Paper`. The writers are in `actionplan.exports`."""

from django.utils.text import slugify

from actionplan.report_terms import HEADLINE_LABELS
from config.dates import iso_week_label, uk_date

RAG_HEX = {"red": "D5281B", "amber": "FFB81C", "green": "007F3B"}
RAG_TEXT_HEX = {"red": "FFFFFF", "amber": "212B32", "green": "FFFFFF"}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
ACTION_COLUMNS = ["Ref", "Action", "Owner", "Organisation", "Due", "RAG", "Status", "Latest update"]
UPDATE_COLUMNS = ["Ref", "Date", "By", "New RAG", "Update"]
CLOSED_COLUMNS = ["Ref", "Action", "Organisation", "Closed on"]
OVERDUE_COLUMNS = ["Ref", "Action", "Owner", "Organisation", "Due", "Days overdue", "RAG"]


def file_name(paper, fmt):
    return f"{slugify(paper.section.name)}-{paper.meeting.held_on.isoformat()}.{fmt}"


def date_text(value):
    return f"{uk_date(value)}" if value else ""


def rag_text(value):
    return (value or "").capitalize()


def person_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


def latest_update(action):
    if not getattr(action, "latest_update_on", None):
        return ""
    return f"{date_text(action.latest_update_on)}: {action.latest_update_text}"


def _action_cells(a):
    """An action's first cells in every table of actions: what, whose, and when due."""
    return [
        a.reference,
        a.description,
        a.owner.name if a.owner else "",
        a.owner_organisation.name,
        date_text(a.due_on),
    ]


def action_rows(paper):
    return [
        [
            *_action_cells(a),
            rag_text(a.rag),
            ("Open" + (" (overdue)" if a in paper.overdue else ""))
            if a.is_open
            else f"Closed {date_text(a.closed_on)}",
            latest_update(a),
        ]
        for a in paper.actions
    ]


def update_rows(paper):
    return [
        [u.action.reference, date_text(u.written_on), person_name(u.author), rag_text(u.rag), u.text]
        for u in paper.updates_since
    ]


def closed_rows(paper):
    return [
        [a.reference, a.description, a.owner_organisation.name, date_text(a.closed_on)]
        for a in paper.closed_since
    ]


def overdue_rows(paper):
    return [[*_action_cells(a), (paper.today - a.due_on).days, rag_text(a.rag)] for a in paper.overdue]


def headline_rows(paper):
    """The gap report's headline figures as [label, value] rows: the report's own labels and
    order first, then any other figures it holds."""
    headlines = dict(paper.headlines or {})
    labels = HEADLINE_LABELS
    keys = [k for k in labels if k in headlines] + [k for k in headlines if k not in labels]
    rows = []
    for key in keys:
        value = headlines[key]
        if key == "gaps_by_rule":
            continue  # the total is shown; the breakdown belongs to the gap report itself
        label = labels.get(key) or str(key).replace("_", " ").strip().capitalize()
        if key == "rag" and isinstance(value, dict):
            label = "Open actions by RAG (whole plan)"
        if isinstance(value, dict):
            value = ", ".join(f"{str(k).capitalize()} {v}" for k, v in value.items())
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        rows.append([label, value])
    return rows


def headline_intro(paper):
    if not paper.headlines:
        return "No weekly gap report yet."
    return (
        f"From the weekly gap report for {iso_week_label(paper.headlines_week)}."
        if paper.headlines_week
        else ""
    )


def paper_sections(paper):
    """The paper's parts after the action table: (heading, intro, columns, rows, rag column)."""
    return [
        (
            "Updates since the last meeting",
            f"Updates {paper.since_text}.",
            UPDATE_COLUMNS,
            update_rows(paper),
            3,
        ),
        (
            "Closed since the last meeting",
            f"Actions closed {paper.since_text}.",
            CLOSED_COLUMNS,
            closed_rows(paper),
            None,
        ),
        (
            "Overdue",
            f"Open actions past their due date on {date_text(paper.today)}.",
            OVERDUE_COLUMNS,
            overdue_rows(paper),
            6,
        ),
        ("Latest weekly gap report", headline_intro(paper), ["Figure", "Value"], headline_rows(paper), None),
    ]


def meeting_line(paper):
    return f"{paper.meeting.title}: {uk_date(paper.meeting.held_on)}"
