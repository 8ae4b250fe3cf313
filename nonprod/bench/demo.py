"""`manage.py bench --demo`: every page's server time and size at demo size (issue 18's light pages).

Against a database holding the demo city (`manage.py seed_demo`), each demo sign-in opens its
pages in-process through Django's test client (the whole middleware, view, template and database
stack), a few times after a warm-up; the p50 server time, query count and HTML size of each page
are printed against the targets (p50 ≤ 25 ms, ≤ 80 KB) and written to bench-demo-results.json.
"""

import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from nonprod.bench.pages import percentile

P50_TARGET_MS = 25
SIZE_TARGET_BYTES = 80 * 1024

# Every page a signed-in person reaches, by the demo sign-in who opens it (the project manager
# sees nearly all of them; the others open their own start page and what only they see). Keys in
# braces are filled from the demo city in the database (`demo_objects`).
DEMO_PAGES = {
    "pm": [
        "/dashboard/",
        "/gaps/",
        "/search/?q=leeds",
        "/care-homes/",
        "/care-homes/{home}/",
        "/care-homes/{home}/edit/",
        "/care-homes/add/",
        "/care-homes/fill-gaps/",
        "/care-homes/import/",
        "/visits/",
        "/visits/new/",
        "/visits/{visit}/",
        "/visits/{visit}/edit/",
        "/staff/",
        "/staff/{staff}/",
        "/staff/{staff}/sign-in/",
        "/staff/import/",
        "/staff/sign-in-checks/",
        "/organisations/",
        "/organisations/{organisation}/",
        "/organisations/{organisation}/sign-in/",
        "/teams/",
        "/teams/{team}/",
        "/imports/",
        "/imports/{import_run}/",
        "/workstreams/",
        "/workstreams/new/",
        "/workstreams/{workstream}/",
        "/help-requests/",
        "/help-requests/new/",
        "/help-requests/{help_request}/",
        "/action-plan/",
        "/action-plan/actions/new/",
        "/action-plan/actions/{action}/",
        "/action-plan/meetings/",
        "/action-plan/sections/new/",
        "/reports/",
        "/reports/{week}/",
        "/discharges/",
        "/discharges/new/",
        "/discharges/upload/",
        "/discharges/reports/",
        "/discharges/{follow_up}/",
        "/account/",
        "/accounts/password/",
        "/account/api-tokens/",
    ],
    "slt": ["/dashboard/", "/gaps/", "/care-homes/{home}/", "/discharges/"],
    "pharmacist": ["/my-care-homes/", "/care-homes/{home}/", "/visits/", "/visits/new/", "/search/?q=leeds"],
    "orglead": ["/organisations/{own_organisation}/", "/help-requests/", "/help-requests/new/"],
    "trust": ["/discharges/mine/", "/discharges/new/", "/discharges/{follow_up}/"],
    "chemist": ["/discharges/mine/"],
}


def demo_objects():
    """The demo city's objects the pages above open: the first of each (the latest weekly report)."""
    from actionplan.models import Action, GapReport
    from carehomes.models import CareHome, Visit
    from discharge.models import DischargeFollowUp
    from organisations.models import ImportRun, Organisation, StaffMember, Team
    from workstreams.models import SupportRequest, Workstream

    def first(model):
        return model.objects.order_by("pk").values_list("pk", flat=True).first()

    return {
        "home": first(CareHome),
        "week": GapReport.objects.filter(is_current=True)
        .order_by("-week")
        .values_list("week", flat=True)
        .first(),
        "visit": Visit.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "staff": first(StaffMember),
        "organisation": first(Organisation),
        "own_organisation": StaffMember.objects.filter(user__username="orglead")
        .values_list("organisation_id", flat=True)
        .first(),
        "team": first(Team),
        "import_run": first(ImportRun),
        "workstream": first(Workstream),
        "help_request": first(SupportRequest),
        "action": first(Action),
        "follow_up": first(DischargeFollowUp),
    }


def demo_urls():
    """{"<sign-in> <url>": (sign-in, url)} for the demo city in the database."""
    objects = demo_objects()
    return {
        f"{username} {url}": (username, url)
        for username, paths in DEMO_PAGES.items()
        for url in (path.format(**objects) for path in paths)
    }


def measure_demo(*, requests=20, warmup=3):
    """{page: {p50_ms, p95_ms, queries, bytes, ...}} for every demo page, and the conditions."""
    User = get_user_model()
    clients = {}
    for username in DEMO_PAGES:
        client = Client()
        client.force_login(
            User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
        )
        clients[username] = client
    results = {}
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, DEBUG=False):
        for name, (username, url) in demo_urls().items():
            timings, cpu = [], []
            for i in range(warmup + requests):
                # The query log keeps 9,000 entries: past that, a capture counts 0 (a whole run makes more).
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = clients[username].get(url)
                    elapsed = (time.perf_counter() - started) * 1000
                    cpu_ms = (time.process_time() - cpu_started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{name} answered {response.status_code}")
                if i >= warmup:
                    timings.append(elapsed)
                    cpu.append(cpu_ms)
            p50 = statistics.median(timings)
            results[name] = {
                "p50_ms": round(p50, 2),
                "p95_ms": round(percentile(timings, 95), 2),
                "web_cpu_p50_ms": round(statistics.median(cpu), 2),
                "queries": len(queries.captured_queries),
                "bytes": len(response.content),
                "meets_p50": p50 <= P50_TARGET_MS,
                "meets_size": len(response.content) <= SIZE_TARGET_BYTES,
            }
    conditions = {
        "started_at": timezone.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "requests_per_page": requests,
        "timing": "server time in-process (Django test client), ms; web CPU is the process's own",
    }
    return {"conditions": conditions, "pages": results}


def print_demo_results(results, write):
    c = results["conditions"]
    write(
        f"Demo size: {c['cpu_count']} CPUs, load average {c['load_average_at_start']} at start, "
        f"{c['load_average_at_end']} at end; {c['requests_per_page']} timed requests a page\n"
    )
    write(
        f"{'page':<34}{'p50 ms':>9}{'p95 ms':>9}{'CPU ms':>9}{'queries':>9}{'KB':>7}  targets (p50 ≤ 25 ms, ≤ 80 KB)"
    )
    for name, row in results["pages"].items():
        verdict = "met" if row["meets_p50"] and row["meets_size"] else "NOT met"
        write(
            f"{name:<34}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['web_cpu_p50_ms']:>9}{row['queries']:>9}"
            f"{row['bytes'] / 1024:>7.1f}  {verdict}"
        )
