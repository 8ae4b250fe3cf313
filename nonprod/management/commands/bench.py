"""manage.py bench: the national-scale benchmark behind `make bench`.

Builds the scale data set if it is absent, then measures server-side response time (in-process
through Django's test client: the whole middleware, view, template and database stack, without
network noise), query count and HTML size of each page, over many requests after a warm-up,
twice: with figure caching on and with it off (`HUB["CACHE_FIGURES"]`), while a background
writer logs 5 visits a second through the visit service for the whole run. It counts stale
reads (a gap list or dashboard loaded after a visit was saved that does not reflect it), times
the weekly gap report for the whole country and compares the dashboard with one hand-written
SQL query computing the same headline figures. Prints a table and writes bench-results.json.

Other apps add their pages with a module `<app>/bench_pages.py` defining
`pages(*, home, locality) -> {name: (role, path)}`, role one of "slt", "pm", "pharmacist".
"""

import datetime
import importlib
import importlib.util
import json
import os
import random
import re
import statistics
import threading
import time
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import week_of
from carehomes.models import Assignment, CareHome, Visit
from carehomes.visits.services import visit_create
from nonprod import scale
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from organisations.models import StaffMember

# What a perfect implementation of the dashboard's live figures reads, by hand: each home's kept
# state (`carehomes.state`) joined to its row for the headline counts and the care-home gap rules,
# and each organisation's kept hour totals (`carehomes.hours_state`) for the hours tables. The
# ratio of the dashboard's time to this one's says what the page adds to reading the figures.
RAW_HEADLINES_SQL = """
SELECT COUNT(*) AS homes,
       COUNT(*) FILTER (WHERE lead) AS with_lead,
       COUNT(*) FILTER (WHERE s.last_visited_on >= %(cutoff)s) AS visited_28d,
       COUNT(*) FILTER (WHERE outbreak) AS in_outbreak,
       COUNT(*) FILTER (
           WHERE outbreak AND (s.last_visited_on IS NULL OR s.last_visited_on < h.outbreak_started_on)
       ) AS outbreak_not_visited,
       COUNT(*) FILTER (WHERE lead AND s.lead_assigned_hours > s.lead_available_hours) AS lead_over_capacity
FROM carehomes_carehome h
JOIN carehomes_carehomestate s ON s.care_home_id = h.id,
LATERAL (SELECT s.lead_staff_id IS NOT NULL AND s.lead_starts_on <= %(today)s
                AND (s.lead_ends_on IS NULL OR s.lead_ends_on >= %(today)s) AS lead,
                h.outbreak_status <> 'none' AND h.outbreak_started_on <= %(today)s AS outbreak) AS f
"""
RAW_HOURS_SQL = """
SELECT o.id, o.name, o.sector, k.available_hours, k.assigned_hours
FROM carehomes_organisationhours k JOIN organisations_organisation o ON o.id = k.organisation_id
WHERE k.staff_count > 0 OR k.assignment_count > 0
"""


# The issue's targets (p95, ms) at national scale, caching off, writer on.
TARGETS_MS = {
    "/dashboard/": 60,
    "/gaps/": 60,
    "/care-homes/": 60,
    "/care-homes/ (filtered)": 60,
    "care-home detail": 40,
    "visit POST": 40,
    "visit list page 1": 60,
    "visit list page 2,000": 60,
    "/discharges/": 60,
    "/discharges/ (lost)": 60,
    "/discharges/ (one home)": 60,
}
WRITER_RATE = 5.0  # visits a second
STALE_CHECKS = 10
GAP_TOTAL = re.compile(r'data-testid="gap-total">(\d[\d,]*) gap')
GAPS_CARD = re.compile(r'data-figure="Gaps">(\d[\d,]*)')


def _number(pattern, html):
    match = pattern.search(html)
    return int(match.group(1).replace(",", "")) if match else None


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


def extra_pages(*, home, locality):
    """Pages other apps add to the bench: `<app>/bench_pages.py` with `pages(home=, locality=)`."""
    found = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.bench_pages"
        if importlib.util.find_spec(name) is not None:
            found.update(importlib.import_module(name).pages(home=home, locality=locality))
    return found


def _percentile(values, pct):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


