"""The bench's reference points: one hand-written SQL query for the headline figures, the weekly
gap report for the whole country, and the CPU cost of one sign-in."""

import datetime
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import week_of

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


def sign_in_cpu_ms():
    """CPU time of one password check with the production hasher (Argon2id, docs/adr/0008)."""
    from django.contrib.auth.hashers import check_password, make_password

    with override_settings(PASSWORD_HASHERS=settings.ARGON2_PASSWORD_HASHERS):
        encoded = make_password("a benchmark passphrase")
        started = time.process_time()
        for _ in range(5):
            check_password("a benchmark passphrase", encoded)
        return round((time.process_time() - started) * 1000 / 5, 1)


def time_gap_report():
    week = week_of(timezone.localdate())
    started = time.perf_counter()
    gap_report_generate(week=week, regenerate=True)
    return round(time.perf_counter() - started, 2)


def time_raw_sql(repeats):
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
