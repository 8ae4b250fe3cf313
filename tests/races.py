"""Races forced, not hoped for: a barrier inside the critical section (PostgreSQL only).

    section = CriticalSection(threads)
    monkeypatch.setattr(services, "_check_assignment", section.after(services._check_assignment))
    results = section.run_at_once(call, call, ...)

`after(f)` holds once f has run inside the section (a check); `before(f)` holds before f (a save).

Each thread starts at a barrier on its own connection. The first to reach the point inside the
critical section (here: the check done, nothing saved yet) waits there until every other thread
has either reached that point too (nothing kept it out: the race is on, and a missing lock shows as
a broken rule) or is waiting for a lock held inside the section (PostgreSQL's `pg_locks`: the lock
works). The overlap is made every time; a thread still doing neither after 10 seconds fails the test.
"""

import threading
import time

from django.db import connection, connections

SECONDS = 10


class CriticalSection:
    def __init__(self, threads):
        self.threads = threads
        self.pids = {}  # thread index -> its PostgreSQL backend
        self.reached = set()  # thread indexes that reached the point inside the section
        self.lock = threading.Lock()
        self.local = threading.local()

    def after(self, function):
        """`function`, then the hold: for a function called inside the critical section."""

        def held(*args, **kwargs):
            result = function(*args, **kwargs)
            self.hold()
            return result

        return held

    def before(self, function):
        """The hold, then `function`: for a function that ends the critical section (a save)."""

        def held(*args, **kwargs):
            self.hold()
            return function(*args, **kwargs)

        return held

    def hold(self):
        """Wait here until every other thread is here too, or waiting for a lock."""
        me = self.local.index
        with self.lock:
            self.reached.add(me)
        deadline = time.monotonic() + SECONDS
        while True:
            with self.lock:
                others = {i: pid for i, pid in self.pids.items() if i != me and i not in self.reached}
            if len(self.pids) == self.threads and not others:
                return
            if len(self.pids) == self.threads:
                with connection.cursor() as cursor:  # pg_locks is read live, not from a snapshot
                    cursor.execute(
                        "SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND pid = ANY(%s)",
                        [list(others.values())],
                    )
                    if {pid for (pid,) in cursor.fetchall()} == set(others.values()):
                        return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"threads {sorted(others)} neither reached the critical section nor waited for its lock"
                )
            time.sleep(0.02)

    def run_at_once(self, *calls):
        """Run each call in its own thread and connection, released together; each one's result
        (or the exception it raised)."""
        assert len(calls) == self.threads
        start = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def run(index, call):
            try:
                self.local.index = index
                connection.ensure_connection()
                with self.lock:
                    self.pids[index] = connection.connection.info.backend_pid
                start.wait(timeout=SECONDS)
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
                results[index] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return results
