"""Every write a person makes to care homes and assignments: one function per use case.

Each function is keyword-only, takes `by=` the acting user, checks permission, runs in one
transaction, records who made the change (django-simple-history) and raises ValidationError
keyed by field with a plain-English message that a form can show next to the field.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carehomes.assignment_rules import assignment_problems, lead_hand_over_problems
from carehomes.models import Assignment, CareHome
from carehomes.selectors import staff_committed_hours
from carehomes.state import carehome_state_refresh
from config.dates import uk_date
from config.history import save_checked
from config.presenters import hours as hours_text
from organisations.access import require
from organisations.models import Organisation, StaffMember
from organisations.permissions import Permission

LEAD_CONSTRAINT = "assignment_one_open_lead_per_home"


def _check_assignment(*, care_home, staff, role, hours_per_week, starts_on, ends_on):
    """The rules the forms ask too (carehomes.assignment_rules), asked again here under the locks."""
    errors = assignment_problems(
        care_home=care_home,
        staff=staff,
        role=role,
        hours_per_week=hours_per_week,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if hours_per_week is None:
        errors["hours_per_week"] = "Enter the hours a week, for example 2.5."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assignment_create(*, by, care_home, staff, role, hours_per_week, starts_on, ends_on=None) -> Assignment:
    """Assign a person to a care home as its named lead or as support.

    Refused (nothing saved) for a second current lead, more hours than the person has spare,
    an end before the start, or an inactive person. The care home and then the person are
    locked, in that fixed order, so two requests at once cannot both take the last hours or
    both become the lead; the database's one-open-lead constraint backs this up.
    """
    require(by, Permission.ADD_ASSIGNMENT, care_home)
    care_home = CareHome.objects.select_for_update().get(pk=care_home.pk)
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    hours_per_week = Decimal(str(hours_per_week)) if hours_per_week is not None else None
    fields = {
        "care_home": care_home,
        "staff": staff,
        "role": role,
        "hours_per_week": hours_per_week,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    _check_assignment(**fields)
    assignment = Assignment(**fields)
    assignment.full_clean()
    assignment._history_user = by
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        if LEAD_CONSTRAINT in str(error) or "UNIQUE" in str(error).upper():
            raise ValidationError(
                {"role": f"{care_home.name} already has a named lead. Hand the lead over instead."}
            ) from error
        raise
    return assignment


@transaction.atomic
def assignment_end(*, by, assignment, ends_on) -> Assignment:
    """End an assignment on a date. It is kept, with its end date, so the record stays whole."""
    require(by, Permission.CHANGE_ASSIGNMENT, assignment)
    assignment = (
        Assignment.objects.select_for_update().select_related("staff", "care_home").get(pk=assignment.pk)
    )
    if ends_on is None:
        raise ValidationError({"ends_on": "Enter the date the assignment ends."})
    if assignment.ends_on is not None and assignment.ends_on < timezone.localdate():
        raise ValidationError({"ends_on": f"This assignment already ended on {uk_date(assignment.ends_on)}."})
    if ends_on < assignment.starts_on:
        raise ValidationError(
            {"ends_on": f"The end date must be on or after the start date ({uk_date(assignment.starts_on)})."}
        )
    assignment.ends_on = ends_on
    save_checked(assignment, by=by)
    return assignment


@transaction.atomic
def lead_hand_over(*, by, care_home, staff, hours_per_week, starts_on) -> Assignment:
    """Hand the named lead to someone else in one step.

    The current lead's assignment ends the day before the new lead starts (or on the day it
    started, if that is later), and the new lead is assigned; if anything is refused, neither
    change is made.
    """
    require(by, Permission.ADD_ASSIGNMENT, care_home)
    require(by, Permission.CHANGE_ASSIGNMENT, care_home)
    care_home = CareHome.objects.select_for_update().get(pk=care_home.pk)
    current = list(
        Assignment.objects.select_for_update()
        .filter(care_home=care_home, role=Assignment.Role.LEAD)
        .not_ended(starts_on)
        .order_by("starts_on")
    )
    problems = lead_hand_over_problems(care_home=care_home, staff=staff, starts_on=starts_on)
    if problems:
        raise ValidationError(problems)
    for lead in current:
        lead.ends_on = max(lead.starts_on, starts_on - datetime.timedelta(days=1))
        lead._history_user = by
        lead.save()
    return assignment_create(
        by=by,
        care_home=care_home,
        staff=staff,
        role=Assignment.Role.LEAD,
        hours_per_week=hours_per_week,
        starts_on=starts_on,
    )


@transaction.atomic
def carehome_outbreak_update(*, by, care_home, status, started_on=None) -> CareHome:
    """Set a home's outbreak status (suspected or confirmed, from a date), or clear it."""
    require(by, Permission.CHANGE_CAREHOME, care_home)
    care_home = CareHome.objects.select_for_update().get(pk=care_home.pk)
    if status not in CareHome.Outbreak.values:
        raise ValidationError({"status": "Choose the outbreak status."})
    if status == CareHome.Outbreak.NONE:
        started_on = None
    elif started_on is None:
        raise ValidationError({"started_on": "Enter the date the outbreak started."})
    elif started_on > timezone.localdate():
        raise ValidationError({"started_on": "The date the outbreak started must be today or in the past."})
    care_home.outbreak_status = status
    care_home.outbreak_started_on = started_on
    try:
        care_home.full_clean()
    except ValidationError as error:
        errors = error.message_dict
        if "outbreak_started_on" in errors:
            errors["started_on"] = errors.pop("outbreak_started_on")
        raise ValidationError(errors) from error
    care_home._history_user = by
    care_home.save()
    return care_home


