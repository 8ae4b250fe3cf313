"""Each organisation's kept hour totals (`OrganisationHours`): what the dashboard's hours tables and
the PCN gap rule read, instead of summing every staff member, assignment and care home per read.

    organisation_hours_refresh(organisation_ids=[...])   # recompute some, in the caller's transaction
    organisation_hours_rebuild()                         # recompute every organisation (bulk loads)
    refresh_expired()                                    # before a read: rows whose dates have passed
    organisation_hours_check(repair=True)                # the nightly drift check (carehomes.tasks)

Writers keep it current in their own transaction through model signals, like the per-home state
(`carehomes.state`): an assignment saved or deleted refreshes its person's organisation and its
home's PCN; a staff member saved or deleted refreshes their organisation (the old one too when it
changed); a care home saved or deleted refreshes its PCN (old and new when it moved); a person's
roles changed refreshes their organisation (trust and community-pharmacy staff give no hours).
Bulk writes that skip signals (the ODS import moving homes to a new PCN, COPY) call
`organisation_hours_refresh` or `organisation_hours_rebuild` themselves.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from carehomes.kept import drifted, kept_rows_check, refresh_rows_past_valid_until, upsert_recomputed
from carehomes.models import Assignment, CareHome, OrganisationHours
from organisations.models import StaffMember

DAY = datetime.timedelta(days=1)
ZERO = {
    "staff_count": 0,
    "available_hours": Decimal(0),
    "assignment_count": 0,
    "assigned_hours": Decimal(0),
    "pcn_home_count": 0,
    "pcn_assigned_hours": Decimal(0),
    "valid_until": None,
}


def _until(facts, starts_on, ends_on, today):
    """The last day an assignment's part of the totals holds with no write."""
    days = [d for d in (starts_on - DAY if starts_on > today else None, ends_on) if d is not None]
    if days:
        current = facts["valid_until"]
        facts["valid_until"] = min(days) if current is None else min(current, *days)


def compute(organisation_ids=None, *, today=None) -> dict[int, dict]:
    """The totals of the organisations (every one with any figure when None), in three queries."""
    today = today or timezone.localdate()
    staff = StaffMember.objects.filter(is_active=True).deployable().order_by()
    assignments = Assignment.objects.not_ended(today).order_by()
    homes = CareHome.objects.filter(pcn__isnull=False).order_by()
    columns = ("pk", "staff__organisation", "care_home__pcn", "hours_per_week", "starts_on", "ends_on")
    if organisation_ids is not None:
        ids = {pk for pk in organisation_ids if pk is not None}
        staff = staff.filter(organisation__in=ids)
        # A UNION, not an OR across the two joins: each side is read through its own index (the
        # organisations' staff, the PCNs' homes), where an OR hash-joined every assignment with
        # every person and home (a country's 19,000 and 15,000) on each assignment saved.
        rows = (
            assignments.filter(staff__organisation__in=ids)
            .values_list(*columns)
            .union(assignments.filter(care_home__pcn__in=ids).values_list(*columns))
        )
        homes = homes.filter(pcn__in=ids)
    else:
        ids = set()
        rows = assignments.values_list(*columns)
    facts = defaultdict(lambda: dict(ZERO))
    for pk in ids:  # every organisation asked about gets its totals, perhaps zeros
        facts[pk] = dict(ZERO)
    for org, count, hours in (
        staff.values("organisation")
        .annotate(n=Count("pk"), h=Sum("hours_per_week"))
        .values_list("organisation", "n", "h")
    ):
        facts[org].update(staff_count=count, available_hours=hours or Decimal(0))
    for pcn, count in homes.values("pcn").annotate(n=Count("pk")).values_list("pcn", "n"):
        facts[pcn]["pcn_home_count"] = count
    for _pk, employer, pcn, hours, starts_on, ends_on in rows:
        current = starts_on <= today
        if organisation_ids is None or employer in ids:
            row = facts[employer]
            if current:
                row["assignment_count"] += 1
                row["assigned_hours"] += hours
            _until(row, starts_on, ends_on, today)
        if pcn is not None and (organisation_ids is None or pcn in ids):
            row = facts[pcn]
            if current:
                row["pcn_assigned_hours"] += hours
            _until(row, starts_on, ends_on, today)
    return dict(facts)


def _write(facts):
    upsert_recomputed(OrganisationHours, "organisation", facts, OrganisationHours.FACTS)


def organisation_hours_refresh(*, organisation_ids):
    """Recompute these organisations' totals from the raw tables, in the caller's transaction."""
    ids = {pk for pk in organisation_ids if pk is not None}
    if ids:
        _write(compute(ids))


def organisation_hours_rebuild():
    """Recompute every organisation's totals (after bulk loads: imports, seed commands)."""
    with transaction.atomic():
        facts = compute()
        OrganisationHours.objects.exclude(organisation__in=list(facts)).delete()
        _write(facts)
    return len(facts)


