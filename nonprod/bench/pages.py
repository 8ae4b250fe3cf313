"""Timing the hub's pages for the bench: who asks, what is asked, and the read-your-writes check."""

import datetime
import re
import statistics
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carehomes.models import Assignment, CareHome, Visit
from carehomes.visits.services import visit_create
from nonprod.bench import discharge as discharge_pages
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT, leadership_announced
from organisations.models import StaffMember

# The targets (p95, ms) at national scale, caching off, writer on.
TARGETS_MS = {
    "/dashboard/": 60,
    "/gaps/": 60,
    "/gaps/ (filtered)": 60,
    "/care-homes/": 60,
    "/care-homes/ (filtered)": 60,
    "care-home detail": 40,
    "visit POST": 40,
    "visit list page 1": 60,
    "visit list page 2,000": 60,
    "/discharges/": 60,
    "/discharges/ (lost)": 60,
    "/discharges/ (one home)": 60,
    "/discharges/ (filtered)": 60,
    "dashboard Discharges section": 60,
}
STALE_CHECKS = 10
GAP_TOTAL = re.compile(r'data-testid="gap-total">(\d[\d,]*) gap')
GAPS_CARD = re.compile(r'data-figure="Gaps">(\d[\d,]*)')


def _number(pattern, html):
    match = pattern.search(html)
    return int(match.group(1).replace(",", "")) if match else None


def timed_read(read, *, requests=40, warmup=5, writer=None):
    timings, queries = [], 0
    for i in range(warmup + requests):
        if writer is not None and not writer.is_alive():
            writer.catch_up()
        reset_queries()  # the query log keeps 9,000 entries: past that, a capture counts 0
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            read()
            elapsed = (time.perf_counter() - started) * 1000
        if i >= warmup:
            timings.append(elapsed)
            queries = len(ctx.captured_queries)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "queries": queries,
        "bytes": 0,
        "requests": requests,
    }


def percentile(values, pct):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def bench_users():
    User = get_user_model()
    users = {}
    home = CareHome.objects.order_by("pk").first()
    for username, role in (
        ("bench-slt", SLT),
        ("bench-pm", PROJECT_MANAGER),
        ("bench-pharmacist", PHARMACY_PROFESSIONAL),
    ):
        user, _ = User.objects.get_or_create(username=username)
        with leadership_announced():  # benchmark logins: nobody to tell
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


def timed(client, method, path, data_factory=None, requests=40, warmup=5, before=None, writer=None):
    timings, cpu = [], []
    queries = 0
    for i in range(warmup + requests):
        if writer is not None and not writer.is_alive():
            writer.catch_up()
        data = data_factory() if data_factory else None
        if before:
            before()
        reset_queries()  # the query log keeps 9,000 entries: past that, a capture counts 0
        with CaptureQueriesContext(connection) as ctx:
            started, thread_started = time.perf_counter(), time.thread_time()
            response = client.post(path, data) if method == "POST" else client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            # This thread's CPU only: the background writer's thread is not counted.
            spent = (time.thread_time() - thread_started) * 1000
        expected = 302 if method == "POST" else 200
        if response.status_code != expected:
            errors = getattr(response, "context", None) and response.context.get("form")
            detail = errors.errors.as_text() if errors is not None and hasattr(errors, "errors") else ""
            raise RuntimeError(f"{method} {path} answered {response.status_code}, not {expected}. {detail}")
        if i >= warmup:
            timings.append(elapsed)
            cpu.append(spent)
            queries = len(ctx.captured_queries)
            size = len(response.content)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "queries": queries,
        "bytes": size,
        "requests": requests,
    }


def clients_for(users):
    slt, pm, pharmacist = Client(), Client(), Client()
    slt.force_login(users[SLT], backend="django.contrib.auth.backends.ModelBackend")
    pm.force_login(users[PROJECT_MANAGER], backend="django.contrib.auth.backends.ModelBackend")
    pharmacist.force_login(users[PHARMACY_PROFESSIONAL], backend="django.contrib.auth.backends.ModelBackend")
    return {"slt": slt, "pm": pm, "pharmacist": pharmacist}


def measure_pages(users, home, *, requests, warmup, writer=None, only=None):
    """Each page's timings; `only` names the pages to measure (every page when None)."""
    clients = clients_for(users)
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

    kw = {"requests": requests, "warmup": warmup, "writer": writer}

    def deep():
        """The cursor of the visit list's page 2,000 (or of its oldest visit in a small data set)."""
        day, pk = (
            Visit.objects.order_by("-visited_on", "-pk").values_list("visited_on", "pk")[
                1999 * settings.HUB["PAGE_SIZE"] - 1
            ]
            if Visit.objects.count() > 2000 * settings.HUB["PAGE_SIZE"]
            else Visit.objects.order_by("visited_on", "pk").values_list("visited_on", "pk").first()
        )
        return f"{day.isoformat()}.{pk}"

    plan = {
        "/dashboard/": lambda: timed(slt, "GET", "/dashboard/", **kw),
        "/gaps/": lambda: timed(pm, "GET", "/gaps/", **kw),
        "/gaps/ (filtered)": lambda: timed(
            pm, "GET", f"/gaps/?locality={locality}&rule=no_recent_visit", **kw
        ),
        "/care-homes/": lambda: timed(pm, "GET", "/care-homes/", **kw),
        "/care-homes/ (filtered)": lambda: timed(
            pm, "GET", f"/care-homes/?locality={locality}&has_gap=yes", **kw
        ),
        "care-home detail": lambda: timed(pm, "GET", f"/care-homes/{home.pk}/", **kw),
        "visit POST": lambda: timed(pharmacist, "POST", "/visits/new/", data_factory=visit_data, **kw),
        "visit list page 1": lambda: timed(pm, "GET", "/visits/", **kw),
        "visit list page 2,000": lambda: timed(pm, "GET", f"/visits/?older={deep()}", **kw),
    }
    for name, (role, path) in discharge_pages.pages(home=home, locality=locality).items():
        plan[name] = lambda role=role, path=path: timed(clients[role], "GET", path, **kw)
    for name, read in discharge_pages.reads(home=home, locality=locality).items():
        plan[name] = lambda read=read: timed_read(read, **kw)
    return {name: measure() for name, measure in plan.items() if only is None or name in only}


def stale_reads(users, targets):
    """Read-your-writes: load the gap list and the dashboard, save a visit to a home with a
    gap, load both again; a load that does not show one gap fewer is a stale read. (The
    background writer only ever closes gaps, and never visits these homes.)"""
    clients = clients_for(users)
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
