"""Each care home's kept state: what the gap rules and headline figures read, without scanning
the visit table.

    carehome_state_refresh(care_home_ids=[...])   # recompute some homes, in the caller's transaction
    carehome_state_rebuild()                      # recompute every home (bulk loads, seed commands)
    refresh_expired()                             # before a read: rows whose dates have passed
    carehome_state_check(repair=True)             # the nightly drift check (carehomes.tasks)

Writers keep it current in their own transaction through model signals (so the services, the
admin, the imports that save rows and the test factories all do): a visit saved or deleted
refreshes its home (both homes when a correction moves it); an assignment saved or deleted
refreshes its home and every home its person leads (their load changed); a staff member saved
refreshes the homes they lead (hours available, organisation); a new care home gets its row.
Bulk writes that skip signals (bulk_create, COPY) call `carehome_state_refresh` or
`carehome_state_rebuild` themselves; so may other apps whose writes change what a home's state
holds (the hook for discharge follow-ups).

Facts that depend on the date are stored as dates and compared with today when read
(`carehomes.gaps`), so nothing goes stale overnight; `valid_until` is the last day the stored
lead and load figures hold with no write at all, and `refresh_expired()` recomputes the few rows
past it before a read (one indexed query when there are none).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from carehomes.kept import drifted, kept_rows_check, refresh_rows_past_valid_until, upsert_recomputed
from carehomes.models import Assignment, CareHome, CareHomeState, Visit
from organisations.models import StaffMember

FIELDS = [
    "last_visited_on",
    "lead_staff",
    "lead_organisation",
    "lead_starts_on",
    "lead_ends_on",
    "lead_available_hours",
    "lead_assigned_hours",
    "valid_until",
]
DAY = datetime.timedelta(days=1)


def _blank():
    return dict.fromkeys(CareHomeState.FACTS)


def compute(care_home_ids=None, *, today=None) -> dict[int, dict]:
    """The state of the homes (every home when None), from the raw tables, in four queries."""
    today = today or timezone.localdate()
    homes = CareHome.objects.order_by()
    visits = Visit.objects.order_by()
    leads = Assignment.objects.filter(role=Assignment.Role.LEAD).order_by("care_home", "starts_on", "pk")
    if care_home_ids is not None:
        ids = set(care_home_ids)
        homes, visits, leads = (
            homes.filter(pk__in=ids),
            visits.filter(care_home__in=ids),
            leads.filter(care_home__in=ids),
        )
    facts = {pk: _blank() for pk in homes.values_list("pk", flat=True)}
    for home_id, last in (
        visits.values("care_home").annotate(last=Max("visited_on")).values_list("care_home", "last")
    ):
        if home_id in facts:
            facts[home_id]["last_visited_on"] = last

    lead_rows = defaultdict(list)
    for row in leads.not_ended(today).values(
        "care_home", "staff", "staff__organisation", "staff__hours_per_week", "starts_on", "ends_on"
    ):
        lead_rows[row["care_home"]].append(row)
    changes = defaultdict(list)  # home -> last days its lead facts hold
    chosen = {}
    for home_id, rows in lead_rows.items():
        current = [r for r in rows if r["starts_on"] <= today]
        lead = current[0] if current else rows[0]
        chosen[home_id] = lead
        for r in rows:
            if r["starts_on"] > today:
                changes[home_id].append(r["starts_on"] - DAY)
            if r["ends_on"] is not None:
                changes[home_id].append(r["ends_on"])

    load = defaultdict(Decimal)
    staff_changes = defaultdict(list)
    lead_staff = {lead["staff"] for lead in chosen.values()}
    if lead_staff:
        for staff_id, hours, starts_on, ends_on in (
            Assignment.objects.filter(staff__in=lead_staff)
            .not_ended(today)
            .order_by()
            .values_list("staff", "hours_per_week", "starts_on", "ends_on")
        ):
            if starts_on <= today:
                load[staff_id] += hours
            else:
                staff_changes[staff_id].append(starts_on - DAY)
            if ends_on is not None:
                staff_changes[staff_id].append(ends_on)

    for home_id, lead in chosen.items():
        if home_id not in facts:
            continue
        until = changes[home_id] + staff_changes[lead["staff"]]
        facts[home_id].update(
            lead_staff_id=lead["staff"],
            lead_organisation_id=lead["staff__organisation"],
            lead_starts_on=lead["starts_on"],
            lead_ends_on=lead["ends_on"],
            lead_available_hours=lead["staff__hours_per_week"],
            lead_assigned_hours=load[lead["staff"]],
            valid_until=min(until) if until else None,
        )
    return facts


def _write(facts):
    upsert_recomputed(CareHomeState, "care_home", facts, FIELDS)


def carehome_state_refresh(*, care_home_ids):
    """Recompute the state of these homes from the raw tables, in the caller's transaction.

    The hook for any write that changes what a home's state holds and skips model signals.
    """
    ids = {pk for pk in care_home_ids if pk is not None}
    if ids:
        _write(compute(ids))


def carehome_state_rebuild():
    """Recompute every home's state (after bulk loads: imports, seed commands)."""
    with transaction.atomic():
        facts = compute()
        _write(facts)
    return len(facts)