class ProposalRowError(Exception):
    def __init__(self, index, care_home, staff, error):
        self.index, self.care_home, self.staff, self.error = index, care_home, staff, error
        messages = "; ".join(m for ms in error.message_dict.values() for m in ms)
        super().__init__(f"{care_home.name} → {staff.name}: {messages}")


@transaction.atomic
def gap_proposal_accept(*, by, rows, hours_per_week, starts_on) -> list[Assignment]:
    """Accept a fill-the-gaps proposal: every (care home, person) row becomes a lead, or none do.

    A refusal of any row rolls the whole proposal back and says which row failed.
    """
    require(by, Permission.ADD_ASSIGNMENT)
    created = []
    for index, (care_home, staff) in enumerate(rows):
        try:
            created.append(
                assignment_create(
                    by=by,
                    care_home=care_home,
                    staff=staff,
                    role=Assignment.Role.LEAD,
                    hours_per_week=hours_per_week,
                    starts_on=starts_on,
                )
            )
        except ValidationError as error:
            raise ProposalRowError(index, care_home, staff, error) from error
    return created


@transaction.atomic
def carehome_set_supplying_pharmacy(*, by, care_home, pharmacy) -> CareHome:
    """Record (or clear, with None) the community pharmacy that supplies a home's medicines."""
    require(by, Permission.CHANGE_CAREHOME, care_home)
    care_home = CareHome.objects.select_for_update().get(pk=care_home.pk)
    care_home.supplying_pharmacy = pharmacy
    save_checked(care_home, by=by)
    return care_home


@transaction.atomic
def staff_hours_update(*, by, staff, hours_per_week) -> StaffMember:
    """Change the hours a week a person has for care-home work: their organisation's lead, or the PM.

    Never fewer than the hours they are assigned now: the hub says so and changes nothing.
    """
    require(by, Permission.LEAD_ORGANISATION, staff.organisation)
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    assigned = staff_committed_hours(staff, starts_on=timezone.localdate())
    if hours_per_week is not None and hours_per_week < assigned:
        raise ValidationError(
            {
                "hours_per_week": f"{staff.name} is assigned {hours_text(assigned)} hours a week to care homes now. "
                f"Enter {hours_text(assigned)} or more, or end an assignment first."
            }
        )
    staff.hours_per_week = hours_per_week
    save_checked(staff, by=by)
    return staff


# Care homes edited or added by hand (issue 14) -----------------------------------------------------

# What the project manager may change on a home's details page, in the order of the form.
HOME_FIELDS = (
    "name",
    "cqc_location_id",
    "address",
    "postcode",
    "phone",
    "locality",
    "pcn",
    "practice",
    "beds",
    "home_type",
    "specialisms",
)


def _check_alignment(pcn, practice):
    errors = {}
    if pcn is not None and pcn.kind != Organisation.Kind.PCN:
        errors["pcn"] = f"{pcn.name} is not a PCN."
    if practice is not None and practice.kind != Organisation.Kind.GP_PRACTICE:
        errors["practice"] = f"{practice.name} is not a GP practice."
    if errors:
        raise ValidationError(errors)


