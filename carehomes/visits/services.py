"""Logging, correcting and deleting visits: every write a user can make to a Visit.

Rules that people read as messages live here (and in `Visit.clean()`), so that the form, the
admin and any later API refuse the same things with the same words:

- a visit date is not in the future, nor before the home registered with the CQC;
- counts are not negative, residents reviewed are not more than the home's beds;
- minutes spent are 1 to 720; notes, what was escalated and reasons hold no patient data
  (`config.patient_data`, through `full_clean()` and `check_free_text`);
- the same person, home, date and mode twice is a likely duplicate: refused with
  `DuplicateVisit` unless confirmed;
- one form shown, one visit: a second POST with the same submission token returns the first;
- a pharmacist changes or deletes their own visit for VISIT_EDIT_WINDOW_DAYS; after that only the
  project manager can, and a correction by anyone but the visitor (in their window) needs a reason.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carehomes.models import Assignment, Visit
from carehomes.rules import is_own_visit, within_edit_window
from carehomes.signals import visit_logged
from config.dates import uk_date
from config.patient_data import check_free_text
from organisations.access import is_coordinator, require, staff_member_for
from organisations.permissions import Permission

log = logging.getLogger(__name__)

COUNT_FIELDS = (
    "residents_reviewed",
    *(f"interventions_{code}" for code in Visit.INTERVENTIONS),
    "issues_escalated",
)
# What a caller may set on a visit (activities arrive as a list of codes in `activities`).
EDITABLE_FIELDS = (
    "care_home",
    "staff",
    "visited_on",
    "mode",
    *COUNT_FIELDS,
    "escalation_summary",
    "minutes_spent",
    "notes",
)
COUNT_LABELS = {
    "residents_reviewed": "Residents reviewed",
    **{
        f"interventions_{code}": f"Interventions: {name.lower()}"
        for code, name in Visit.INTERVENTIONS.items()
    },
    "issues_escalated": "Issues escalated",
}


class DuplicateVisit(Exception):  # noqa: N818 - reads as the situation, like Django's DoesNotExist
    """The same person already logged a visit to this home on this date in this mode."""

    def __init__(self, existing):
        super().__init__(f"A visit like this already exists: {existing}")
        self.existing = existing


def needs_reason(*, by, visit):
    """A change is a correction (which needs a reason) unless the visitor makes it in their window."""
    return not (is_own_visit(by, visit) and within_edit_window(by, visit))


def _apply(visit, fields):
    activities = fields.pop("activities", None)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Visits have no editable field(s) {sorted(unknown)}")
    for name, value in fields.items():
        setattr(visit, name, value)
    if activities is not None:
        unknown_activities = set(activities) - set(Visit.ACTIVITIES)
        if unknown_activities:
            raise ValidationError({"activities": "Choose activities from the list."})
        for code in Visit.ACTIVITIES:
            setattr(visit, f"activity_{code}", code in activities)


def _check(visit):
    """The visit rules, all at once, as field-keyed plain-English messages."""
    errors = {}
    today = timezone.localdate()
    home = visit.care_home if visit.care_home_id else None
    if visit.visited_on:
        if visit.visited_on > today:
            errors["visited_on"] = "The date of the visit must be today or in the past."
        elif home and home.registered_on and visit.visited_on < home.registered_on:
            errors["visited_on"] = (
                f"The date of the visit must be on or after {uk_date(home.registered_on)}, "
                f"when {home.name} registered with the CQC."
            )
    for name in COUNT_FIELDS:
        value = getattr(visit, name)
        if value is not None and value < 0:
            errors[name] = f"{COUNT_LABELS[name]} must be 0 or more."
    if (
        home
        and "residents_reviewed" not in errors
        and visit.residents_reviewed
        and visit.residents_reviewed > home.beds
    ):
        errors["residents_reviewed"] = (
            f"Residents reviewed must be no more than {home.beds}, the number of beds at {home.name}."
        )
    minutes = visit.minutes_spent
    if minutes is None:
        errors["minutes_spent"] = "Enter the minutes spent on the visit, from 1 to 720."
    elif not 1 <= minutes <= Visit.MAX_MINUTES:
        errors["minutes_spent"] = (
            f"Minutes spent must be from 1 to {Visit.MAX_MINUTES} (12 hours). "
            "For longer work, log a visit for each day."
        )
    if not visit.activities:
        errors["activities"] = "Choose at least one activity (choose Other if none fits)."
    if visit.issues_escalated and not visit.escalation_summary.strip():
        errors["escalation_summary"] = "Say briefly what was escalated, without naming residents."
    try:
        # The model's two check constraints (minutes 1 to 720, counts not negative) are the rules
        # checked above with their messages: not asked of the database again, a query each.
        # A home and a person handed over as rows already read (the form's choice, the signed-in
        # person) are not looked up again either; the foreign keys still hold at the insert.
        read = [name for name in ("care_home", "staff") if visit._state.fields_cache.get(name) is not None]
        visit.full_clean(
            exclude=["submission_token", "created_by", *read, *errors], validate_constraints=False
        )
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            errors.setdefault(field_name, messages)
    if errors:
        raise ValidationError(errors)


def visit_problems(**fields):
    """The visit rules that need no lock and no write, on whatever a form has parsed so far:
    {field name: messages}. The form shows them beside its own errors, so every error shows in
    one round (the service checks them all again when it saves)."""
    visit = Visit()
    activities = fields.pop("activities", None)
    _apply(visit, {name: value for name, value in fields.items() if name in EDITABLE_FIELDS})
    for code in Visit.ACTIVITIES:
        setattr(visit, f"activity_{code}", code in (activities or ()))
    try:
        _check(visit)
    except ValidationError as error:
        return error.message_dict
    return {}


def _mark_cover(visit):
    """A visit to a home the person was not assigned to on the day is cover."""
    visit.is_cover = not (
        Assignment.objects.current(on=visit.visited_on)
        .filter(staff_id=visit.staff_id, care_home_id=visit.care_home_id)
        .exists()
    )


def _refuse_duplicate(visit, confirm_duplicate):
    if confirm_duplicate:
        return
    existing = (
        Visit.objects.filter(
            staff_id=visit.staff_id,
            care_home_id=visit.care_home_id,
            visited_on=visit.visited_on,
            mode=visit.mode,
        )
        .exclude(pk=visit.pk)
        # The same form sent twice is not a duplicate visit: its insert meets the unique token.
        .exclude(submission_token=visit.submission_token)
        .select_related("care_home")
        .first()
    )
    if existing is not None:
        raise DuplicateVisit(existing)


def _resubmitted(by, submission_token):
    existing = Visit.objects.filter(submission_token=submission_token).first()
    if existing is None:
        return None
    if existing.created_by_id != by.pk:
        raise PermissionDenied
    existing.already_saved = True
    return existing


@transaction.atomic
def visit_create(*, by, care_home, submission_token, staff=None, confirm_duplicate=False, **fields):
    """Log a visit. Returns the visit; a resubmitted form returns the first one (`already_saved`).

    `staff` defaults to the person logging it; only a project manager may log for someone else.
    Raises ValidationError (field-keyed) or DuplicateVisit.
    """
    require(by, Permission.ADD_VISIT)
    existing = _resubmitted(by, submission_token)
    if existing is not None:
        return existing
    own = staff_member_for(by)
    if staff is None:
        staff = own
    if staff is None:
        raise ValidationError(
            {"staff": "Your login is not linked to a staff record. Ask the project manager."}
        )
    if staff != own and not may_choose_staff(by):
        raise PermissionDenied
    visit = Visit(staff=staff, care_home=care_home, submission_token=submission_token, created_by=by)
    _apply(visit, fields)
    _check(visit)
    _mark_cover(visit)
    _refuse_duplicate(visit, confirm_duplicate)
    visit._history_user = by
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # Two submissions of one form racing: the other one won; hand back its visit.
        existing = _resubmitted(by, submission_token)
        if existing is None:
            raise
        return existing
    visit.already_saved = False
    transaction.on_commit(lambda: _announce(visit, by))
    return visit


def _announce(visit, by):
    """Tell the apps above (e.g. discharge) about the committed visit; their failure is logged, not raised."""
    for receiver, result in visit_logged.send_robust(sender=Visit, visit=visit, by=by):
        if isinstance(result, Exception):
            log.error("visit_logged receiver %s failed for visit %s", receiver, visit.pk, exc_info=result)


def _reason(by, visit, reason, for_what):
    """The reason given for changing a visit, checked: free of patient data, and given when the
    change needs one (the project manager's, or past the edit window)."""
    reason = (reason or "").strip()
    check_free_text(reason=reason)
    if needs_reason(by=by, visit=visit) and not reason:
        raise ValidationError({"reason": f"Give the reason for {for_what}."})
    return reason


@transaction.atomic
def visit_update(*, by, visit, reason="", confirm_duplicate=False, **fields):
    """Change a visit: the visitor within the edit window, or the project manager with a reason.

    Every change is kept in the visit's history with who made it and the reason.
    """
    visit = Visit.objects.select_for_update().select_related("care_home", "staff").get(pk=visit.pk)
    require(by, Permission.CHANGE_VISIT, visit)
    reason = _reason(by, visit, reason, "the correction, for example 'wrong care home'")
    if "staff" in fields and fields["staff"] is None:
        fields.pop("staff")
    if "staff" in fields and fields["staff"] != visit.staff and not may_choose_staff(by):
        raise PermissionDenied
    _apply(visit, fields)
    _check(visit)
    _mark_cover(visit)
    _refuse_duplicate(visit, confirm_duplicate)
    visit._history_user = by
    visit._change_reason = reason
    visit.save()
    return visit


@transaction.atomic
def visit_delete(*, by, visit, reason=""):
    """Delete a visit: the visitor within the edit window, or the project manager with a reason.

    django-simple-history keeps a record of the deleted visit, who deleted it and why.
    """
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require(by, Permission.CHANGE_VISIT, visit)
    reason = _reason(by, visit, reason, "deleting this visit, for example 'logged twice'")
    visit._history_user = by
    visit._change_reason = reason
    visit.delete()


def may_choose_staff(user):
    """Project managers (and superusers) log and correct visits for anyone."""
    return is_coordinator(user)
