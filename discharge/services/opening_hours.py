"""A community pharmacy's weekly opening hours, entered by its own staff or the project manager.

The stage-1 timer counts 72 hours while the pharmacy is open: these hours where recorded, else
Monday to Saturday 9am to 6pm (`discharge.timers`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from config.history import save_checked
from discharge import timers
from discharge.models import DischargeFollowUp, PharmacyOpeningHours
from discharge.states import WORKING_STATES
from organisations.access import require
from organisations.models import Organisation
from organisations.permissions import Permission


def _check(sessions):
    """Sessions in order, each closing after it opens, none overlapping on a day, at least one."""
    sessions = sorted(sessions)
    if not sessions:
        raise ValidationError("Enter the hours the pharmacy is open on at least one day.")
    names = PharmacyOpeningHours.Weekday
    for weekday, opens_at, closes_at in sessions:
        if weekday not in names.values:
            raise ValidationError("Choose a day of the week.")
        if closes_at <= opens_at:
            raise ValidationError(
                f"On {names(weekday).label} the closing time must be after the opening time."
            )
    for (day, _, closes), (next_day, opens, _) in zip(sessions, sessions[1:], strict=False):
        if day == next_day and opens < closes:
            raise ValidationError(f"On {names(day).label} the opening sessions overlap.")
    return sessions


@transaction.atomic
def pharmacy_set_opening_hours(*, by, pharmacy, sessions) -> list[PharmacyOpeningHours]:
    """Set a pharmacy's weekly opening hours: `sessions` is [(weekday, opens_at, closes_at), ...].

    Only what changed is written: sessions no longer open are deleted and new ones created, each
    with a history row saying who; saving the same hours again changes nothing.
    """
    require(by, Permission.CHANGE_OPENING_HOURS, pharmacy)
    if pharmacy.kind != Organisation.Kind.COMMUNITY_PHARMACY:
        raise ValidationError({"pharmacy": "Opening hours are kept for community pharmacies only."})
    wanted = _check(sessions)
    # Lock the pharmacy's row so two people saving at once write one after the other.
    Organisation.objects.select_for_update().filter(pk=pharmacy.pk).first()
    current = {
        (row.weekday, row.opens_at, row.closes_at): row
        for row in PharmacyOpeningHours.objects.filter(pharmacy=pharmacy)
    }
    for key, row in current.items():
        if key not in wanted:
            row._history_user = by
            row._change_reason = "Opening hours changed"
            row.delete()
    for weekday, opens_at, closes_at in wanted:
        if (weekday, opens_at, closes_at) in current:
            continue
        row = PharmacyOpeningHours(pharmacy=pharmacy, weekday=weekday, opens_at=opens_at, closes_at=closes_at)
        save_checked(row, by=by, reason="Opening hours changed")
    _reset_deadlines(pharmacy)
    return list(PharmacyOpeningHours.objects.filter(pharmacy=pharmacy))


def _reset_deadlines(pharmacy):
    """Follow-ups still waiting for stage 1 at this pharmacy are now due by its new hours."""
    rows = PharmacyOpeningHours.objects.filter(pharmacy=pharmacy).values_list(
        "weekday", "opens_at", "closes_at"
    )
    schedule = timers.schedule_from_rows(rows) or timers.default_schedule()
    waiting = DischargeFollowUp.objects.filter(
        pharmacy=pharmacy, stage1_at__isnull=True, state__in=list(WORKING_STATES)
    ).only("pk", "routed_at", "lost_at", "stage1_due_at")
    changed = []
    for follow_up in waiting:
        follow_up.lost_at, follow_up.stage1_due_at = timers.deadlines(follow_up.routed_at, schedule)
        changed.append(follow_up)
    DischargeFollowUp.objects.bulk_update(changed, ["lost_at", "stage1_due_at"], batch_size=500)
