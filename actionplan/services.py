"""Writes for the action plan: actions, their updates, sections and Silver Command meetings.

Nothing here deletes. Every change to an action is saved through `save()` so django-simple-history
keeps a record of it with who made it; a save carries the version it started from, so two
people editing one action never silently overwrite each other.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actionplan.models import Action, ActionPlan, ActionUpdate, Meeting, Rag, Section
from actionplan.selectors import action_changes_since
from config.dates import uk_date
from config.history import save_checked
from organisations.access import require
from organisations.permissions import Permission

EDITABLE_FIELDS = ("description", "owner", "owner_organisation", "due_on", "rag", "workstream")
DEFAULT_PLAN_NAME = "Silver Command care-home action plan"


class ActionChangedMeanwhile(ValidationError):
    """Someone else saved the action after this person started editing it.

    Carries `changes` (what changed in between), `who`, `when` and the `current_version`, so a
    form can show them and keep what the person typed.
    """

    def __init__(self, message, *, changes, who, when, current_version):
        super().__init__({NON_FIELD_ERRORS: [message]}, code="conflict")
        self.changes = changes
        self.who = who
        self.when = when
        self.current_version = current_version


def check_owner(owner, owner_organisation):
    """The owner must work for the owning organisation (the form asks too, for one round of errors)."""
    if owner is None or owner_organisation is None:
        return
    if owner_organisation.pk not in {owner.organisation_id, owner.second_organisation_id}:
        raise ValidationError(
            {"owner": f"{owner} does not work for {owner_organisation}. Choose someone who does."}
        )


@transaction.atomic
def section_create(*, by, name, code, plan=None):
    """The PM adds a section to the plan (pharmacy support is one; others join it)."""
    require(by, Permission.ADD_SECTION)
    if plan is None:
        plan, _ = ActionPlan.objects.get_or_create(name=DEFAULT_PLAN_NAME)
    position = (plan.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    section = Section(plan=plan, name=name.strip(), code=code.strip().upper(), position=position)
    save_checked(section, by=by)
    return section


@transaction.atomic
def action_create(
    *, by, section, description, owner_organisation, due_on, owner=None, rag=Rag.AMBER, workstream=None
):
    """The PM adds an action; it takes the next number in its section (PH-01, PH-02, ...).

    The section row is locked while the number is chosen, so two people adding actions at once
    cannot take the same number (the database's unique constraint backs this up).
    """
    require(by, Permission.ADD_ACTION)
    check_owner(owner, owner_organisation)
    section = Section.objects.select_for_update().get(pk=section.pk)
    number = (Action.objects.filter(section=section).aggregate(m=Max("number"))["m"] or 0) + 1
    action = Action(
        section=section,
        number=number,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        rag=rag,
        workstream=workstream,
    )
    save_checked(action, by=by, reason="Action added")
    return action


def _lock(action, version):
    """Lock the action's row and refuse if it moved on from `version` (what the editor saw)."""
    current = Action.objects.select_for_update(of=("self",)).select_related("section").get(pk=action.pk)
    if version is not None and int(version) != current.version:
        found = action_changes_since(current, int(version))
        changes, who, when = found if found else ([], "someone else", current.updated_at)
        listed = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in changes) or "details changed"
        raise ActionChangedMeanwhile(
            f"{who} saved {current.reference} while you were editing it, so your changes were not "
            f"saved. What changed in between: {listed}. Check your changes and save again.",
            changes=changes,
            who=who,
            when=when,
            current_version=current.version,
        )
    return current


@transaction.atomic
def action_update(*, by, action, version, **fields):
    """The PM edits an action's details; refused if someone else saved it since `version`."""
    require(by, Permission.CHANGE_ACTION, action)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Cannot edit {', '.join(sorted(unknown))} here")
    current = _lock(action, version)
    changed = False
    for name, value in fields.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    if not changed:
        return current
    check_owner(current.owner, current.owner_organisation)
    current.version += 1
    save_checked(current, by=by, reason="Details edited")
    return current


@transaction.atomic
def action_close(*, by, action, closed_on=None, version=None):
    """The PM closes an action (it stays in the plan, marked closed, with the date)."""
    require(by, Permission.CHANGE_ACTION, action)
    current = _lock(action, version)
    if not current.is_open:
        raise ValidationError({NON_FIELD_ERRORS: [f"{current.reference} is already closed."]})
    current.is_open = False
    current.closed_on = closed_on or timezone.localdate()
    current.version += 1
    save_checked(current, by=by, reason="Closed")
    return current


@transaction.atomic
def action_reopen(*, by, action, version=None):
    """The PM reopens a closed action."""
    require(by, Permission.CHANGE_ACTION, action)
    current = _lock(action, version)
    if current.is_open:
        raise ValidationError({NON_FIELD_ERRORS: [f"{current.reference} is already open."]})
    current.is_open = True
    current.closed_on = None
    current.version += 1
    save_checked(current, by=by, reason="Reopened")
    return current


@transaction.atomic
def actionupdate_create(*, by, action, text, written_on=None, rag=""):
    """A dated update on an action (the PM on any action, an SLT member on their organisation's).

    A new RAG given with the update becomes the action's RAG, recorded in its history.
    """
    require(by, Permission.ADD_ACTIONUPDATE, action)
    today = timezone.localdate()
    written_on = written_on or today
    if written_on > today:
        raise ValidationError({"written_on": "The update date cannot be in the future."})
    if not (text or "").strip():
        raise ValidationError({"text": "Enter the update."})
    current = Action.objects.select_for_update(of=("self",)).select_related("section").get(pk=action.pk)
    update = ActionUpdate(action=current, written_on=written_on, text=text.strip(), rag=rag or "", author=by)
    save_checked(update, by=by)
    if rag and rag != current.rag:
        current.rag = rag
        current.version += 1
        save_checked(current, by=by, reason=f"RAG set by the update of {uk_date(written_on)}")
    return update


@transaction.atomic
def meeting_create(*, by, held_on, title=""):
    """The PM records a Silver Command meeting date."""
    require(by, Permission.ADD_MEETING)
    if Meeting.objects.filter(held_on=held_on).exists():
        raise ValidationError({"held_on": f"A meeting on {uk_date(held_on)} is already recorded."})
    meeting = Meeting(held_on=held_on)
    if title and title.strip():
        meeting.title = title.strip()
    save_checked(meeting, by=by)
    return meeting