class Command(BaseCommand):
    help = "Measure the hub's pages at national scale (PostgreSQL from DATABASE_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, default=15000)
        parser.add_argument("--requests", type=int, default=40, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--output", default="bench-results.json")

    def handle(self, *args, homes, requests, warmup, output, **options):
        if scale.current_counts().care_homes < homes:
            self.stdout.write(f"Building the scale data set ({homes} homes)…")
            started = time.monotonic()
            scale.build(homes, stdout=self.stdout)
            self.stdout.write(f"built in {time.monotonic() - started:.1f} s")
        counts = scale.current_counts()

        conditions = {
            "started_at": timezone.now().isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "database": connection.vendor,
            "requests_per_page": requests,
            "warmup_per_page": warmup,
            "timing": "server time in-process (Django test client), ms",
        }
        users, home = self._users()
        cutoff = timezone.localdate() - datetime.timedelta(days=settings.HUB["NO_VISIT_DAYS"])
        gapped = Q(state__last_visited_on__isnull=True) | Q(state__last_visited_on__lt=cutoff)
        targets = list(CareHome.objects.filter(gapped).exclude(pk=home.pk).order_by("pk")[:STALE_CHECKS])
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
            self.writer = writer
            threaded = connection.vendor != "sqlite"
            if threaded:
                writer.start()
            try:
                results = {"pages": {}}
                for mode, on in (("uncached", False), ("cached", True)):
                    with override_settings(HUB={**settings.HUB, "CACHE_FIGURES": on}):
                        results["pages"][mode] = self._measure(users, home, requests=requests, warmup=warmup)
                with override_settings(HUB={**settings.HUB, "CACHE_FIGURES": True}):
                    results["stale_reads"] = self._stale_reads(users, targets)
            finally:
                writer.stop.set()
                if threaded:
                    writer.join()
                self.writer = None
            results["writer"] = writer.summary()
            results["gap_report_s"] = self._time_gap_report()
            # The read API's own measurements (engineer "api"): a page of 1,000 homes, the visits CSV.
            from nonprod.api_bench import measure_api

            results["api"] = measure_api(requests=requests, warmup=warmup)
            raw_ms = self._time_raw_sql(repeats=max(5, requests // 4))
            results["raw_sql_ms"] = round(raw_ms, 2)
            for mode in ("cached", "uncached"):
                results[f"dashboard_{mode}_vs_raw_sql"] = round(
                    results["pages"][mode]["/dashboard/"]["p50_ms"] / raw_ms, 2
                )
        conditions["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["sign_in_cpu_ms"] = self._sign_in_cpu_ms()
        results["targets"] = {
            name: {
                "target_p95_ms": target,
                "p95_ms": results["pages"]["uncached"].get(name, {}).get("p95_ms"),
                "met": (results["pages"]["uncached"].get(name, {}).get("p95_ms") or 1e9) <= target,
            }
            for name, target in TARGETS_MS.items()
        } | {
            "weekly gap report": {
                "target_s": 2,
                "s": results["gap_report_s"],
                "met": results["gap_report_s"] is not None and results["gap_report_s"] <= 2,
            }
        }
        results = {"conditions": conditions, "scale": counts.__dict__, **results}
        Path(output).write_text(json.dumps(results, indent=2))
        self._print(results)

    # -- pages ---------------------------------------------------------------------------------

    def _users(self):
        User = get_user_model()
        users = {}
        home = CareHome.objects.order_by("pk").first()
        for username, role in (
            ("bench-slt", SLT),
            ("bench-pm", PROJECT_MANAGER),
            ("bench-pharmacist", PHARMACY_PROFESSIONAL),
        ):
            user, _ = User.objects.get_or_create(username=username)
            user.groups.add(Group.objects.get(name=role))
            if not hasattr(user, "staff_member"):
                org = home.pcn
                StaffMember.objects.create(
                    user=user,
                    name=username,
                    role="pharmacist" if role == PHARMACY_PROFESSIONAL else "other",
                    gphc_number=f"{int(uuid.uuid4().int % 9_000_000) + 1_000_000:07d}"
                    if role == PHARMACY_PROFESSIONAL
                    else None,
                    organisation=org,
                    funding="pcn",
                    hours_per_week=20,
                )
            users[role] = user
        pharmacist = users[PHARMACY_PROFESSIONAL].staff_member
        if not Assignment.objects.filter(staff=pharmacist, care_home=home).exists():
            Assignment.objects.create(
                staff=pharmacist,
                care_home=home,
                role="support",
                hours_per_week=1,
                starts_on=timezone.localdate() - datetime.timedelta(days=10),
            )
        return users, home

    def _timed(self, client, method, path, data_factory=None, requests=40, warmup=5, before=None):
        timings = []
        queries = 0
        for i in range(warmup + requests):
            if getattr(self, "writer", None) is not None and not self.writer.is_alive():
                self.writer.catch_up()
            data = data_factory() if data_factory else None
            if before:
                before()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.post(path, data) if method == "POST" else client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            expected = 302 if method == "POST" else 200
            if response.status_code != expected:
                errors = getattr(response, "context", None) and response.context.get("form")
                detail = errors.errors.as_text() if errors is not None and hasattr(errors, "errors") else ""
                raise RuntimeError(
                    f"{method} {path} answered {response.status_code}, not {expected}. {detail}"
                )
            if i >= warmup:
                timings.append(elapsed)
                queries = len(ctx.captured_queries)
                size = len(response.content)
        return {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(_percentile(timings, 95), 2),
            "queries": queries,
            "bytes": size,
            "requests": requests,
        }

    def _clients(self, users):
        slt, pm, pharmacist = Client(), Client(), Client()
        slt.force_login(users[SLT], backend="django.contrib.auth.backends.ModelBackend")
        pm.force_login(users[PROJECT_MANAGER], backend="django.contrib.auth.backends.ModelBackend")
        pharmacist.force_login(
            users[PHARMACY_PROFESSIONAL], backend="django.contrib.auth.backends.ModelBackend"
        )
        return {"slt": slt, "pm": pm, "pharmacist": pharmacist}

    def _measure(self, users, home, *, requests, warmup):
        clients = self._clients(users)
        slt, pm, pharmacist = clients["slt"], clients["pm"], clients["pharmacist"]
        locality = home.locality
        today = timezone.localdate().isoformat()

        def visit_data():
            return {
                "care_home": home.pk,
                "visited_on": today,
                "mode": "video",
                "activities": ["smr"],
                "residents_reviewed": 2,
                "interventions_stopped": 0,
                "interventions_dose_changed": 1,
                "interventions_started": 0,
                "interventions_switched": 0,
                "interventions_monitoring": 0,
                "issues_escalated": 0,
                "escalation_summary": "",
                "minutes_spent": 30,
                "notes": "Benchmark visit.",
                "submission_token": str(uuid.uuid4()),
                "confirm_duplicate": "on",
            }

        kw = {"requests": requests, "warmup": warmup}
        deep = (
            Visit.objects.order_by("-visited_on", "-pk").values_list("visited_on", "pk")[
                1999 * settings.HUB["PAGE_SIZE"] - 1
            ]
            if Visit.objects.count() > 2000 * settings.HUB["PAGE_SIZE"]
            else Visit.objects.order_by("visited_on", "pk").values_list("visited_on", "pk").first()
        )
        pages = {
            "/dashboard/": self._timed(slt, "GET", "/dashboard/", **kw),
            "/gaps/": self._timed(pm, "GET", "/gaps/", **kw),
            "/care-homes/": self._timed(pm, "GET", "/care-homes/", **kw),
            "/care-homes/ (filtered)": self._timed(
                pm, "GET", f"/care-homes/?locality={locality}&has_gap=yes", **kw
            ),
            "care-home detail": self._timed(pm, "GET", f"/care-homes/{home.pk}/", **kw),
            "visit POST": self._timed(pharmacist, "POST", "/visits/new/", data_factory=visit_data, **kw),
            "visit list page 1": self._timed(pm, "GET", "/visits/", **kw),
            "visit list page 2,000": self._timed(
                pm, "GET", f"/visits/?older={deep[0].isoformat()}.{deep[1]}", **kw
            ),
        }
        for name, (role, path) in extra_pages(home=home, locality=locality).items():
            pages[name] = self._timed(clients[role], "GET", path, **kw)
        return pages

    def _stale_reads(self, users, targets):
        """Read-your-writes: load the gap list and the dashboard, save a visit to a home with a
        gap, load both again; a load that does not show one gap fewer is a stale read. (The
        background writer only ever closes gaps, and never visits these homes.)"""
        clients = self._clients(users)
        checks, stale = 0, {"/gaps/": 0, "/dashboard/": 0}
        for target in targets:
            before = {
                "/gaps/": _number(GAP_TOTAL, clients["pm"].get("/gaps/").content.decode()),
                "/dashboard/": _number(GAPS_CARD, clients["slt"].get("/dashboard/").content.decode()),
            }
            visit_create(
                by=users[PROJECT_MANAGER],
                staff=users[PHARMACY_PROFESSIONAL].staff_member,
                care_home=target,
                submission_token=uuid.uuid4(),
                confirm_duplicate=True,
                visited_on=timezone.localdate(),
                mode="video",
                activities=["smr"],
                minutes_spent=20,
            )
            after = {
                "/gaps/": _number(GAP_TOTAL, clients["pm"].get("/gaps/").content.decode()),
                "/dashboard/": _number(GAPS_CARD, clients["slt"].get("/dashboard/").content.decode()),
            }
            checks += 1
            for page in stale:
                if before[page] is None or after[page] is None or after[page] >= before[page]:
                    stale[page] += 1
        return {"checks": checks, "stale": stale, "total": sum(stale.values())}

    def _sign_in_cpu_ms(self):
        """CPU time of one password check with the production hasher (Argon2id, docs/adr/0008)."""
        from django.contrib.auth.hashers import check_password, make_password

        with override_settings(PASSWORD_HASHERS=settings.ARGON2_PASSWORD_HASHERS):
            encoded = make_password("a benchmark passphrase")
            started = time.process_time()
            for _ in range(5):
                check_password("a benchmark passphrase", encoded)
            return round((time.process_time() - started) * 1000 / 5, 1)

    def _time_gap_report(self):
        week = week_of(timezone.localdate())
        started = time.perf_counter()
        gap_report_generate(week=week, regenerate=True)
        return round(time.perf_counter() - started, 2)

    def _time_raw_sql(self, repeats):
        today = timezone.localdate()
        params = {"today": today, "cutoff": today - datetime.timedelta(days=settings.HUB["NO_VISIT_DAYS"])}
        timings = []
        with connection.cursor() as cursor:
            for _ in range(repeats + 2):
                started = time.perf_counter()
                cursor.execute(RAW_HEADLINES_SQL, params)
                cursor.fetchall()
                cursor.execute(RAW_HOURS_SQL)
                cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings[2:])

    def _print(self, results):
        s = results["scale"]
        self.stdout.write(
            f"\nScale: {s['care_homes']} care homes, {s['pcns']} PCNs, {s['practices']} practices, "
            f"{s['staff']} staff, {s['visits']} visits\n"
        )
        c = results["conditions"]
        self.stdout.write(
            f"{c['cpu_count']} CPUs, load average {c['load_average_at_start']} at start, "
            f"{c['load_average_at_end']} at end; {c['requests_per_page']} timed requests a page"
        )
        for mode, pages in results["pages"].items():
            self.stdout.write(f"\nfigure caching {'on' if mode == 'cached' else 'off'} ({mode}), writer on")
            self.stdout.write(f"{'page':<26}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}{'KB':>8}")
            for name, row in pages.items():
                self.stdout.write(
                    f"{name:<26}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['queries']:>9}{row['bytes'] / 1024:>8.1f}"
                )
        w = results["writer"]
        self.stdout.write(
            f"\nwriter: {w['visits']} visits in {w['seconds']} s = {w['rate_per_s']}/s "
            f"(target {w['target_per_s']}/s), {w['errors']} errors"
        )
        st = results["stale_reads"]
        self.stdout.write(f"stale reads: {st['total']} in {st['checks']} checks {st['stale']}")
        self.stdout.write(f"weekly gap report: {results['gap_report_s']} s")
        self.stdout.write(f"sign-in (one Argon2id check): {results['sign_in_cpu_ms']} ms CPU")
        if "api" in results:
            from nonprod.api_bench import print_api_results

            print_api_results(results["api"], self.stdout.write)
        self.stdout.write(
            f"raw SQL headline figures: {results['raw_sql_ms']} ms; dashboard p50 / raw SQL = "
            f"{results['dashboard_cached_vs_raw_sql']} cached, {results['dashboard_uncached_vs_raw_sql']} uncached"
        )
        self.stdout.write("\ntargets (p95, caching off, writer on):")
        for name, row in results["targets"].items():
            got = row.get("p95_ms", row.get("s"))
            want = row.get("target_p95_ms", row.get("target_s"))
            self.stdout.write(f"  {name:<26}{got!s:>10} / {want!s:<6} {'met' if row['met'] else 'NOT met'}")
