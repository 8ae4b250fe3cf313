"""The weekly gap report really runs on Celery: a worker process on Redis, against the test database.

Needs Redis (REDIS_URL) and PostgreSQL (the worker is a separate process, so it must reach the
same database the test committed to); CI has both, so this runs there (and fails if they are missing) and is skipped elsewhere.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from actionplan.models import GapReport
from actionplan.tasks import generate_weekly_gap_report
from config.celery import app
from tests.factories import CareHomeFactory

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,  # the worker is a second process: it must reach the database the test wrote
    pytest.mark.django_db(transaction=True),
]


def worker_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """A queue of this test's own, so no other worker takes the task."""
    return f"hub-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def start_worker(tmp_path):
    """Start real `celery -A config` workers on Redis, pointed at the test database (see
    tests/actionplan/held_worker.py); every one started is stopped after the test."""
    started = []

    def start(queue, *, hold_dir="", visibility_timeout=None):
        env = os.environ | {
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "CONN_MAX_AGE": "0",
        }
        log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
        arguments = [
            sys.executable,
            str(ROOT / "tests" / "actionplan" / "held_worker.py"),
            str(hold_dir),
            queue,
        ]
        if visibility_timeout:
            arguments += ["--visibility-timeout", str(visibility_timeout)]
        process = subprocess.Popen(arguments, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log.name
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


@pytest.fixture
def worker(start_worker, worker_queue):
    """One worker that runs tasks straight through."""
    return start_worker(worker_queue)


@pytest.fixture
def broker():
    """Send tasks to Redis from this process, whatever the embedded default says."""
    before = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, REDIS_URL
    yield
    app.conf.task_always_eager, app.conf.broker_url = before


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def worker_log(worker):
    return Path(worker.log_path).read_text(errors="replace")


def test_weekly_report_runs_on_a_real_worker(worker, worker_queue, broker):
    CareHomeFactory(name="Beech House")  # committed: the worker sees it
    generate_weekly_gap_report.apply_async(kwargs={"week": "2026-W48"}, queue=worker_queue)

    made = wait_for(lambda: GapReport.objects.filter(week="2026-W48").exists())

    assert made, worker_log(worker)[-3000:]
    report = GapReport.objects.get(week="2026-W48")
    assert report.data["headlines"]["care_homes"] == 1
    assert any(g["care_home"] == "Beech House" for g in report.data["gaps"])
    assert wait_for(lambda: "succeeded" in worker_log(worker), 10), worker_log(worker)[-3000:]


def test_a_worker_killed_part_way_leaves_no_report_and_redelivery_makes_one_whole_one(
    start_worker, worker_queue, broker, tmp_path
):
    """The task is held part-way (figures computed, report not yet written) on a file this test
    controls; the worker is killed there. No report, not even part of one; then a second worker
    gets the task again (late acknowledgement) and makes exactly one whole report."""
    CareHomeFactory(name="Beech House")
    held = start_worker(worker_queue, hold_dir=tmp_path)
    generate_weekly_gap_report.apply_async(kwargs={"week": "2026-W47"}, queue=worker_queue)

    assert wait_for(lambda: (tmp_path / "reached").exists()), worker_log(held)[-3000:]
    assert not GapReport.objects.filter(week="2026-W47").exists()  # held before anything is written
    os.kill(held.pid, signal.SIGKILL)
    held.wait(timeout=10)
    assert not GapReport.objects.filter(week="2026-W47").exists()

    second = start_worker(worker_queue, visibility_timeout=2)
    made = wait_for(lambda: GapReport.objects.filter(week="2026-W47").exists(), seconds=90)

    assert made, worker_log(second)[-3000:]
    report = GapReport.objects.get(week="2026-W47")
    assert {"headlines", "gaps", "hours", "changes", "trend"} <= set(report.data)
    assert report.data["headlines"]["care_homes"] == 1
    assert any(g["care_home"] == "Beech House" for g in report.data["gaps"])
