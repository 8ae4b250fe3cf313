"""make backup / make restore: back up, lose everything, restore, and find every row again."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from tests.security.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DOMAIN_APPS = ("organisations", "carehomes", "workstreams", "actionplan")


def database_url():
    """The test database (not the one DATABASE_URL names) as a postgres:// URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def row_counts():
    models = [m for label in DOMAIN_APPS for m in apps.get_app_config(label).get_models()]
    models += [get_user_model(), apps.get_model("auth", "Group")]
    return {m._meta.label: m._default_manager.count() for m in models}


def make(target, tmp_path, **variables):
    env_vars = {"DATABASE_URL": database_url(), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    arguments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "--no-print-directory", target, f"BACKUP_DIR={tmp_path}", *arguments],
        cwd=settings.BASE_DIR,
        env=env_vars,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def empty_the_database():
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")


@pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("make"), reason="needs make and pg_dump")
def test_backup_then_restore_finds_every_row(tmp_path):
    build_world()
    before = row_counts()
    assert sum(before.values()) > 50

    backup = make("backup", tmp_path)
    assert backup.returncode == 0, backup.stderr
    dumps = sorted(Path(tmp_path).glob("hub-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    assert not list(Path(tmp_path).glob(".*.partial"))

    empty_the_database()
    assert sum(row_counts().values()) == 0
    connection.close()

    restore = make("restore", tmp_path, FILE=dumps[0])
    assert restore.returncode == 0, restore.stderr

    after = row_counts()
    assert after == before
    print(f"\nbackup/restore: {sum(after.values())} rows in {len(after)} tables restored")


def test_restore_refuses_a_missing_file(tmp_path):
    result = make("restore", tmp_path, FILE=tmp_path / "no-such.dump")

    assert result.returncode != 0
    assert "does not exist" in result.stderr