def refresh_expired(today=None):
    """Recompute the rows whose totals no longer hold today (an assignment started or ended)."""
    return refresh_rows_past_valid_until(
        OrganisationHours, lambda ids: organisation_hours_refresh(organisation_ids=ids), today
    )


def _plain(values):
    return {f: (Decimal(values[f]) if f.endswith("_hours") else values[f]) for f in OrganisationHours.FACTS}


def drift(today=None) -> dict[int, tuple]:
    """Organisations whose stored totals differ from a recomputation: {organisation: (stored, computed)}.

    A missing row and a row of zeros are the same totals."""
    refresh_expired(today)
    computed = {pk: _plain(v) for pk, v in compute(today=today).items()}
    stored = {
        row["organisation"]: _plain(row)
        for row in OrganisationHours.objects.values("organisation", *OrganisationHours.FACTS)
    }
    return drifted(stored, computed, missing=ZERO)


def organisation_hours_check(*, repair=True) -> int:
    """Recompute every organisation's totals; log any drift as an error and repair it. Returns the
    number of organisations that had drifted (it should be zero)."""
    return kept_rows_check(
        what="organisation hours", rows="organisation(s)", drift=drift, write=_write, repair=repair
    )


# ---------------------------------------------------------------------------------------------
# Signal receivers: the writer's own transaction keeps the totals current.


def _remember_assignment(sender, instance, **kwargs):
    if instance.pk and not instance._state.adding:
        instance._hours_previous = set(
            Assignment.objects.filter(pk=instance.pk)
            .values_list("staff__organisation", "care_home__pcn")
            .first()
            or ()
        )


def _assignment_changed(sender, instance, **kwargs):
    """Saved or deleted (its person and home are protected, so both still exist)."""
    now = {
        StaffMember.objects.filter(pk=instance.staff_id).values_list("organisation", flat=True).first(),
        CareHome.objects.filter(pk=instance.care_home_id).values_list("pcn", flat=True).first(),
    }
    organisation_hours_refresh(organisation_ids=now | getattr(instance, "_hours_previous", set()))


def _remember_staff(sender, instance, **kwargs):
    if instance.pk and not instance._state.adding:
        instance._hours_previous = (
            StaffMember.objects.filter(pk=instance.pk)
            .values_list("organisation", "hours_per_week", "is_active")
            .first()
        )


def _staff_changed(sender, instance, created=False, **kwargs):
    previous = getattr(instance, "_hours_previous", None)
    now = (instance.organisation_id, instance.hours_per_week, instance.is_active)
    if kwargs.get("signal") is post_save and not created and previous is not None and previous == now:
        return  # a name or role changed: no total did
    organisation_hours_refresh(organisation_ids={instance.organisation_id, previous[0] if previous else None})


def _remember_home(sender, instance, raw=False, **kwargs):
    if instance.pk and not instance._state.adding:
        instance._hours_previous = (
            CareHome.objects.filter(pk=instance.pk).values_list("pcn", flat=True).first(),
        )


def _home_changed(sender, instance, created=False, **kwargs):
    previous = getattr(instance, "_hours_previous", None)
    if kwargs.get("signal") is post_save and not created and previous == (instance.pcn_id,):
        return  # still aligned to the same PCN
    organisation_hours_refresh(organisation_ids={instance.pcn_id, previous[0] if previous else None})


def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # A person's groups changed, or a group's members (then pk_set holds the people).
    users = (pk_set or ()) if reverse else [instance.pk]
    organisation_hours_refresh(
        organisation_ids=set(
            StaffMember.objects.filter(user__in=users).values_list("organisation", flat=True)
        )
    )


def connect():
    pre_save.connect(_remember_assignment, sender=Assignment, dispatch_uid="hub_hours_assignment_pre")
    post_save.connect(_assignment_changed, sender=Assignment, dispatch_uid="hub_hours_assignment_save")
    post_delete.connect(_assignment_changed, sender=Assignment, dispatch_uid="hub_hours_assignment_delete")
    pre_save.connect(_remember_staff, sender=StaffMember, dispatch_uid="hub_hours_staff_pre")
    post_save.connect(_staff_changed, sender=StaffMember, dispatch_uid="hub_hours_staff_save")
    post_delete.connect(_staff_changed, sender=StaffMember, dispatch_uid="hub_hours_staff_delete")
    pre_save.connect(_remember_home, sender=CareHome, dispatch_uid="hub_hours_home_pre")
    post_save.connect(_home_changed, sender=CareHome, dispatch_uid="hub_hours_home_save")
    post_delete.connect(_home_changed, sender=CareHome, dispatch_uid="hub_hours_home_delete")
    m2m_changed.connect(
        _roles_changed, sender=get_user_model().groups.through, dispatch_uid="hub_hours_roles"
    )
