"""manage.py bench: the national-scale benchmark behind `make bench`.

Builds the scale data set if it is absent, then measures server-side response time (in-process
through Django's test client: the whole middleware, view, template and database stack, without
network noise) over many requests after a warm-up, and the query count, for the pages the issue
names; times the weekly gap report for the whole country; and compares the dashboard with one
hand-written SQL query computing the same headline figures. Prints a table and writes
bench-results.json.
"""

import datetime
import json
import statistics
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import week_of
from carehomes.models import Assignment, CareHome
from nonprod import scale
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from organisations.models import StaffMember

RAW_HEADLINES_SQL = """
WITH lead AS (
    SELECT DISTINCT care_home_id FROM carehomes_assignment
    WHERE role = 'lead' AND starts_on <= %(today)s AND (ends_on IS NULL OR ends_on >= %(today)s)
), last_visit AS (
    SELECT care_home_id, MAX(visited_on) AS last_visited_on FROM carehomes_visit
    WHERE visited_on <= %(today)s GROUP BY care_home_id
)
SELECT COUNT(*) AS homes,
       COUNT(lead.care_home_id) AS with_lead,
       COUNT(*) FILTER (WHERE last_visit.last_visited_on >= %(cutoff)s) AS visited_28d,
       COUNT(*) FILTER (WHERE h.outbreak_status <> 'none') AS in_outbreak
FROM carehomes_carehome h
LEFT JOIN lead ON lead.care_home_id = h.id
LEFT JOIN last_visit ON last_visit.care_home_id = h.id
"""


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

        with override_settings(
            ALLOWED_HOSTS=["*"],
            SECURE_SSL_REDIRECT=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            DEBUG=False,
        ):
            results = self._measure(requests=requests, warmup=warmup)
            results["gap_report_s"] = self._time_gap_report()
            # The read API's own measurements (engineer "api"): a page of 1,000 homes, the visits CSV.
            from nonprod.api_bench import measure_api

            results["api"] = measure_api(requests=requests, warmup=warmup)
            raw_ms = self._time_raw_sql(repeats=max(5, requests // 4))
            results["raw_sql_ms"] = round(raw_ms, 2)
            pages = results["pages"]
            results["dashboard_vs_raw_sql"] = round(pages["/dashboard/"]["p50_ms"] / raw_ms, 2)
            results["dashboard_uncached_vs_raw_sql"] = round(
                pages["/dashboard/ (uncached)"]["p50_ms"] / raw_ms, 2
            )
        results = {"scale": counts.__dict__, **results}
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
        return {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(_percentile(timings, 95), 2),
            "queries": queries,
            "requests": requests,
        }

    def _measure(self, *, requests, warmup):
        users, home = self._users()
        slt, pm, pharmacist = Client(), Client(), Client()
        slt.force_login(users[SLT], backend="django.contrib.auth.backends.ModelBackend")
        pm.force_login(users[PROJECT_MANAGER], backend="django.contrib.auth.backends.ModelBackend")
        pharmacist.force_login(
            users[PHARMACY_PROFESSIONAL], backend="django.contrib.auth.backends.ModelBackend"
        )
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
        pages = {
            "/dashboard/": self._timed(slt, "GET", "/dashboard/", **kw),
            # Every request computes the figures afresh (as the first reader after a write does).
            "/dashboard/ (uncached)": self._timed(slt, "GET", "/dashboard/", before=cache.clear, **kw),
            "/gaps/ (uncached)": self._timed(pm, "GET", "/gaps/", before=cache.clear, **kw),
            "/gaps/": self._timed(pm, "GET", "/gaps/", **kw),
            "/care-homes/": self._timed(pm, "GET", "/care-homes/", **kw),
            "/care-homes/ (filtered)": self._timed(
                pm, "GET", f"/care-homes/?locality={locality}&has_gap=yes", **kw
            ),
            "care-home detail": self._timed(pm, "GET", f"/care-homes/{home.pk}/", **kw),
            "visit POST": self._timed(pharmacist, "POST", "/visits/new/", data_factory=visit_data, **kw),
        }
        return {"pages": pages}

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
                timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings[2:])

    def _print(self, results):
        s = results["scale"]
        self.stdout.write(
            f"\nScale: {s['care_homes']} care homes, {s['pcns']} PCNs, {s['practices']} practices, "
            f"{s['staff']} staff, {s['visits']} visits\n"
        )
        self.stdout.write(f"{'page':<26}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}")
        for name, row in results["pages"].items():
            self.stdout.write(f"{name:<26}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['queries']:>9}")
        self.stdout.write(f"\nweekly gap report: {results['gap_report_s']} s")
        if "api" in results:
            from nonprod.api_bench import print_api_results

            print_api_results(results["api"], self.stdout.write)
        self.stdout.write(
            f"raw SQL headline figures: {results['raw_sql_ms']} ms; dashboard p50 / raw SQL = "
            f"{results['dashboard_vs_raw_sql']} (uncached: {results['dashboard_uncached_vs_raw_sql']})"
        )
