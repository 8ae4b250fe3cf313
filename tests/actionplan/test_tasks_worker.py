"""The weekly gap report really runs on Celery: a worker process on Redis, against the test database.

Needs Redis (REDIS_URL) and PostgreSQL (the worker is a separate process, so it must reach the
same database the test committed to); CI has both, so this runs there and is skipped elsewhere.
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
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL (CI does)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for a second process"),
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
def worker(worker_queue):
    """A real `celery -A config worker` on Redis, pointed at the test database."""
    env = os.environ | {
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CONN_MAX_AGE": "0",
    }
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-Q",
            worker_queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log.name
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


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
    assert "succeeded" in worker_log(worker) or wait_for(lambda: "succeeded" in worker_log(worker), 10)


def test_a_worker_killed_mid_task_leaves_no_half_report(worker, worker_queue, broker):
    """The report row is written in one transaction: killing the worker while it works leaves
    either no report or a whole one, never a partial one."""
    CareHomeFactory()
    generate_weekly_gap_report.apply_async(kwargs={"week": "2026-W47"}, queue=worker_queue)
    assert wait_for(lambda: "received" in worker_log(worker)), worker_log(worker)[-3000:]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)

    reports = list(GapReport.objects.filter(week="2026-W47"))
    assert len(reports) <= 1
    for report in reports:
        assert {"headlines", "gaps", "hours", "changes", "trend"} <= set(report.data)
