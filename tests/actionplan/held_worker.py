"""A real Celery worker for tests, with the weekly report held part-way until the test says go.

    python tests/actionplan/held_worker.py HOLD_DIR QUEUE [--visibility-timeout SECONDS]

When HOLD_DIR is not empty, the report's figures are computed as usual and then the task waits,
inside its transaction's reach but before the report is written, until the file HOLD_DIR/go
exists; it first writes HOLD_DIR/reached, so the test knows the worker is part-way. The test can
kill the worker there. With an empty HOLD_DIR the worker runs the task straight through.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from actionplan import gap_report_selectors  # noqa: E402
from config.celery import app  # noqa: E402


def main(argv):
    hold_dir, queue = argv[1], argv[2]
    visibility_timeout = (
        int(argv[argv.index("--visibility-timeout") + 1]) if "--visibility-timeout" in argv else None
    )
    if hold_dir:
        compute = gap_report_selectors.compute_report_data

        def held(week, **kwargs):
            data = compute(week, **kwargs)
            Path(hold_dir, "reached").write_text(str(os.getpid()))
            while not Path(hold_dir, "go").exists():
                time.sleep(0.1)
            return data

        gap_report_selectors.compute_report_data = held
    if visibility_timeout:
        # Redis hands an unacknowledged task to another worker once this long has passed. kombu
        # looks for such tasks when the worker starts (only if its channel is up by then) and
        # then every unacked_restore_interval x unacked_restore_throttle seconds, 10 x 10 by
        # default: longer than the test waits. Every second here.
        app.conf.broker_transport_options = {
            "visibility_timeout": visibility_timeout,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


if __name__ == "__main__":
    main(sys.argv)
