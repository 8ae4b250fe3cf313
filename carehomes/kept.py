"""What every kept table (`state.py` per home, `hours_state.py` per organisation, `visits/totals.py`
the visit list's day totals) does the same way: rows whose dates have passed are refreshed before
a read, and the nightly check compares the stored rows with a recomputation, logs any drift as an
error and repairs it.

    refresh_rows_past_valid_until(model, refresh, today)
    drifted(stored, computed, same=..., missing=...)       # {key: (stored, computed)} that differ
    kept_rows_check(what=..., rows=..., drift=..., write=..., repair=True)
"""

import logging
import operator

from django.db import transaction
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


def _order(key):
    """Keys in a stable order for the log: ids by number, compound keys as text."""
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))