def _save_home(home, *, by, specialisms, reason=None):
    """full_clean, a duplicate CQC ID as a message by the field, save with history, then specialisms."""
    home.full_clean(validate_unique=False)  # the one unique field is checked below, in plain words
    if (
        home.cqc_location_id
        and CareHome.objects.filter(cqc_location_id=home.cqc_location_id).exclude(pk=home.pk).exists()
    ):
        raise ValidationError(
            {"cqc_location_id": f"Another care home already has the CQC location ID {home.cqc_location_id}."}
        )
    home._history_user = by
    if reason:
        home._change_reason = reason
    try:
        with transaction.atomic():
            home.save()
    except IntegrityError as error:  # two people saving the same new CQC ID at once
        raise ValidationError(
            {"cqc_location_id": f"Another care home already has the CQC location ID {home.cqc_location_id}."}
        ) from error
    if specialisms is not None:
        home.specialisms.set(specialisms)
    # The kept per-home state (ADR 11) in this transaction, as every writer keeps it; the data
    # version goes up on commit through the save's signal.
    carehome_state_refresh(care_home_ids={home.pk})
    return home


@transaction.atomic
def care_home_create_by_hand(
    *,
    by,
    name,
    postcode,
    locality,
    home_type,
    cqc_location_id=None,
    address="",
    phone="",
    pcn=None,
    practice=None,
    beds=0,
    specialisms=(),
) -> CareHome:
    """Add a home that is not (yet) in the CQC's file. Its CQC location ID is optional; when given
    it must be well formed and no other home's. Every field it is given counts as set in the hub,
    so a later CQC import that brings the home keeps them."""
    require(by, Permission.ADD_CAREHOME)
    _check_alignment(pcn, practice)
    home = CareHome(
        name=name,
        cqc_location_id=cqc_location_id or None,
        address=address or "",
        postcode=postcode,
        phone=phone or "",
        locality=locality,
        pcn=pcn,
        practice=practice,
        beds=beds if beds is not None else 0,
        home_type=home_type,
        registration_status=CareHome.Registration.REGISTERED,
    )
    home.hub_changed_fields = sorted(CareHome.CQC_FIELDS)
    return _save_home(home, by=by, specialisms=list(specialisms), reason="added by hand")


def _value(home, name):
    if name == "specialisms":
        return {s.pk for s in home.specialisms.all()}
    if name in ("pcn", "practice"):
        return getattr(home, f"{name}_id")
    return getattr(home, name)


@transaction.atomic
def care_home_update(*, by, care_home, **changes) -> CareHome:
    """Change a home's details (any of HOME_FIELDS). The fields whose value changes are recorded in
    `hub_changed_fields`, so the next CQC import keeps them; the history says who changed what and when.
    Nothing changed, nothing saved."""
    require(by, Permission.CHANGE_CAREHOME, care_home)
    unknown = set(changes) - set(HOME_FIELDS)
    if unknown:
        raise TypeError(f"care_home_update() cannot change {sorted(unknown)}")
    home = CareHome.objects.select_for_update().get(pk=care_home.pk)
    _check_alignment(changes.get("pcn", home.pcn), changes.get("practice", home.practice))
    changed = set()
    specialisms = None
    for name, value in changes.items():
        if name == "specialisms":
            wanted = {s.pk for s in value}
            if wanted != _value(home, name):
                specialisms, before = list(value), sorted(s.name for s in home.specialisms.all())
                changed.add(name)
            continue
        if name == "cqc_location_id":
            value = (value or "").strip() or None
        elif name in ("address", "phone"):
            value = value or ""
        elif name == "beds" and value is None:
            value = 0
        new = value.pk if name in ("pcn", "practice") and value is not None else value
        if new != _value(home, name):
            setattr(home, name, value)
            changed.add(name)
    home.changed_fields = [name for name in HOME_FIELDS if name in changed]  # for the caller's message
    if not changed:
        return home
    home.hub_changed_fields = sorted(set(home.hub_changed_fields) | changed)
    reason = None
    if specialisms is not None:
        after = sorted(s.name for s in specialisms)
        reason = f"specialisms: {', '.join(before) or 'none'} → {', '.join(after) or 'none'}"
    return _save_home(home, by=by, specialisms=specialisms, reason=reason)
