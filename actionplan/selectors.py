"""Reads for the action plan: the plan by section, one action's story, meetings and export papers.

Every list here runs a fixed number of queries whatever the number of actions: related rows
come by select_related, the latest update by a subquery, history references by one bulk read.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actionplan.models import Action, ActionUpdate, ChartImage, GapReport, Meeting, Rag, Section
from config.dates import uk_date
from organisations.models import Organisation, StaffMember
from workstreams.models import Workstream

PHARMACY_SECTION_CODE = "PH"

# Fields shown in an action's history and conflict messages, in the order people read them.
TRACKED_FIELDS = {
    "section": "Section",
    "description": "Description",
    "owner": "Owner",
    "owner_organisation": "Owning organisation",
    "due_on": "Due date",
    "rag": "RAG",
    "is_open": "Status",
    "closed_on": "Closed on",
    "workstream": "Workstream",
}
_RELATED_MODELS = {
    "section": Section,
    "owner": StaffMember,
    "owner_organisation": Organisation,
    "workstream": Workstream,
}


def section_list():
    return list(Section.objects.select_related("plan").order_by("plan__name", "position", "name"))


def sections_in_order():
    """The sections as the plan shows them."""
    return Section.objects.order_by("position", "name")


def section_default():
    """The pharmacy support section (code PH) when there is one, else the first section."""
    sections = sections_in_order()
    return sections.filter(code=PHARMACY_SECTION_CODE).first() or sections.first()


def _latest_update(column):
    return Subquery(
        ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-written_on", "-id").values(column)[:1]
    )


def action_list(*, section=None, organisation=None, rag=None, overdue=False, status=None, today=None):
    """Actions in plan order, with owner, organisation, workstream and the latest update's date,
    text and RAG annotated (latest_update_on, latest_update_text, latest_update_rag)."""
    today = today or timezone.localdate()
    actions = Action.objects.select_related("section", "owner", "owner_organisation", "workstream").annotate(
        latest_update_on=_latest_update("written_on"),
        latest_update_text=_latest_update("text"),
        latest_update_rag=_latest_update("rag"),
    )
    if section is not None:
        actions = actions.filter(section=section)
    if organisation is not None:
        actions = actions.filter(owner_organisation=organisation)
    if rag:
        actions = actions.filter(rag=rag)
    if status == "open":
        actions = actions.filter(is_open=True)
    elif status == "closed":
        actions = actions.filter(is_open=False)
    if overdue:
        actions = actions.filter(is_open=True, due_on__lt=today)
    return actions.order_by("section__position", "section__name", "number")


def is_overdue(action, today=None):
    return action.is_open and action.due_on < (today or timezone.localdate())


def owner_candidates():
    """Who may be named an action's owner: any active member of staff (the owning organisation's
    rule is the service's `check_owner`), by name, each with their organisation."""
    return StaffMember.objects.filter(is_active=True).select_related("organisation").order_by("name", "pk")


def owning_organisations():
    """Organisations that own at least one action (for the filter), by name."""
    return Organisation.objects.filter(actions__isnull=False).distinct().order_by("name")


def action_detail(pk):
    return Action.objects.select_related("section", "owner", "owner_organisation", "workstream").get(pk=pk)


def action_updates(action):
    return list(action.updates.select_related("author").order_by("-written_on", "-id"))


# --- history -----------------------------------------------------------------------------------


def _display(field_name, value, names):
    if value is None or value == "":
        return "none"
    if field_name in _RELATED_MODELS:
        return names.get(field_name, {}).get(value, f"(removed #{value})")
    if field_name == "rag":
        return Rag(value).label if value in Rag.values else str(value)
    if field_name == "is_open":
        return "open" if value else "closed"
    if isinstance(value, datetime.date):
        return f"{uk_date(value)}"
    return str(value)


def _related_names(records):
    """One query per related model for every id any historical record mentions."""
    ids = {name: set() for name in _RELATED_MODELS}
    for record in records:
        for name in _RELATED_MODELS:
            value = getattr(record, f"{name}_id")
            if value is not None:
                ids[name].add(value)
    names = {}
    for name, model in _RELATED_MODELS.items():
        names[name] = (
            {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids[name])} if ids[name] else {}
        )
    return names


