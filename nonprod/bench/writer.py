"""The bench's background writer: visits logged through the visit service at a steady rate."""

import random
import threading
import time
import uuid

from django.db import connection
from django.utils import timezone

from carehomes.visits.services import visit_create

WRITER_RATE = 5.0  # visits a second


class Writer(threading.Thread):
    """Logs visits through the visit service at a steady rate until stopped (its own connection)."""

    def __init__(self, *, by, staff, homes, rate):
        super().__init__(daemon=True)
        self.by, self.staff, self.homes, self.rate = by, staff, homes, rate
        self.stop = threading.Event()
        self.rng = random.Random(18)
        self.started = None
        self.written = 0
        self.errors = 0
        self.seconds = 0.0

    def _write_one(self):
        try:
            visit_create(
                by=self.by,
                staff=self.staff,
                care_home=self.rng.choice(self.homes),
                submission_token=uuid.uuid4(),
                confirm_duplicate=True,
                visited_on=timezone.localdate(),
                mode="phone",
                activities=["other"],
                minutes_spent=15,
            )
            self.written += 1
        except Exception:  # noqa: BLE001 - counted and reported; the run goes on
            self.errors += 1

    def run(self):
        """In its own thread with its own connection (PostgreSQL): truly concurrent writes."""
        self.started = next_at = time.monotonic()
        try:
            while not self.stop.is_set():
                self._write_one()
                next_at += 1 / self.rate
                self.stop.wait(max(0.0, next_at - time.monotonic()))
        finally:
            self.seconds = time.monotonic() - self.started
            connection.close()

    def catch_up(self):
        """Inline, between requests (SQLite allows one writer): the visits now due at the rate."""
        if self.started is None:
            self.started = time.monotonic()
        due = int((time.monotonic() - self.started) * self.rate) - self.written - self.errors
        for _ in range(max(0, due)):
            self._write_one()
        self.seconds = time.monotonic() - self.started

    def summary(self):
        return {
            "target_per_s": self.rate,
            "visits": self.written,
            "errors": self.errors,
            "seconds": round(self.seconds, 1),
            "rate_per_s": round(self.written / self.seconds, 2) if self.seconds else 0,
        }
