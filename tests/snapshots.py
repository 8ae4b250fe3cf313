"""The one helper for "did the database change?": each table of the hub's apps (history tables and
many-to-many tables included, with users and groups) as a row count and a checksum of its rows,
so an UPDATE shows as well as an INSERT or a DELETE.

    before = table_snapshot()
    ...
    assert changed_tables(before, table_snapshot()) == {}
"""

import hashlib
from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

HUB_APPS = ("organisations", "accounts", "carehomes", "workstreams", "discharge", "actionplan", "api")
# Caches of what the figures already say (drawn charts), written by any page that shows them.
DERIVED_TABLES = {"actionplan_chartimage"}


def hub_models(labels=HUB_APPS):
    """Every model of the hub's apps (history and many-to-many tables included), users and groups."""
    models = [
        model
        for label in labels
        if apps.is_installed(label)
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    models = [model for model in models if model._meta.db_table not in DERIVED_TABLES]
    return [*models, get_user_model(), apps.get_model("auth", "Group")]


def table_snapshot(models=None):
    """{"carehomes.Visit": "12:5d41402abc4b2a76", ...}: each table's row count and a checksum of its
    rows, from one query (each row's columns as text, hashed by the database; MD5 is built into
    PostgreSQL and registered by Django on SQLite)."""
    models = hub_models() if models is None else models
    quote = connection.ops.quote_name
    selects = []
    for index, model in enumerate(models):
        columns = " || '|' || ".join(
            f"COALESCE(CAST({quote(field.column)} AS TEXT), '~')" for field in model._meta.concrete_fields
        )
        pk = quote(model._meta.pk.column)
        # Table and column names come from the models, never from input.
        table = quote(model._meta.db_table)
        selects.append(f"SELECT {index}, CAST({pk} AS TEXT), MD5({columns}) FROM {table}")  # noqa: S608
    rows = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        for index, pk, digest in cursor.fetchall():
            rows[index].append((pk, digest))
    snapshot = {}
    for index, model in enumerate(models):
        table_rows = sorted(rows[index])
        digest = hashlib.blake2b(repr(table_rows).encode(), digest_size=8).hexdigest()
        snapshot[model._meta.label] = f"{len(table_rows)}:{digest}"
    return snapshot


def row_count(snapshot):
    """How many rows a snapshot saw, over every table."""
    return sum(int(value.split(":", 1)[0]) for value in snapshot.values())


def changed_tables(before, after):
    """The tables whose rows differ: {"carehomes.Visit": ("12:…", "13:…")}."""
    return {
        label: (before.get(label), after.get(label))
        for label in sorted(before.keys() | after.keys())
        if before.get(label) != after.get(label)
    }
