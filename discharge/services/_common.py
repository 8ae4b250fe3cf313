"""What every discharge write shares: lock the row, check the permission and the state machine,
validate the note, save with who and why."""

from django.core.exceptions import ValidationError

from config.history import save_checked
from discharge import states
from discharge.models import DischargeFollowUp, validate_note
from organisations.access import require
from organisations.permissions import Permission


def codes(values, known, field, label):
    """Coded answers (reasons, issues, participants) from a request: unknown codes refused."""
    values = list(values or [])
    if set(values) - set(known):
        raise ValidationError({field: f"Choose {label} from the list."})
    return values


def clean_note(note, field="note"):
    """A short note through the patient-data validator; its error names `field`."""
    note = (note or "").strip()
    if note:
        try:
            validate_note(note)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from error
    return note


def begin(follow_up, *, by, transition=None, permission=Permission.WORK_FOLLOWUP):
    """Lock the follow-up, check `by` may act on it and, when given, that `transition` is allowed now."""
    follow_up = (
        DischargeFollowUp.objects.select_for_update()
        .select_related("care_home", "pharmacy", "trust")
        .get(pk=follow_up.pk)
    )
    require(by, permission, follow_up)
    if transition is not None:
        states.check(follow_up, transition)
    return follow_up


def save(follow_up, *, by, reason="", note=None):
    """Validate and save, leaving a history row with who and why; a non-empty `note` replaces the note."""
    note = clean_note(note)
    if note:
        follow_up.note = note
    save_checked(follow_up, by=by, reason=reason)
    return follow_up
