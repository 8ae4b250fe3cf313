"""make backup / make restore: back up, lose everything, restore, and find every row again."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.city import build_city
from tests.conftest import skip_unless_ci
from tests.snapshots import changed_tables, row_count, table_snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def database_url():
    """The test database (not the one DATABASE_URL names) as a postgres:// URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


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


def test_backup_then_restore_finds_every_row(tmp_path):
    if not shutil.which("pg_dump") or not shutil.which("make"):
        skip_unless_ci("needs make and pg_dump")
    build_city()
    before = table_snapshot()
    assert row_count(before) > 50

    backup = make("backup", tmp_path)
    assert backup.returncode == 0, backup.stderr
    dumps = sorted(Path(tmp_path).glob("hub-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    assert not list(Path(tmp_path).glob(".*.partial"))

    empty_the_database()
    assert row_count(table_snapshot()) == 0
    connection.close()

    restore = make("restore", tmp_path, FILE=dumps[0])
    assert restore.returncode == 0, restore.stderr

    after = table_snapshot()
    assert changed_tables(before, after) == {}  # every row back, column for column
    print(f"\nbackup/restore: {row_count(after)} rows in {len(after)} tables restored")


def test_restore_refuses_a_missing_file(tmp_path):
    result = make("restore", tmp_path, FILE=tmp_path / "no-such.dump")

    assert result.returncode != 0
    assert "does not exist" in result.stderr
