"""`make loadtest`: serve the hub as it is deployed, load it with locust, write the figures to a file.

    .venv/bin/python tests/load/run.py          # what `make loadtest` runs

One command, nothing else to start: it makes the load-test database ready on PostgreSQL
(LOADTEST_DATABASE_URL; created if missing, migrated, the demo city loaded, or for the national
profile the sign-ins made on a national data set already there), starts gunicorn with
config/gunicorn.conf.py on 127.0.0.1:PORT (DEBUG off, as deployed), runs
tests/load/locustfile.py headless against it (LOADTEST_USERS users, 10 a second, for
LOADTEST_TIME), stops the server, and writes the figures to LOADTEST_RESULTS: requests a second,
failures, p50/p95 per request, the web processes' CPU per request (load-independent, unlike
wall time on a shared machine), PostgreSQL's CPU for the hub's connections, the load
generator's own CPU, the machine's load average, and each target met or not. It exits non-zero
when a request failed.

Settings (environment): LOAD_PROFILE demo|national; LOADTEST_TIME (2m, national 5m);
LOADTEST_USERS (50); LOADTEST_WAIT (each user's pause between tasks, "min,max" seconds, default
0.3,0.8 for demo and 1,3 for national: see the README's "Scaling out"); PORT (8000); WEB_CONCURRENCY (gunicorn's processes);
REDIS_URL (passed to the server when set, as deployed); DEMO_PASSWORD.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

PROFILES = {
    # database, duration, results file, targets
    "demo": {
        "database_url": "postgres://postgres@127.0.0.1:5432/hub_loadtest",
        "time": "2m",
        "results": "loadtest-results.json",
        "wait": "0.3,0.8",
        "targets": {"requests_per_s_min": 80, "p95_ms_pages_max": 250, "p95_ms_sign_in_max": 500},
    },
    "national": {
        "database_url": "postgres://postgres@127.0.0.1:5432/hub_bench",
        "time": "5m",
        "results": "loadtest-national-results.json",
        "wait": "1,3",
        "targets": {"p95_ms_pages_max": 300},
    },
}


def log(message):
    print(f"[loadtest] {message}", flush=True)


def ensure_database(url):
    params = conninfo_to_dict(url)
    name = params.pop("dbname")
    with psycopg.connect(make_conninfo(**{**params, "dbname": "postgres"}), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name}")
    return name


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def port_is_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for_health(port, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode} before serving (see its log)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /health/ on port {port} within {timeout} s")


def wait_for_workers(master_pid, settle=1.0, timeout=15):
    """How many workers gunicorn forked: the first may answer /health/ before the others are
    forked, so wait until the count has not grown for `settle` seconds (the CPU baseline must
    include every worker)."""
    deadline = time.monotonic() + timeout
    count, since = len(child_pids(master_pid)), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < settle:
        time.sleep(0.2)
        now = len(child_pids(master_pid))
        if now != count:
            count, since = now, time.monotonic()
    return count


def proc_cpu_seconds(pid, children=False):
    """utime + stime of a process (and, with children, of its children it has waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLOCK_TICKS


def child_pids(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def web_cpu_seconds(master_pid):
    """gunicorn's CPU: the master with every worker it has reaped, plus the live workers."""
    total = proc_cpu_seconds(master_pid, children=True) or 0.0
    return total + sum(proc_cpu_seconds(pid) or 0.0 for pid in child_pids(master_pid))


class DatabaseCpuSampler(threading.Thread):
    """Samples the CPU of PostgreSQL's backends serving the load-test database once a second
    (a backend that ends loses at most its last second)."""

    def __init__(self, url, name):
        super().__init__(daemon=True)
        self.url, self.name = url, name
        self.first, self.last = {}, {}
        self.stopping = threading.Event()

    def sample(self, conn):
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (self.name,)
        ).fetchall()
        for (pid,) in rows:
            cpu = proc_cpu_seconds(pid)
            if cpu is not None:
                self.first.setdefault(pid, cpu)
                self.last[pid] = cpu

    def run(self):
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopping.is_set():
                self.sample(conn)
                self.stopping.wait(1)
            self.sample(conn)

    def seconds(self, started_pids):
        """CPU since the start: backends already there count from their first sample."""
        return sum(self.last[pid] - (self.first[pid] if pid in started_pids else 0.0) for pid in self.last)


def main():
    profile_name = os.environ.get("LOAD_PROFILE", "demo")
    if profile_name not in PROFILES:
        raise SystemExit(f"LOAD_PROFILE must be one of {', '.join(PROFILES)}")
    profile = PROFILES[profile_name]
    database_url = os.environ.get("LOADTEST_DATABASE_URL") or profile["database_url"]
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("LOADTEST_DATABASE_URL must be PostgreSQL (postgres://...)")
    port = int(os.environ.get("PORT", "8000"))
    duration = os.environ.get("LOADTEST_TIME") or profile["time"]
    users = int(os.environ.get("LOADTEST_USERS", "50"))
    results_path = Path(os.environ.get("LOADTEST_RESULTS") or profile["results"])
    wait = os.environ.get("LOADTEST_WAIT") or profile["wait"]
    if not port_is_free(port):
        raise SystemExit(f"Something already answers on 127.0.0.1:{port}; stop it or give another PORT=")

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_COOKIES": "False",
    }
    env.pop("FAST_PASSWORD_HASHER", None)
    db_name = ensure_database(database_url)
    log(f"preparing {db_name} for the {profile_name} profile")
    manage("migrate", "--noinput", env=env)
    prepared = subprocess.run(
        [PYTHON, "manage.py", "loadtest_prepare", "--profile", profile_name],
        cwd=ROOT,
        env={**env, "NONPROD_APPS": "True"},
        check=True,
        capture_output=True,
        text=True,
    )
    sign_ins = prepared.stdout.strip().splitlines()[-1].split()[1:]

    server_log = results_path.with_suffix(".gunicorn.log")
    log(f"starting gunicorn on 127.0.0.1:{port} (log in {server_log})")
    with open(server_log, "w") as server_out:
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_out,
            stderr=subprocess.STDOUT,
        )
    sampler = None
    try:
        wait_for_health(port, server)
        workers = wait_for_workers(server.pid)
        sampler = DatabaseCpuSampler(database_url, db_name)
        sampler.start()
        time.sleep(1.2)
        db_started_pids = set(sampler.last)
        web_cpu_start = web_cpu_seconds(server.pid)
        load_start = [round(x, 2) for x in os.getloadavg()]
        children_before = os.times()
        log(f"locust: {users} users, pause {wait} s, for {duration} ({workers} gunicorn workers)")
        locust = subprocess.run(
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                "tests/load/locustfile.py",
                "--headless",
                "-u",
                str(users),
                "-r",
                "10",
                "-t",
                duration,
                "--host",
                f"http://127.0.0.1:{port}",
                "--only-summary",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOAD_PROFILE": profile_name,
                "LOADTEST_RESULTS": str(results_path),
                "LOADTEST_WAIT": wait,
                "LOADTEST_PM": sign_ins[0],
                "LOADTEST_PHARMACIST": sign_ins[1],
            },
        )
        children_after = os.times()
        web_cpu = web_cpu_seconds(server.pid) - web_cpu_start
        load_end = [round(x, 2) for x in os.getloadavg()]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if sampler:
            sampler.stopping.set()
            sampler.join(timeout=5)

    results = json.loads(results_path.read_text())
    requests = results["requests"] or 1
    db_cpu = sampler.seconds(db_started_pids)
    generator_cpu = (children_after.children_user + children_after.children_system) - (
        children_before.children_user + children_before.children_system
    )
    results["server"] = {
        "gunicorn_workers": workers,
        "database": db_name,
        "redis": bool(os.environ.get("REDIS_URL")),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": load_start,
        "load_average_at_end": load_end,
        "web_cpu_s": round(web_cpu, 2),
        "web_cpu_ms_per_request": round(web_cpu * 1000 / requests, 1),
        "database_cpu_s": round(db_cpu, 2),
        "database_cpu_ms_per_request": round(db_cpu * 1000 / requests, 1),
        "load_generator_cpu_s": round(generator_cpu, 2),
        # What two cores could serve if they did nothing else: the load-independent estimate.
        "requests_per_s_if_two_cores_were_the_server_s": round(
            2 * requests / max(web_cpu + db_cpu, 0.001), 1
        ),
    }
    targets = profile["targets"]
    met = {"failures": results["failures"] == 0}
    if "requests_per_s_min" in targets:
        met["requests_per_s"] = results["requests_per_s"] >= targets["requests_per_s_min"]
    met["p95_ms_pages"] = (results["p95_ms_pages"] or 0) <= targets["p95_ms_pages_max"]
    if "p95_ms_sign_in_max" in targets:
        met["p95_ms_sign_in"] = (results["p95_ms_sign_in"] or 0) <= targets["p95_ms_sign_in_max"]
    results["targets"] = {**targets, "met": met}
    results_path.write_text(json.dumps(results, indent=2))

    s = results["server"]
    log(
        f"{results['requests']} requests, {results['failures']} failed, {results['requests_per_s']} a second; "
        f"page p95 {results['p95_ms_pages']} ms (worst page {results['p95_ms_pages_worst']} ms), "
        f"sign-in p95 {results['p95_ms_sign_in']} ms"
    )
    log(
        f"CPU per request: web {s['web_cpu_ms_per_request']} ms, PostgreSQL {s['database_cpu_ms_per_request']} ms; "
        f"load generator {s['load_generator_cpu_s']} s; load average {load_start} -> {load_end}"
    )
    log("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))
    log(f"figures written to {results_path}")
    return locust.returncode or (0 if met["failures"] else 1)


if __name__ == "__main__":
    sys.exit(main())
