"""One picture for everyone: a write made by another process is on the next page load.

Run on the embedded default, the harder case: SQLite in a file, no Redis, so each process has
its own in-memory cache. The hub serves pages from one process (`runserver`, as `make run`
does) while `import_cqc_locations`, in another process, adds a care home; the next load of the
gap list, whose figures the server had cached, shows the new home's gaps.
"""

import csv
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.cqc_files import DIRECTORY_HEADER

pytestmark = pytest.mark.slow

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "two-processes-password"
MAKE_PM = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
user = get_user_model().objects.create_user("pm-two", password="{PASSWORD}")
user.groups.add(Group.objects.get(name="Project manager"))
"""


def embedded_env(database):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"}}
    return env | {
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "True",
        "FAST_PASSWORD_HASHER": "True",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=240,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cqc_file(path):
    row = [""] * len(DIRECTORY_HEADER)
    values = {
        "Name": "Second Process House",
        "Address": "7 Elsewhere Road, Leeds",
        "Postcode": "LS6 2AB",
        "Service types": "Residential homes",
        "Local authority": "Leeds",
        "CQC Location ID (for office use only)": "1-555000111",
    }
    for name, value in values.items():
        row[DIRECTORY_HEADER.index(name)] = value
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([DIRECTORY_HEADER, row])
    return path


@pytest.fixture
def served(tmp_path):
    """A hub served by `runserver` on a fresh SQLite file, and a signed-in session for it."""
    env = embedded_env(tmp_path / "hub.sqlite3")
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", MAKE_PM)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/health/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        session = requests.Session()
        login = session.get(f"{base}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        signed_in = session.post(
            f"{base}/accounts/login/",
            data={"username": "pm-two", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=30,
        )
        assert signed_in.ok
        yield env, base, session
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_import_from_the_command_line_is_on_the_next_gap_list_load(served, tmp_path):
    env, base, session = served
    before = session.get(f"{base}/gaps/", timeout=60)
    assert before.status_code == 200
    assert "Second Process House" not in before.text
    assert "Second Process House" not in session.get(f"{base}/gaps/", timeout=60).text  # now cached

    manage(env, "import_cqc_locations", str(cqc_file(tmp_path / "directory.csv")))

    after = session.get(f"{base}/gaps/", timeout=60)
    assert after.status_code == 200
    assert "Second Process House has no named lead" in after.text
    assert "Second Process House has never had a recorded visit" in after.text
