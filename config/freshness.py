"""Figures that are always current: a shared data version, and an optional cache keyed by it.

The dashboard and the gap list read each home's kept state (`carehomes.state`), so computing
them afresh is cheap; caching them is an optimisation that `HUB["CACHE_FIGURES"]` switches off.

The *data version* is one row in the database (`config.models.DataVersion`), so every process
sees the same number: web processes, Celery workers and management commands, on PostgreSQL and
on the embedded SQLite default alike. Any create, change or delete of a domain model increases
it once per transaction, after the transaction commits (so the row lock is held for one short
statement, never for a writer's whole transaction); bulk writes that skip model signals (imports,
seed commands) call `data_changed()` themselves. A reader that computes figures from data about
to be replaced can only store them under the old version, which no later reader asks for: the
next page load after a write, in any process, computes afresh. The date is part of every key,
so date-based rules (28 days since a visit, assignments that end) roll over at midnight.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

DOMAIN_APPS = frozenset({"organisations", "carehomes", "workstreams", "discharge", "actionplan"})
TIMEOUT = 60 * 60 * 24

log = logging.getLogger(__name__)


def data_version() -> int:
    """The current data version, as committed: one primary-key read."""
    from config.models import DataVersion

    version = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    if version is None:
        DataVersion.objects.get_or_create(pk=1)
        return 1
    return version


def _bump():
    from config.models import DataVersion

    try:
        if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
            DataVersion.objects.get_or_create(pk=1, defaults={"version": 2})
    except DatabaseError:
        # Only while `migrate` writes domain rows before the version's own table exists.
        log.debug("data version table not there yet", exc_info=True)


def _bump_pending():
    """Whether this connection's open transaction has written domain rows not yet committed."""
    return connection.in_atomic_block and any(func is _bump for _, func, _ in connection.run_on_commit)


def data_changed():
    """Increase the data version once the current transaction commits (at once outside one).

    Called once per write or many times: the version goes up once per transaction. After the
    commit, not before, so the version's row is locked for one short statement and writers
    never queue behind each other's transactions.
    """
    if not _bump_pending():
        transaction.on_commit(_bump)


def on_domain_write(sender, **kwargs):
    if sender._meta.app_label in DOMAIN_APPS and not sender.__name__.startswith("Historical"):
        data_changed()


def cached(name, compute, *key_parts):
    """`compute()`, cached under the data version, today's date and `key_parts` when
    `HUB["CACHE_FIGURES"]` is on (the default); computed every time when it is off."""
    if not settings.HUB["CACHE_FIGURES"] or _bump_pending():
        # A transaction that has written sees rows nobody else sees yet: never from the cache.
        return compute()
    parts = "|".join(map(repr, key_parts))
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    key = f"hub:{name}:{data_version()}:{timezone.localdate().isoformat()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
