"""Cached figures that stay correct: keyed by a data version that every write replaces.

The dashboard and the gap list are computed from every care home, visit and assignment. They
are cached under the current *data version*; any create, change or delete of a domain model
(organisations, care homes, workstreams, action plan) replaces the version once its transaction
commits, so the next reader computes afresh. Bulk writes that skip model signals (imports, seed
commands) call `data_changed()` themselves. The date is part of every key, so date-based rules
(28 days since a visit, assignments that end) roll over at midnight.

The cache is Redis in production (shared by every web process) and in-process locally.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

VERSION_KEY = "hub:data-version"
DOMAIN_APPS = frozenset({"organisations", "carehomes", "workstreams", "discharge", "actionplan"})
TIMEOUT = 60 * 60 * 24


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _new_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def data_changed():
    """Forget every cached figure: now, and again once the current transaction commits.

    The second change matters: a reader between the write and the commit sees the old rows and
    may cache them under the first new version.
    """
    _new_version()
    transaction.on_commit(_new_version)


def on_domain_write(sender, **kwargs):
    if sender._meta.app_label in DOMAIN_APPS and not sender.__name__.startswith("Historical"):
        data_changed()


def cached(name, compute, *key_parts):
    """`compute()` cached under the data version, today's date and `key_parts`."""
    parts = "|".join(map(repr, key_parts))
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    key = f"hub:{name}:{data_version()}:{timezone.localdate().isoformat()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
