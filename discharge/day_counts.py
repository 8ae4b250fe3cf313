"""The follow-ups' kept daily counts (`FollowUpDayCount`): what the dashboard's Discharges section and
the list's pager read instead of counting 200,000 follow-ups a year on every load.

    day_figures(first, last)                   # {day: figures} the section sums (one small query)
    finished_count(state=..., week=...)        # closed follow-ups for the list's pager
    day_counts_rebuild()                       # after bulk loads: every row again, set-based
    day_counts_check(repair=True)              # nightly: drift logged as an error and repaired

Each follow-up counts once, in the row of its local day of receipt, its state and its close reason,
with a 1 in each measure it meets that depends on its stored times only (acknowledged before its
"lost from" deadline, stage 1 by its due time, closed within 14 days, misrouted, readmitted).
Every save of a follow-up takes its old contribution away and adds the new one in the writer's own
transaction (model signals: the services, the CSV upload, the admin and the test factories all keep
it), with the stored row locked first so two writers never count the same change twice. Rows are
changed with one upsert that adds to what is there, in key order: concurrent writers never lose an
increment nor deadlock. Whatever depends on the time of asking is not kept: the section reads the
deadlines not yet reached at read time (`pending_deadlines`), through their indexes.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from carehomes.kept import add_to_kept_figures, drifted, kept_rows_check, merged_figures
from discharge.models import FINISHED_STATE_VALUES, CloseReason, DischargeFollowUp, FollowUpDayCount
from discharge.states import State

KEY = FollowUpDayCount.KEY
FIGURES = FollowUpDayCount.FIGURES
VALUE_FIELDS = (
    "received_at",
    "state",
    "close_reason",
    "misrouted_from_id",
    "readmitted",
    "closed_at",
    "acknowledged_at",
    "lost_at",
    "stage1_at",
    "stage1_due_at",
)
ANSWERED = ("yes", "no")


def _fourteen_days():
    return datetime.timedelta(days=settings.DISCHARGE["STALLED_DAYS"])


def _local_day(moment):
    return moment.astimezone(timezone.get_default_timezone()).date()


def _contribution(values, sign):
    """{key: figures} one follow-up (its stored values) adds to the counts (sign 1) or takes away (-1)."""
    received_at, closed_at = values["received_at"], values["closed_at"]
    acknowledged_at, lost_at = values["acknowledged_at"], values["lost_at"]
    stage1_at, stage1_due_at = values["stage1_at"], values["stage1_due_at"]
    flags = (
        True,
        values["misrouted_from_id"] is not None,
        values["readmitted"] == "yes",
        values["readmitted"] in ANSWERED,
        closed_at is not None and closed_at <= received_at + _fourteen_days(),
        lost_at is not None,
        acknowledged_at is not None and lost_at is not None and acknowledged_at < lost_at,
        stage1_due_at is not None,
        stage1_at is not None and stage1_due_at is not None and stage1_at <= stage1_due_at,
    )
    key = (_local_day(received_at), values["state"], values["close_reason"] or "")
    return {key: tuple(sign * int(flag) for flag in flags)}


def add_to_counts(deltas):
    """Add {key: figures} to the kept rows (one upsert, keys in order)."""
    add_to_kept_figures(FollowUpDayCount, deltas, key=KEY, figures=FIGURES)


def _stored_values(pks, *, lock=False):
    """{pk: values} of the follow-ups as stored (locked first when asked, inside a transaction)."""
    rows = DischargeFollowUp.objects.filter(pk__in=pks).order_by("pk")
    if lock and connection.in_atomic_block:
        rows = rows.select_for_update()
    return {row["pk"]: row for row in rows.values("pk", *VALUE_FIELDS)}


def counted_around(pks, change):
    """Run `change()`, a bulk write to the follow-ups `pks` that sends no signals, and keep the counts:
    the rows are locked and read before and read again after."""
    pks = list(pks)
    before = _stored_values(pks, lock=True)
    result = change()
    after = _stored_values(pks)
    add_to_counts(
        merged_figures(
            len(FIGURES),
            *(_contribution(values, 1) for values in after.values()),
            *(_contribution(values, -1) for values in before.values()),
        )
    )
    return result


# ---------------------------------------------------------------------------------------------
# Reads.


def day_figures(first, last):
    """{day: figures} for the follow-ups received from `first` to `last` (local dates, inclusive), in
    the names `discharge.figures` sums: one query over at most a row per day, state and close reason."""
    real = ~Q(state=State.DUPLICATE)
    complete, partial = Q(state=State.CLOSED_COMPLETE), Q(state=State.CLOSED_PARTIAL)

    def total(name, condition=None):
        return Coalesce(Sum(name, filter=condition), 0)

    sums = {
        "received": total("followups"),
        "referrals": total("followups", real),
        "misrouted": total("misrouted"),
        "duplicates": total("followups", ~real),
        "completed": total("followups", complete),
        "partial": total("followups", partial),
        "readmitted_after_completed": total("readmitted_yes", complete),
        "completed_in_14": total("completed_in_14", complete),
        "complete_answered": total("readmitted_answered", complete),
        "other_yes": total("readmitted_yes", partial),
        "other_answered": total("readmitted_answered", partial),
        "ack_met": total("ack_met", real),
        "ack_timed": total("ack_timed", real),
        "stage_met": total("stage_met", real),
        "stage_timed": total("stage_timed", real),
        **{
            f"partial_{reason}": total("followups", partial & Q(close_reason=reason))
            for reason in CloseReason.values
        },
    }
    rows = (
        FollowUpDayCount.objects.filter(received_on__gte=first, received_on__lte=last)
        .values("received_on")
        .annotate(**sums)
        .order_by("received_on")
    )
    return {row.pop("received_on"): row for row in rows}


def pending_deadlines(follow_ups, now):
    """Of `follow_ups` (not duplicates), how many have a deadline not reached at `now` and not met:
    {"ack": ..., "stage": ...}. Only follow-ups routed in the last days can."""
    ack = follow_ups.filter(Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("lost_at")))
    stage = follow_ups.filter(Q(stage1_at__isnull=True) | Q(stage1_at__gt=F("stage1_due_at")))
    # Two counts, each an index-only scan of its partial index (the not met ones, a few thousand).
    return {"ack": ack.filter(lost_at__gt=now).count(), "stage": stage.filter(stage1_due_at__gte=now).count()}


def finished_count(*, state="", received_from=None, received_before=None):
    """How many follow-ups are closed or merged (`state`: only those in it), received in the dates
    given: the list's pager without counting the follow-ups themselves."""
    rows = FollowUpDayCount.objects.filter(state__in=[state] if state else FINISHED_STATE_VALUES)
    if received_from is not None:
        rows = rows.filter(received_on__gte=received_from)
    if received_before is not None:
        rows = rows.filter(received_on__lt=received_before)
    return rows.aggregate(n=Coalesce(Sum("followups"), 0))["n"]


