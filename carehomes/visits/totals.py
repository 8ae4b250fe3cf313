"""The visit list's totals, kept per day instead of summed over the whole visit table on every load.

    visit_totals_from_days(date_from=..., mode=..., activity=..., cover=...)   # the list's totals
    visit_totals_rebuild()                    # after bulk loads (COPY, bulk_create): every row again
    visit_totals_check(repair=True)           # nightly: drift logged as an error and repaired

One `VisitDayTotal` row per day, mode and cover flag counts every visit (activity "") and one row
more per activity counts the visits that included it. Every write to a visit changes them in the
writer's own transaction through model signals (created: add; corrected: take the old figures
away and add the new; deleted: take away), so the totals are never stale after a write and the
services, the admin and the test factories all keep them. Rows are changed with one upsert that
adds to what is there, in key order, so concurrent writers never lose an increment nor deadlock.
"""

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from carehomes.kept import add_to_kept_figures, drifted, kept_rows_check, merged_figures
from carehomes.models import Visit, VisitDayTotal
from config.querysets import filter_given

FIGURES = VisitDayTotal.FIGURES
KEY = ("activity", "visited_on", "mode", "is_cover")
INTERVENTION_FIELDS = [f"interventions_{code}" for code in Visit.INTERVENTIONS]
VALUE_FIELDS = [
    "visited_on",
    "mode",
    "is_cover",
    "residents_reviewed",
    *INTERVENTION_FIELDS,
    "issues_escalated",
    "minutes_spent",
    *(f"activity_{code}" for code in Visit.ACTIVITIES),
]


def _contributions(values, sign):
    """{key: figures} a visit (its field values) adds to the day totals (sign 1) or takes away (-1)."""
    figures = (
        sign,
        sign * (values["residents_reviewed"] or 0),
        sign * sum(values[name] or 0 for name in INTERVENTION_FIELDS),
        sign * (values["issues_escalated"] or 0),
        sign * (values["minutes_spent"] or 0),
    )
    day = (values["visited_on"], values["mode"], bool(values["is_cover"]))
    activities = [code for code in Visit.ACTIVITIES if values[f"activity_{code}"]]
    return {(activity, *day): figures for activity in (VisitDayTotal.ALL, *activities)}


def add_to_totals(deltas):
    """Add {key: figures} to the day totals (one upsert, keys in order)."""
    add_to_kept_figures(VisitDayTotal, deltas, key=KEY, figures=FIGURES)


def visit_totals_from_days(*, date_from=None, date_to=None, activity="", mode="", cover=False, **_):
    """Every visit's totals (or those of one activity, mode, cover, date range) from the day rows:
    one query over at most a row per day and mode, whatever the number of visits."""
    rows = filter_given(
        VisitDayTotal.objects.filter(activity=activity or VisitDayTotal.ALL),
        visited_on__gte=date_from,
        visited_on__lte=date_to,
        mode=mode,
        is_cover=bool(cover),
    )
    return rows.aggregate(**{name: Coalesce(Sum(name), 0) for name in FIGURES})


# ---------------------------------------------------------------------------------------------
# From the raw table: the rebuild after bulk loads and the nightly check.


def compute():
    """{key: figures} from the visit table: a grouped query for every visit and one per activity."""
    sums = {
        "visits": Count("pk"),
        "residents_reviewed": Coalesce(Sum("residents_reviewed"), 0),
        "interventions": sum((Coalesce(Sum(name), 0) for name in INTERVENTION_FIELDS), start=0),
        "issues_escalated": Coalesce(Sum("issues_escalated"), 0),
        "minutes": Coalesce(Sum("minutes_spent"), 0),
    }
    by_day = Visit.objects.order_by().values("visited_on", "mode", "is_cover")
    found = {}
    for activity in (VisitDayTotal.ALL, *Visit.ACTIVITIES):
        rows = by_day if activity == VisitDayTotal.ALL else by_day.filter(Visit.with_activity(activity))
        for row in rows.annotate(**sums):
            key = (activity, row["visited_on"], row["mode"], row["is_cover"])
            found[key] = tuple(row[name] for name in FIGURES)
    return found


def _stored():
    return {
        tuple(row[k] for k in KEY): tuple(row[f] for f in FIGURES)
        for row in VisitDayTotal.objects.values(*KEY, *FIGURES)
        if any(row[f] for f in FIGURES)
    }


def _write_all(found):
    VisitDayTotal.objects.all().delete()
    VisitDayTotal.objects.bulk_create(
        (
            VisitDayTotal(**dict(zip(KEY, key, strict=True)), **dict(zip(FIGURES, figures, strict=True)))
            for key, figures in found.items()
        ),
        batch_size=2000,
    )


def visit_totals_rebuild():
    """Recompute every day total from the visit table (after bulk loads: seed commands, imports)."""
    with transaction.atomic():
        found = compute()
        _write_all(found)
    return len(found)


def totals_drift():
    """Keys whose stored totals differ from the visit table: {key: (stored, computed)}."""
    return drifted(_stored(), compute())


def visit_totals_check(*, repair=True):
    """Compare the day totals with the visit table; log drift as an error and repair it (every row
    again). Returns the number of rows that had drifted (it should be zero)."""
    return kept_rows_check(
        what="visit totals",
        rows="row(s)",
        drift=totals_drift,
        write=lambda _: _write_all(compute()),
        repair=repair,
    )


# ---------------------------------------------------------------------------------------------
# Signal receivers: the writer's own transaction keeps the totals.


def _values_of(visit):
    return {name: getattr(visit, name) for name in VALUE_FIELDS}


def _stored_values(pk):
    return Visit.objects.filter(pk=pk).values(*VALUE_FIELDS).first()


def _before_save(sender, instance, raw=False, **kwargs):
    instance._totals_before = (
        None if instance._state.adding or not instance.pk else _stored_values(instance.pk)
    )


def _saved(sender, instance, **kwargs):
    before = getattr(instance, "_totals_before", None)
    instance._totals_before = None
    parts = [_contributions(_values_of(instance), 1)]
    if before is not None:
        parts.append(_contributions(before, -1))
    add_to_totals(merged_figures(len(FIGURES), *parts))


def _before_delete(sender, instance, **kwargs):
    instance._totals_deleted = _stored_values(instance.pk) if instance.pk else None


def _deleted(sender, instance, **kwargs):
    values = getattr(instance, "_totals_deleted", None)
    if values is not None:
        add_to_totals(_contributions(values, -1))


def connect():
    pre_save.connect(_before_save, sender=Visit, dispatch_uid="hub_totals_visit_pre_save")
    post_save.connect(_saved, sender=Visit, dispatch_uid="hub_totals_visit_save")
    pre_delete.connect(_before_delete, sender=Visit, dispatch_uid="hub_totals_visit_pre_delete")
    post_delete.connect(_deleted, sender=Visit, dispatch_uid="hub_totals_visit_delete")
