"""Celery beat never runs twice: two beat processes, one redbeat lock; the other waits, then takes over."""

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

pytestmark = pytest.mark.celery_worker

ACQUIRED = "beat: Acquired lock"
LOCK_KEY = "redbeat::lock"
# A database of its own, so the test's lock never meets a real beat's.
TEST_REDIS_DB = 13


def redis_url_for_test():
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{TEST_REDIS_DB}", parts.query, parts.fragment))


class Beat:
    """One `celery -A config beat` with the redbeat scheduler, its output read line by line."""

    def __init__(self, name, redis_url, workdir):
        self.name = name
        self.lines = queue.Queue()
        self.output = []
        env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "PYTHONPATH": str(settings.BASE_DIR),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-S",
                "redbeat.RedBeatScheduler",
                "-l",
                "INFO",
                # A waiting beat retries the lock every max-interval (300 s by default): 1 s here.
                "--max-interval",
                "1",
            ],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def saw(self, text, within):
        deadline = time.monotonic() + within
        while True:
            if any(text in line for line in self.output):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with contextlib.suppress(queue.Empty):
                self.output.append(self.lines.get(timeout=min(remaining, 0.2)))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture
def test_redis():
    url = redis_url_for_test()
    client = redis.Redis.from_url(url)
    for key in client.scan_iter("redbeat*"):
        client.delete(key)
    yield url, client
    for key in client.scan_iter("redbeat*"):
        client.delete(key)
    client.close()


def test_two_beats_only_one_holds_the_lock_and_the_other_takes_over(test_redis, tmp_path):
    url, client = test_redis
    first = Beat("first", url, tmp_path)
    second = None
    try:
        assert first.saw(ACQUIRED, within=20), "".join(first.output)
        second = Beat("second", url, tmp_path)

        # The second beat has started and is waiting: it must not hold the lock as well.
        assert second.saw("beat: Starting", within=20), "".join(second.output)
        assert not second.saw(ACQUIRED, within=3), "two beats hold the lock:\n" + "".join(second.output)
        assert client.exists(LOCK_KEY) and client.ttl(LOCK_KEY) > 0

        first.stop()
        assert first.saw("beat: Releasing lock", within=5), "".join(first.output)

        assert second.saw(ACQUIRED, within=15), "the waiting beat did not take over:\n" + "".join(
            second.output
        )
    finally:
        for beat in (first, second):
            if beat is not None:
                beat.stop()
