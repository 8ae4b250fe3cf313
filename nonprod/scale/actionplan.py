"""The actionplan app's table at national scale: weekly gap reports (headline figures only)."""

import datetime

from actionplan.models import GapReport


def gap_reports(rng, made, homes, weeks):
    """Weekly reports (headline figures only: the trend charts read these) for `weeks` weeks."""
    reports = []
    for w in range(weeks, 0, -1):
        day = made.today - datetime.timedelta(weeks=w)
        year, week, _ = day.isocalendar()
        headlines = {
            "care_homes": homes,
            "pct_with_lead": round(90 + rng.random() * 6, 1),
            "pct_visited_28d": round(88 + rng.random() * 8, 1),
            "in_outbreak": rng.randint(homes // 100, homes // 40),
        }
        reports.append(
            GapReport(
                week=f"{year}-W{week:02d}",
                version=1,
                is_current=True,
                generated_at=made.now - datetime.timedelta(weeks=w),
                data={"backfilled": True, "headlines": headlines, "gaps": []},
            )
        )
    for report in reports:
        report.keep_summary()  # bulk_create skips save()
    existing = set(GapReport.objects.filter(is_current=True).values_list("week", flat=True))
    GapReport.objects.bulk_create([r for r in reports if r.week not in existing], batch_size=500)
