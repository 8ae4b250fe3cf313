"""A community pharmacy's weekly opening hours, entered by its own staff or the project manager.

The stage-1 timer counts 72 hours while the pharmacy is open: these hours where recorded, else
Monday to Saturday 9am to 6pm (`discharge.timers`).
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from config.history import save_checked
from discharge import day_counts, deadline_fill, timers
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
    current = _lock_and_read(by, pharmacy)
    wanted = _check(sessions)
    for key, row in current.items():
        if key not in wanted:
            _delete(row, by, "Opening hours changed")
    for weekday, opens_at, closes_at in wanted:
        if (weekday, opens_at, closes_at) in current:
            continue
        row = PharmacyOpeningHours(pharmacy=pharmacy, weekday=weekday, opens_at=opens_at, closes_at=closes_at)
        save_checked(row, by=by, reason="Opening hours changed")
    _reset_deadlines(pharmacy)
    return list(PharmacyOpeningHours.objects.filter(pharmacy=pharmacy))


@transaction.atomic
def pharmacy_reset_opening_hours(*, by, pharmacy) -> int:
    """Back to the default hours (`DISCHARGE` settings, Monday to Saturday 9am to 6pm): every recorded
    session is removed, each with a history row saying who, and the follow-ups still waiting for
    stage 1 at the pharmacy are due by the default hours. Returns how many sessions were removed."""
    current = _lock_and_read(by, pharmacy)
    if not current:
        raise ValidationError("No opening hours are recorded: the timer already counts the default hours.")
    for row in current.values():
        _delete(row, by, "Back to the default hours")
    _reset_deadlines(pharmacy)
    return len(current)


def _lock_and_read(by, pharmacy):
    """Check who may change the hours, lock the pharmacy's row (two people saving at once write one
    after the other) and read its recorded sessions: {(weekday, opens_at, closes_at): row}."""
    require(by, Permission.CHANGE_OPENING_HOURS, pharmacy)
    if pharmacy.kind != Organisation.Kind.COMMUNITY_PHARMACY:
        raise ValidationError({"pharmacy": "Opening hours are kept for community pharmacies only."})
    Organisation.objects.select_for_update().filter(pk=pharmacy.pk).first()
    return {
        (row.weekday, row.opens_at, row.closes_at): row
        for row in PharmacyOpeningHours.objects.filter(pharmacy=pharmacy)
    }


def _delete(row, by, reason):
    row._history_user = by
    row._change_reason = reason
    row.delete()


def _reset_deadlines(pharmacy):
    """Follow-ups still waiting for stage 1 at this pharmacy are now due by its new hours."""
    rows = PharmacyOpeningHours.objects.filter(pharmacy=pharmacy).values_list(
        "weekday", "opens_at", "closes_at"
    )
    schedule = timers.schedule_from_rows(rows) or timers.default_schedule()
    waiting = DischargeFollowUp.objects.filter(
        pharmacy=pharmacy, stage1_at__isnull=True, state__in=list(WORKING_STATES)
    )
    # A bulk UPDATE sends no signals: the kept daily counts are kept around it.
    day_counts.counted_around(
        waiting.values_list("pk", flat=True),
        lambda: deadline_fill.fill_schedule(waiting, schedule, connection),
    )
