"""manage.py bench: the national-scale benchmark behind `make bench` (see `nonprod.bench`).

Builds the scale data set if it is absent, times every page with figure caching off and on while
a background writer logs 5 visits a second, counts stale reads, times the weekly report, the read
API and a raw-SQL reference, prints a table and writes bench-results.json.
"""

import datetime
import json
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from carehomes.models import CareHome
from config.garbage_collection import settle_loaded_application
from nonprod import scale
from nonprod.bench import pages as bench_pages
from nonprod.bench import reference, report
from nonprod.bench.api import measure_api, print_api_results
from nonprod.bench.demo import measure_demo, print_demo_results
from nonprod.bench.writer import WRITER_RATE, Writer
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER


class Command(BaseCommand):
    help = "Measure the hub's pages at national scale (PostgreSQL from DATABASE_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, default=15000)
        parser.add_argument("--requests", type=int, default=40, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--output", default="bench-results.json")
        parser.add_argument(
            "--pages",
            default="",
            help='Only these pages, comma-separated by their names in the table (e.g. "/dashboard/,/gaps/").',
        )
        parser.add_argument("--no-api", action="store_true", help="Leave out the read API's measurements.")
        parser.add_argument(
            "--api-only",
            action="store_true",
            help="Time only the read API (a page of 1,000 care homes and the full visits CSV), no writer; "
            "writes bench-api-results.json unless --output is given.",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Time every page at demo size instead (a database holding `seed_demo`'s city); "
            "writes bench-demo-results.json unless --output is given.",
        )

    def handle(
        self,
        *args,
        homes,
        requests,
        warmup,
        output,
        pages="",
        no_api=False,
        api_only=False,
        demo=False,
        **options,
    ):
        # As a deployed web process is when it starts serving (config/gunicorn.conf.py).
        settle_loaded_application()
        if demo:
            results = measure_demo(requests=requests, warmup=warmup)
            path = "bench-demo-results.json" if output == "bench-results.json" else output
            Path(path).write_text(json.dumps(results, indent=2))
            print_demo_results(results, self.stdout.write)
            return
        # A comma followed by a digit is a thousands separator inside a name ("visit list page 2,000").
        only = {name.strip() for name in re.split(r",(?!\d)", pages) if name.strip()} or None
        if scale.current_counts().care_homes < homes:
            self.stdout.write(f"Building the scale data set ({homes} homes)…")
            started = time.monotonic()
            scale.build(homes, stdout=self.stdout)
            self.stdout.write(f"built in {time.monotonic() - started:.1f} s")
        counts = scale.current_counts()
        settle_loaded_application()  # again: the scale data set's build left its objects behind

        if api_only:
            self._api_only(counts, requests, warmup, output)
            return
        conditions = _conditions(requests, warmup, "server time in-process (Django test client), ms")
        users, home = bench_pages.bench_users()
        cutoff = timezone.localdate() - datetime.timedelta(days=settings.HUB["NO_VISIT_DAYS"])
        gapped = Q(state__last_visited_on__isnull=True) | Q(state__last_visited_on__lt=cutoff)
        targets = list(
            CareHome.objects.filter(gapped).exclude(pk=home.pk).order_by("pk")[: bench_pages.STALE_CHECKS]
        )
        writer_homes = list(
            CareHome.objects.exclude(pk__in=[t.pk for t in targets])
            .order_by("?")
            .values_list("pk", flat=True)[:2000]
        )
        writer = Writer(
            by=users[PROJECT_MANAGER],
            staff=users[PHARMACY_PROFESSIONAL].staff_member,
            homes=list(CareHome.objects.filter(pk__in=writer_homes)),
            rate=WRITER_RATE,
        )
        with override_settings(
            ALLOWED_HOSTS=["*"],
            SECURE_SSL_REDIRECT=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            DEBUG=False,
        ):
            threaded = connection.vendor != "sqlite"
            if threaded:
                writer.start()
            try:
                results = {"pages": {}}
                for mode, on in (("uncached", False), ("cached", True)):
                    with override_settings(HUB={**settings.HUB, "CACHE_FIGURES": on}):
                        results["pages"][mode] = bench_pages.measure_pages(
                            users, home, requests=requests, warmup=warmup, writer=writer, only=only
                        )
                with override_settings(HUB={**settings.HUB, "CACHE_FIGURES": True}):
                    results["stale_reads"] = bench_pages.stale_reads(users, targets)
            finally:
                writer.stop.set()
                if threaded:
                    writer.join()
            results["writer"] = writer.summary()
            results["gap_report_s"] = reference.time_gap_report()
            if not no_api:
                results["api"] = measure_api(requests=requests, warmup=warmup)
            raw_ms = reference.time_raw_sql(repeats=max(5, requests // 4))
            results["raw_sql_ms"] = round(raw_ms, 2)
            for mode in ("cached", "uncached"):
                dashboard = results["pages"][mode].get("/dashboard/")
                results[f"dashboard_{mode}_vs_raw_sql"] = dashboard and round(dashboard["p50_ms"] / raw_ms, 2)
        conditions["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["sign_in_cpu_ms"] = reference.sign_in_cpu_ms()
        results["targets"] = report.targets(results)
        results = {"conditions": conditions, "scale": counts.__dict__, **results}
        Path(output).write_text(json.dumps(results, indent=2))
        report.print_results(results, self.stdout.write)

    def _api_only(self, counts, requests, warmup, output):
        conditions = _conditions(
            requests, warmup, "server time in-process (Django test client), ms; CPU is this process's"
        )
        with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, DEBUG=False):
            api = measure_api(requests=requests, warmup=warmup)
        conditions["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results = {"conditions": conditions, "scale": counts.__dict__, "api": api}
        path = "bench-api-results.json" if output == "bench-results.json" else output
        Path(path).write_text(json.dumps(results, indent=2))
        self.stdout.write(
            f"{conditions['cpu_count']} CPUs, load average {conditions['load_average_at_start']} at start, "
            f"{conditions['load_average_at_end']} at end; {counts.visits} visits"
        )
        print_api_results(api, self.stdout.write)


def _conditions(requests, warmup, timing):
    """What a run was measured under, written beside its figures (the load average at the end is
    added when it ends)."""
    return {
        "started_at": timezone.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "database": connection.vendor,
        "requests_per_page": requests,
        "warmup_per_page": warmup,
        "timing": timing,
    }