def _user_name(user):
    if user is None:
        return "the system"
    return user.get_full_name() or user.username


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str  # "created" or "changed"
    reason: str = ""
    changes: list = field(default_factory=list)
    version: int = 0


def _changes_between(old, new, names):
    delta = new.diff_against(old, included_fields=list(TRACKED_FIELDS))
    by_field = {c.field: c for c in delta.changes}
    return [
        Change(
            field=name,
            label=label,
            old=_display(name, by_field[name].old, names),
            new=_display(name, by_field[name].new, names),
        )
        for name, label in TRACKED_FIELDS.items()
        if name in by_field
    ]


def action_history(action):
    """Every saved version of the action, newest first, each with who, when and what changed."""
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    names = _related_names(records)
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            who=_user_name(record.history_user),
            kind="created" if previous is None else "changed",
            reason=record.history_change_reason or "",
            version=record.version,
        )
        if previous is not None:
            entry.changes = _changes_between(previous, record, names)
        entries.append(entry)
        previous = record
    return list(reversed(entries))


def action_changes_since(action, version):
    """What changed on the action after the version someone started editing from.

    Returns (changes, who, when) comparing that version's record with the current one, or
    None when the version's record cannot be found.
    """
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    started = next((r for r in records if r.version == version), None)
    if started is None or not records:
        return None
    latest = records[-1]
    names = _related_names([started, latest])
    return _changes_between(started, latest, names), _user_name(latest.history_user), latest.history_date


# --- meetings ----------------------------------------------------------------------------------


def meeting_list():
    return list(Meeting.objects.order_by("-held_on"))


def meeting_default(today=None):
    """The next meeting (today or later); failing that, the most recent one; else None."""
    today = today or timezone.localdate()
    return (
        Meeting.objects.filter(held_on__gte=today).order_by("held_on").first()
        or Meeting.objects.order_by("-held_on").first()
    )


def meeting_before(meeting):
    """The meeting before this one: "since the last meeting" means since that one."""
    return Meeting.objects.filter(held_on__lt=meeting.held_on).order_by("-held_on").first()


# --- the export paper --------------------------------------------------------------------------


@dataclass
class Paper:
    """Everything a section's paper for one Silver Command meeting holds."""

    section: Section
    meeting: Meeting
    previous_meeting: Meeting | None
    today: datetime.date
    actions: list
    updates_since: list
    closed_since: list
    overdue: list
    headlines: dict | None
    headlines_week: str = ""

    @property
    def title(self):
        return f"{self.section.name}: Silver Command care-home action plan"

    @property
    def since_text(self):
        if self.previous_meeting is None:
            return "since the plan began (no earlier meeting recorded)"
        return f"since the meeting on {uk_date(self.previous_meeting.held_on)}"


def latest_headlines():
    """The latest weekly gap report's headline figures as (week, dict), or ("", None)."""
    row = GapReport.objects.filter(is_current=True).order_by("-week").values_list("week", "headlines").first()
    if row is None:
        return "", None
    week, headlines = row
    return week, (headlines or None)


def export_paper(*, section, meeting, today=None):
    """The paper for one section at one meeting: actions, updates and closures since the
    meeting before it (up to the meeting date), overdue actions and the gap report headlines."""
    today = today or timezone.localdate()
    previous = meeting_before(meeting) if meeting.pk else None
    since = previous.held_on if previous else None

    actions = list(action_list(section=section, today=today))
    updates = ActionUpdate.objects.select_related("action__section", "author").filter(
        action__section=section, written_on__lte=meeting.held_on
    )
    closed = [a for a in actions if not a.is_open and a.closed_on and a.closed_on <= meeting.held_on]
    if since is not None:
        updates = updates.filter(written_on__gt=since)
        closed = [a for a in closed if a.closed_on > since]
    week, headlines = latest_headlines()
    return Paper(
        section=section,
        meeting=meeting,
        previous_meeting=previous,
        today=today,
        actions=actions,
        updates_since=list(updates.order_by("action__number", "written_on", "id")),
        closed_since=closed,
        overdue=[a for a in actions if is_overdue(a, today)],
        headlines=headlines,
        headlines_week=week,
    )


def chart_png(digest):
    """The stored PNG of a chart, or None."""
    png = ChartImage.objects.filter(digest=digest).values_list("png", flat=True).first()
    return bytes(png) if png is not None else None