def refresh_expired(today=None):
    """Recompute the rows whose stored lead or load figures no longer hold today."""
    return refresh_rows_past_valid_until(
        CareHomeState, lambda ids: carehome_state_refresh(care_home_ids=ids), today
    )


def _stored():
    return {
        row["care_home"]: {fact: row[fact] for fact in CareHomeState.FACTS}
        for row in CareHomeState.objects.values("care_home", *CareHomeState.FACTS)
    }


def _same(a, b):
    return all(
        (Decimal(a[f]) == Decimal(b[f]))
        if isinstance(a[f], Decimal) or isinstance(b[f], Decimal)
        else a[f] == b[f]
        for f in CareHomeState.FACTS
        if not (f.endswith("_hours") and a["lead_staff_id"] is None and b["lead_staff_id"] is None)
    )


def drift(today=None) -> dict[int, tuple]:
    """Homes whose stored state differs from a recomputation: {home: (stored, computed)}."""
    refresh_expired(today)
    return drifted(_stored(), compute(today=today), same=_same)


def _repair(fixed):
    CareHomeState.objects.filter(pk__in=[pk for pk, facts in fixed.items() if facts is None]).delete()
    _write({pk: facts for pk, facts in fixed.items() if facts is not None})


def carehome_state_check(*, repair=True) -> int:
    """Recompute every home's state from the raw tables; log any drift as an error and repair it.
    Returns the number of homes that had drifted (it should be zero)."""
    return kept_rows_check(what="care-home state", rows="home(s)", drift=drift, write=_repair, repair=repair)


# ---------------------------------------------------------------------------------------------
# Signal receivers: the writers' own transaction keeps the state current.


def _homes_led_by(staff_id):
    if staff_id is None:
        return set()
    today = timezone.localdate()
    led = Assignment.objects.filter(staff_id=staff_id, role=Assignment.Role.LEAD).not_ended(today)
    return set(led.values_list("care_home_id", flat=True)) | set(
        CareHomeState.objects.filter(lead_staff_id=staff_id).values_list("pk", flat=True)
    )


def _remember_visit_home(sender, instance, **kwargs):
    if instance.pk and not instance._state.adding:
        instance._state_previous_home = (
            Visit.objects.filter(pk=instance.pk).values_list("care_home_id", flat=True).first()
        )


def _visit_changed(sender, instance, created=False, **kwargs):
    if created and _visit_added(instance):
        return
    carehome_state_refresh(
        care_home_ids={instance.care_home_id, getattr(instance, "_state_previous_home", None)}
    )


def _visit_added(visit):
    """A new visit can only move its home's last visit later: one UPDATE instead of recomputing
    the home (four reads and an upsert). Two writers at once both land: the row lock orders them
    and each keeps the later date. False when the home has no state row yet (then recompute)."""
    day = Value(visit.visited_on)
    return bool(
        CareHomeState.objects.filter(care_home_id=visit.care_home_id).update(
            last_visited_on=Greatest(Coalesce("last_visited_on", day), day)
        )
    )


def _assignment_changed(sender, instance, **kwargs):
    carehome_state_refresh(care_home_ids={instance.care_home_id} | _homes_led_by(instance.staff_id))


def _staff_changed(sender, instance, created=False, **kwargs):
    if not created:
        carehome_state_refresh(care_home_ids=_homes_led_by(instance.pk))


def _care_home_saved(sender, instance, created=False, raw=False, **kwargs):
    if created:
        carehome_state_refresh(care_home_ids={instance.pk})


def connect():
    pre_save.connect(_remember_visit_home, sender=Visit, dispatch_uid="hub_state_visit_pre")
    post_save.connect(_visit_changed, sender=Visit, dispatch_uid="hub_state_visit_save")
    post_delete.connect(_visit_changed, sender=Visit, dispatch_uid="hub_state_visit_delete")
    post_save.connect(_assignment_changed, sender=Assignment, dispatch_uid="hub_state_assignment_save")
    post_delete.connect(_assignment_changed, sender=Assignment, dispatch_uid="hub_state_assignment_delete")
    post_save.connect(_staff_changed, sender=StaffMember, dispatch_uid="hub_state_staff_save")
    post_save.connect(_care_home_saved, sender=CareHome, dispatch_uid="hub_state_care_home_save")
