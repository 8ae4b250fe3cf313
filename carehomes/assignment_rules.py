"""An assignment's rules, asked by the forms and again by the services (issue 14: all errors at once).

`assignment_problems` answers {field: message} from whatever is known. The services
(`assignment_create`, `lead_hand_over`) ask it under their locks, where it is the guard; the
assignment forms ask it in `clean()` with the fields that parsed, so a person without the hours
and a field left empty show together, in one round. A rule whose facts are missing is not asked;
the capacity and second-lead rules, with the start date unknown, count only what overlaps
whatever the start, so a refusal in the first round is never one the second round would lift.
"""

from decimal import Decimal

from carehomes.models import Assignment
from carehomes.selectors import staff_committed_hours
from config.presenters import hours as hours_text
from config.presenters import hours_phrase


def second_lead_message(lead, care_home):
    return (
        f"{care_home.name} already has a named lead ({lead.staff.name}). "
        "Hand the lead over, or add this person as support."
    )


def already_lead_message(staff, care_home):
    return f"{staff.name} is already the named lead for {care_home.name}."


def _leads(care_home, *, starts_on, ends_on=None):
    """The home's leads whose assignments overlap a new one from `starts_on` to `ends_on` (with the
    start unknown: those that overlap it whatever the start)."""
    leads = Assignment.objects.filter(care_home=care_home, role=Assignment.Role.LEAD)
    if starts_on is not None:
        leads = leads.not_ended(starts_on)
    elif ends_on is not None:
        leads = leads.not_ended(ends_on)
    else:
        leads = leads.open()
    if ends_on:
        leads = leads.filter(starts_on__lte=ends_on)
    return leads


def capacity_problem(*, staff, hours_per_week, starts_on, ends_on=None):
    """The message when `staff` has fewer hours a week spare over the period than asked, else None."""
    spare = staff.hours_per_week - staff_committed_hours(staff, starts_on=starts_on, ends_on=ends_on)
    if Decimal(hours_per_week) <= spare:
        return None
    if spare <= 0:
        return f"{staff.name} has no hours a week spare: they are fully assigned."
    return f"{staff.name} has only {hours_phrase(spare)} a week spare; enter {hours_text(spare)} or fewer."


def assignment_problems(
    *, care_home=None, staff=None, role=None, hours_per_week=None, starts_on=None, ends_on=None
) -> dict[str, str]:
    """A new assignment's rules, {field: message}: an active person, an end on or after the start,
    more than 0 hours, no second named lead over the same days, and no more hours than the person
    has spare. Each is asked only when what it needs is known (None is unknown)."""
    errors = {}
    if staff is not None and not staff.is_active:
        errors["staff"] = f"{staff.name} is not active, so cannot be assigned to a care home."
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the start date."
    if hours_per_week is not None and Decimal(hours_per_week) <= 0:
        errors["hours_per_week"] = "Enter the hours a week, for example 2.5."
    if role == Assignment.Role.LEAD and care_home is not None and "ends_on" not in errors:
        lead = _leads(care_home, starts_on=starts_on, ends_on=ends_on).select_related("staff").first()
        if lead:
            errors["role"] = second_lead_message(lead, care_home)
    if staff is not None and hours_per_week is not None and not errors.keys() & {"hours_per_week", "ends_on"}:
        message = capacity_problem(
            staff=staff, hours_per_week=hours_per_week, starts_on=starts_on, ends_on=ends_on
        )
        if message:
            errors["hours_per_week"] = message
    return errors


def lead_hand_over_problems(*, care_home, staff=None, hours_per_week=None, starts_on=None) -> dict[str, str]:
    """A hand-over's rules about the new lead, {field: message}: not the lead already, and the rules
    of any new assignment but the second lead (the current lead's assignment is what ends)."""
    errors = {}
    if (
        staff is not None
        and care_home is not None
        and _leads(care_home, starts_on=starts_on).filter(staff=staff).exists()
    ):
        errors["staff"] = already_lead_message(staff, care_home)
    problems = assignment_problems(staff=staff, hours_per_week=hours_per_week, starts_on=starts_on)
    return problems | errors
