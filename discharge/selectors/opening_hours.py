"""Reads for a pharmacy's opening hours: its sessions (or the default), their history, the
pharmacies a person keeps the hours of, the follow-ups whose deadlines move with them."""

import datetime

from discharge import timers
from discharge.models import DischargeFollowUp, PharmacyOpeningHours
from discharge.states import WORKING_STATES
from organisations.access import (
    COMMUNITY_PHARMACY,
    has_role,
    organisation_ids_for,
)
from organisations.models import Organisation


def pharmacy_schedule(pharmacy_id):
    """(schedule, described): the pharmacy's recorded opening hours, else the default, and which."""
    rows = PharmacyOpeningHours.objects.filter(pharmacy_id=pharmacy_id).values_list(
        "weekday", "opens_at", "closes_at"
    )
    recorded = timers.schedule_from_rows(rows)
    if recorded:
        return recorded, timers.RECORDED_SCHEDULE_NAME
    return timers.default_schedule(), timers.DEFAULT_SCHEDULE_NAME


def community_pharmacy(pk):
    """The community pharmacy `pk`, or None."""
    return Organisation.objects.filter(pk=pk, kind=Organisation.Kind.COMMUNITY_PHARMACY).first()


def opening_sessions(pharmacy):
    """[(weekday, opens_at, closes_at), ...] recorded for the pharmacy, in week order."""
    return list(
        PharmacyOpeningHours.objects.filter(pharmacy=pharmacy)
        .order_by("weekday", "opens_at")
        .values_list("weekday", "opens_at", "closes_at")
    )


def waiting_for_stage1_count(pharmacy):
    """How many follow-ups at the pharmacy still wait for stage 1 (their deadline moves with its hours)."""
    return DischargeFollowUp.objects.filter(
        pharmacy=pharmacy, stage1_at__isnull=True, state__in=list(WORKING_STATES)
    ).count()


def opening_hours_history(pharmacy, limit=50):
    """Who changed the hours and when, newest first: [{"at", "who", "changes": [...]}, ...].

    One entry per save (the history rows one person wrote in one request, within a second)."""
    rows = (
        PharmacyOpeningHours.history.filter(pharmacy_id=pharmacy.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 14]
    )
    entries = []
    for row in rows:
        verb = {"+": "Added", "-": "Removed", "~": "Changed"}[row.history_type]
        change = (row.weekday, verb, row.opens_at, row.closes_at)
        last = entries[-1] if entries else None
        if (
            last is not None
            and last["who"] == row.history_user
            and (last["at"] - row.history_date) <= datetime.timedelta(seconds=1)
        ):
            last["changes"].append(change)
        else:
            entries.append({"at": row.history_date, "who": row.history_user, "changes": [change]})
    for entry in entries:
        entry["changes"].sort()
    return entries[:limit]


def own_pharmacies(user):
    """The community pharmacies a Community pharmacy user works for (their hours are theirs to keep)."""
    if not has_role(user, COMMUNITY_PHARMACY):
        return []
    return list(
        Organisation.objects.filter(
            pk__in=organisation_ids_for(user), kind=Organisation.Kind.COMMUNITY_PHARMACY
        ).order_by("name")
    )
