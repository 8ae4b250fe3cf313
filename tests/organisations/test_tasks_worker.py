"""The monthly ODS import really runs on Celery: a worker process on Redis, fetching from a local
HTTP server, retrying a failure after its backoff, then importing.

Needs Redis (REDIS_URL) and PostgreSQL (the worker is a second process); CI has both, so this
runs there (and fails if either is missing) and is skipped elsewhere.
"""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from organisations.models import ImportRun, Organisation
from organisations.tasks import import_ods_monthly
from tests.actionplan.test_tasks_worker import wait_for, worker_database_url
from tests.organisations.test_tasks import ExportService

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(settings.BASE_DIR)

pytestmark = [
    # Skipped on a laptop without Redis or PostgreSQL; FAILED in CI (tests/conftest.py).
    pytest.mark.celery_worker,
    pytest.mark.postgres,  # the worker is a second process: it must reach the database the test wrote
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def export_service(httpserver):
    service = ExportService(failures={"epraccur": 1})
    httpserver.expect_request("/api/getReport").respond_with_handler(service)
    return service


@pytest.fixture
def worker(httpserver):
    """A real `celery -A config worker` on Redis, on a queue of its own, pointed at the local service."""
    queue = f"hub-test-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CONN_MAX_AGE": "0",
        "ODS_EXPORT_URL": httpserver.url_for("/api/getReport"),
        "ODS_REPORTS": "eccg,epcn,epraccur,epcncorepartnerdetails",
        "ODS_RETRY_BACKOFF_SECONDS": "1",
    }
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "info"]
    command += ["-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.queue, process.log_path = queue, log.name
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
    before = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, REDIS_URL
    yield
    app.conf.task_always_eager, app.conf.broker_url = before


def test_the_monthly_import_retries_after_its_backoff_on_a_real_worker(export_service, worker, broker):
    import_ods_monthly.apply_async(queue=worker.queue)

    done = wait_for(lambda: ImportRun.objects.filter(outcome="applied").exists(), seconds=90)

    log = Path(worker.log_path).read_text(errors="replace")
    assert done, log[-3000:]
    assert len(export_service.asked_for("epraccur")) == 2, "one 503, then the retry"
    assert "retry" in log.lower()
    assert Organisation.objects.get(ods_code="B86002").parent.ods_code == "U60002"
    assert list(ImportRun.objects.values_list("via", "outcome")) == [("task", "applied")]
