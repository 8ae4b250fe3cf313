"""The bench's reference points: hand-written SQL for the dashboard's live figures, the weekly
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

# What a perfect implementation of the dashboard's live figures reads, by hand: each home's kept
# state (`carehomes.state`) counted set-based on its own narrow rows, the homes counted by their
# key, and only the homes in outbreak (a partial index) joined to their state; and each
# organisation's kept hour totals (`carehomes.hours_state`) summed by sector in the database, with
# the 25 employers with most hours. The ratio of the dashboard's time to this one's says what the
# page adds to reading the figures.
RAW_HEADLINES_SQL = """
SELECT (SELECT COUNT(*) FROM carehomes_carehome) AS homes,
       COUNT(*) FILTER (WHERE lead) AS with_lead,
       COUNT(*) FILTER (WHERE last_visited_on >= %(cutoff)s) AS visited_28d,
       COUNT(*) FILTER (WHERE lead_assigned_hours > lead_available_hours AND lead) AS lead_over_capacity,
       (SELECT COUNT(*) FROM carehomes_carehome h
        WHERE h.outbreak_status <> 'none' AND h.outbreak_started_on <= %(today)s) AS in_outbreak,
       (SELECT COUNT(*) FROM carehomes_carehome h
        LEFT JOIN carehomes_carehomestate o ON o.care_home_id = h.id
        WHERE h.outbreak_status <> 'none' AND h.outbreak_started_on <= %(today)s
          AND (o.last_visited_on IS NULL OR o.last_visited_on < h.outbreak_started_on)) AS outbreak_not_visited
FROM (
    SELECT s.last_visited_on, s.lead_assigned_hours, s.lead_available_hours,
           (s.lead_staff_id IS NOT NULL AND s.lead_starts_on <= %(today)s
            AND (s.lead_ends_on IS NULL OR s.lead_ends_on >= %(today)s)) AS lead
    FROM carehomes_carehomestate s
) AS home
"""
RAW_HOURS_SQL = """
SELECT o.sector, SUM(CASE WHEN k.staff_count > 0 THEN k.available_hours ELSE 0 END),
       SUM(CASE WHEN k.assignment_count > 0 THEN k.assigned_hours ELSE 0 END), COUNT(*)
FROM carehomes_organisationhours k JOIN organisations_organisation o ON o.id = k.organisation_id
WHERE k.staff_count > 0 OR k.assignment_count > 0
GROUP BY o.sector
"""
RAW_LARGEST_SQL = """
SELECT o.id, o.name, o.sector, k.available_hours, k.assigned_hours
FROM carehomes_organisationhours k JOIN organisations_organisation o ON o.id = k.organisation_id
WHERE k.staff_count > 0 OR k.assignment_count > 0
ORDER BY CASE WHEN k.staff_count > 0 THEN k.available_hours ELSE 0 END DESC, o.name{collate}
LIMIT 25
"""


def sign_in_cpu_ms():
    """CPU time of one password check with the production hasher (Argon2id, docs/adr/0007)."""
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
            cursor.execute(RAW_HOURS_SQL)
            cursor.fetchall()
            # Code point order, as the page's (config.querysets.by_code_point): SQLite has no "C".
            cursor.execute(
                RAW_LARGEST_SQL.format(collate=' COLLATE "C"' if connection.vendor == "postgresql" else "")
            )
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[2:])
