"""What every kept table (`state.py` per home, `hours_state.py` per organisation, `visits/totals.py`
the visit list's day totals) does the same way: rows whose dates have passed are refreshed before
a read, and the nightly check compares the stored rows with a recomputation, logs any drift as an
error and repairs it.

    refresh_rows_past_valid_until(model, refresh, today)
    drifted(stored, computed, same=..., missing=...)       # {key: (stored, computed)} that differ
    kept_rows_check(what=..., rows=..., drift=..., write=..., repair=True)
    upsert_recomputed(model, key, facts, fields)           # rows recomputed (per home, per organisation)

The two tables of added-up figures (`visits/totals.py`, discharge's `day_counts.py`) also share
how a write's contributions are summed and added to the stored rows:

    merged_figures(width, *contributions)                     # {key: figures} summed by key
    add_to_kept_figures(model, key=..., figures=..., deltas)  # one upsert, keys in order
"""

import datetime
import logging
import operator

from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def refresh_rows_past_valid_until(model, refresh, today=None):
    """Recompute the kept rows of `model` whose `valid_until` has passed (`refresh` takes their keys)."""
    today = today or timezone.localdate()
    expired = list(model.objects.filter(valid_until__lt=today).values_list("pk", flat=True))
    if expired:
        with transaction.atomic():
            refresh(expired)
    return len(expired)


def drifted(stored, computed, *, same=operator.eq, missing=None) -> dict:
    """The keys whose stored row differs from the recomputed one: {key: (stored, computed)}.

    A key in only one of them is paired with `missing` (None: a row that should not be there, or
    is not there, has drifted whatever `same` says)."""
    found = {}
    for key in stored.keys() | computed.keys():
        mine, theirs = stored.get(key, missing), computed.get(key, missing)
        if mine is None or theirs is None or not same(mine, theirs):
            found[key] = (mine, theirs)
    return found


def kept_rows_check(*, what, rows, drift, write, repair=True) -> int:
    """The nightly check of a kept table: `drift()` gives {key: (stored, computed)}; any drift is
    logged as an error ("<what> drift in N <rows>") and, with `repair`, `write` is given
    {key: computed} (computed None: the row should not exist). Returns the number of keys that
    had drifted, which should be zero: every writer keeps the table in its own transaction."""
    with transaction.atomic():
        found = drift()
        if found:
            sample = sorted(found, key=_order)[:10]
            log.error(
                "%s drift in %s %s, e.g. %s: %s",
                what,
                len(found),
                rows,
                sample,
                {key: found[key] for key in sample[:3]},
            )
            if repair:
                write({key: theirs for key, (_, theirs) in found.items()})
        else:
            log.info("%s checked: no drift", what)
    return len(found)


def upsert_recomputed(model, key, facts, fields):
    """Write recomputed rows of a kept table with one row per `key` ({key id: {fact: value}}):
    inserted, or their `fields` updated, 2,000 rows a statement."""
    model.objects.bulk_create(
        [model(**{f"{key}_id": pk}, **values) for pk, values in facts.items()],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=[key],
        update_fields=list(fields),
    )


def _order(key):
    """Keys in a stable order for the log: ids by number, compound keys as text."""
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def merged_figures(width, *contributions):
    """{key: figures} of each contribution summed by key (figures are tuples of `width` numbers)."""
    merged = {}
    for part in contributions:
        for key, figures in part.items():
            before = merged.get(key, (0,) * width)
            merged[key] = tuple(a + b for a, b in zip(before, figures, strict=True))
    return merged


def add_to_kept_figures(model, deltas, *, key, figures):
    """Add {key values: figures} to `model`'s rows in one upsert (a missing row is made), keys in
    order so that two writers never deadlock; rows that add nothing are left out."""
    rows = sorted((values, added) for values, added in deltas.items() if any(added))
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = (*key, *figures)
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    adds = ", ".join(f"{quote(f)} = {table}.{quote(f)} + EXCLUDED.{quote(f)}" for f in figures)
    # Table and column names are the model's own constants; every value is a parameter.
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join([one_row] * len(rows))
    conflict = ", ".join(quote(c) for c in key)
    sql = f"INSERT INTO {table} ({names}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {adds}"  # noqa: S608
    params = []
    for key_values, added in rows:
        params += [_adapted(value) for value in key_values]
        params += added
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _adapted(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value