# ---------------------------------------------------------------------------------------------
# From the follow-ups themselves: the rebuild after bulk loads and the nightly check.


def _grouped():
    """The kept rows as one grouped query over the follow-ups (the set-based recount)."""
    return (
        DischargeFollowUp.objects.order_by()
        .annotate(received_on=TruncDate("received_at", tzinfo=timezone.get_default_timezone()))
        .values("received_on", "state", "close_reason")
        .annotate(
            followups=Count("pk"),
            misrouted=Count("pk", filter=Q(misrouted_from__isnull=False)),
            readmitted_yes=Count("pk", filter=Q(readmitted="yes")),
            readmitted_answered=Count("pk", filter=Q(readmitted__in=ANSWERED)),
            completed_in_14=Count("pk", filter=Q(closed_at__lte=F("received_at") + _fourteen_days())),
            ack_timed=Count("pk", filter=Q(lost_at__isnull=False)),
            ack_met=Count("pk", filter=Q(acknowledged_at__lt=F("lost_at"))),
            stage_timed=Count("pk", filter=Q(stage1_due_at__isnull=False)),
            stage_met=Count("pk", filter=Q(stage1_at__lte=F("stage1_due_at"))),
        )
    )


def compute():
    """{key: figures} recounted from the follow-ups."""
    return {tuple(row[k] for k in KEY): tuple(row[f] for f in FIGURES) for row in _grouped()}


def _stored():
    return {
        tuple(row[k] for k in KEY): tuple(row[f] for f in FIGURES)
        for row in FollowUpDayCount.objects.values(*KEY, *FIGURES)
        if any(row[f] for f in FIGURES)
    }


def _write_all():
    """Every row again in two statements: a DELETE and one INSERT … SELECT of the grouped recount."""
    quote = connection.ops.quote_name
    table = quote(FollowUpDayCount._meta.db_table)
    columns = ", ".join(quote(c) for c in (*KEY, *FIGURES))
    picked = ", ".join(f"counted.{quote(c)}" for c in (*KEY, *FIGURES))
    select, params = _grouped().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's own table name
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {picked} FROM ({select}) counted", params)  # noqa: S608


def day_counts_rebuild():
    """Recount every row from the follow-ups (after bulk loads: seed commands, COPY, migrations)."""
    with transaction.atomic():
        _write_all()
    return FollowUpDayCount.objects.count()


def counts_drift():
    """Keys whose stored counts differ from the follow-ups: {key: (stored, computed)}."""
    return drifted(_stored(), compute())


def day_counts_check(*, repair=True):
    """Compare the kept counts with the follow-ups; log drift as an error and repair it (every row
    again). Returns the number of rows that had drifted (it should be zero)."""
    return kept_rows_check(
        what="discharge day counts",
        rows="row(s)",
        drift=counts_drift,
        write=lambda _: _write_all(),
        repair=repair,
    )


# ---------------------------------------------------------------------------------------------
# Signal receivers: the writer's own transaction keeps the counts.


def _before_save(sender, instance, raw=False, **kwargs):
    adding = instance._state.adding or not instance.pk
    instance._counted_before = None if adding else _stored_values([instance.pk], lock=True).get(instance.pk)


def _saved(sender, instance, **kwargs):
    before = getattr(instance, "_counted_before", None)
    instance._counted_before = None
    after = _stored_values([instance.pk]).get(instance.pk)
    parts = [_contribution(after, 1)] if after is not None else []
    if before is not None:
        parts.append(_contribution(before, -1))
    add_to_counts(merged_figures(len(FIGURES), *parts))


def _before_delete(sender, instance, **kwargs):
    instance._counted_deleted = (
        _stored_values([instance.pk], lock=True).get(instance.pk) if instance.pk else None
    )


def _deleted(sender, instance, **kwargs):
    values = getattr(instance, "_counted_deleted", None)
    if values is not None:
        add_to_counts(_contribution(values, -1))


def connect():
    uid = "discharge_day_counts_"
    pre_save.connect(_before_save, sender=DischargeFollowUp, dispatch_uid=uid + "pre_save")
    post_save.connect(_saved, sender=DischargeFollowUp, dispatch_uid=uid + "save")
    pre_delete.connect(_before_delete, sender=DischargeFollowUp, dispatch_uid=uid + "pre_delete")
    post_delete.connect(_deleted, sender=DischargeFollowUp, dispatch_uid=uid + "delete")
