"""The read API's part of `make bench`: a page of 1,000 care homes, and the full visits CSV.

Called by `manage.py bench` (`nonprod/management/commands/bench.py`) once the scale data set is built. Requests go in-process through
Django's test client (the whole middleware, token check, rate count, selectors and use log),
as the page benchmarks do. The CSV is read to the end; its memory is the process's resident set
sampled every 20 ms while it streams, above what it was before the request.
"""

import statistics
import threading
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from api.services import api_token_create
from carehomes.models import Visit
from organisations.access import PROJECT_MANAGER, leadership_announced
from organisations.models import Organisation, StaffMember

PAGE_TARGET_P95_MS = 100
CSV_TARGET_ROWS_PER_S = 50_000
PAGE_SIZE = 1000


def _percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))]


def _resident_bytes():
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096


class _PeakMemory:
    """The highest resident set seen while the block runs, sampled on a thread."""

    def __enter__(self):
        self.baseline = self.peak = _resident_bytes()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, _resident_bytes())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, _resident_bytes())

    @property
    def growth_mb(self):
        return round((self.peak - self.baseline) / 1024 / 1024, 1)


def _bench_token():
    user, _ = get_user_model().objects.get_or_create(username="bench-api-pm")
    with leadership_announced():  # a benchmark login: nobody to tell
        user.groups.add(Group.objects.get(name=PROJECT_MANAGER))
    if not StaffMember.objects.filter(user=user).exists():
        StaffMember.objects.create(
            user=user,
            name="Bench API analyst",
            role="other",
            organisation=Organisation.objects.order_by("pk").first(),
            funding="commissioner",
            hours_per_week=0,
        )
    return api_token_create(by=user, name="Benchmark", lifetime_days=1)[1]


def measure_api(*, requests=40, warmup=5):
    """{"care-homes page of 1,000": {...}, "visits CSV": {...}} with timings, queries and memory."""
    headers = {"Authorization": f"Bearer {_bench_token()}"}
    client = Client()
    results = {}
    with override_settings(HUB={**_hub(), "API_RATE_LIMIT_PER_MINUTE": 1_000_000}):
        timings, cpu, queries, rows, size = [], [], 0, 0, 0
        for i in range(warmup + requests):
            reset_queries()  # the query log keeps 9,000 entries: past that, a capture counts 0
            with CaptureQueriesContext(connection) as ctx:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(f"/api/v1/care-homes?limit={PAGE_SIZE}", headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                cpu_ms = (time.process_time() - cpu_started) * 1000
            if response.status_code != 200:
                raise RuntimeError(
                    f"/api/v1/care-homes answered {response.status_code}: {response.content[:200]}"
                )
            if i >= warmup:
                timings.append(elapsed)
                cpu.append(cpu_ms)
                size = len(response.content)
                queries = len(ctx.captured_queries)
                rows = len(response.json()["results"])
        results["care-homes page of 1,000"] = {
            "rows": rows,
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(_percentile(timings, 95), 2),
            # The web process's own CPU a request (p50): on a shared machine wall time also counts waiting.
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "cpu_p95_ms": round(_percentile(cpu, 95), 2),
            "queries": queries,
            "bytes": size,
            "target_p95_ms": PAGE_TARGET_P95_MS,
            "meets_target": _percentile(timings, 95) <= PAGE_TARGET_P95_MS,
        }

        expected = Visit.objects.count()
        reset_queries()
        with _PeakMemory() as memory, CaptureQueriesContext(connection) as ctx:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get("/api/v1/visits.csv", headers=headers)
            lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        csv_rows = lines - 1  # the header
        if csv_rows != expected:
            raise RuntimeError(f"the visits CSV held {csv_rows} rows, not {expected}")
        rate = csv_rows / seconds if seconds else 0
        results["visits CSV"] = {
            "rows": csv_rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rate),
            # The web process's own CPU time: on a busy machine, wall time also counts waiting.
            "web_cpu_seconds": round(cpu_seconds, 2),
            "rows_per_web_cpu_s": round(csv_rows / cpu_seconds) if cpu_seconds else 0,
            "peak_memory_growth_mb": memory.growth_mb,
            "queries": len(ctx.captured_queries),
            "target_rows_per_s": CSV_TARGET_ROWS_PER_S,
            "meets_target": rate >= CSV_TARGET_ROWS_PER_S,
        }
    return results


def _hub():
    from django.conf import settings

    return settings.HUB


def print_api_results(results, write):
    page = results["care-homes page of 1,000"]
    write(
        f"\nAPI /api/v1/care-homes?limit=1000: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms "
        f"(target ≤ {page['target_p95_ms']}), CPU p50 {page.get('cpu_p50_ms')} ms / p95 {page.get('cpu_p95_ms')} ms, "
        f"{page['queries']} queries, {page.get('bytes', 0) / 1024:.0f} KB"
    )
    feed = results["visits CSV"]
    write(
        f"API /api/v1/visits.csv: {feed['rows']} rows in {feed['seconds']} s = {feed['rows_per_s']} rows/s "
        f"(target ≥ {feed['target_rows_per_s']}; {feed['rows_per_web_cpu_s']} rows per web CPU second), peak memory +{feed['peak_memory_growth_mb']} MB, "
        f"{feed['queries']} queries"
    )
