"""Reads for the weekly gap report: the headline figures (shared with the live dashboard), the
data a report freezes (with the hours by organisation and sector of `actionplan.hours_selectors`),
the latest figures and the trend.

The figures are computed in the database (aggregates and `carehomes.gaps`), never by a loop
over homes issuing queries.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from actionplan.hours_selectors import hours_by
from actionplan.models import Action, GapReport, Rag
from actionplan.report_terms import TREND_WEEKS, parse_week
from carehomes import gaps as gap_rules
from carehomes.gaps.rules import gap_key
from carehomes.models import CareHome, Visit, VisitDayTotal
from discharge.figures import weekly_rows as discharge_weekly_rows
from organisations.access import SLT
from organisations.models import Organisation
from workstreams.models import SupportRequest


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def headline_figures(*, homes=None, pcns=None, as_of=None, week_range=None, gaps=None):
    """The headline figures for a set of care homes, as of a date, in a fixed number of queries.

    `week_range` (monday, sunday) gives the activity counted "in the week" (SMRs, residents
    reviewed, interventions); without it, the 7 days ending on `as_of`. `gaps`, the gap list of
    the same homes already computed, saves counting the gaps again.
    """
    as_of = as_of or timezone.localdate()
    narrowed = homes is not None
    starts, ends = week_range or (as_of - datetime.timedelta(days=6), as_of)

    if gaps is None:
        # Every home today: counted from the kept state, set-based (`carehomes.gaps.gap_counts`).
        counts = gap_rules.gap_counts(homes=homes, today=as_of)
    else:
        homes = CareHome.objects.all() if homes is None else homes
        counts = {"homes": homes.count()} | {r.code: 0 for r in gap_rules.CARE_HOME_RULES}
        for gap in gaps:
            code = gap["rule"] if isinstance(gap, dict) else gap.rule.code
            if code in counts:
                counts[code] += 1
        counts["in_outbreak"] = (
            homes.exclude(outbreak_status=CareHome.Outbreak.NONE)
            .filter(outbreak_started_on__lte=as_of)
            .count()
        )
    care_homes = counts["homes"]
    in_outbreak = counts["in_outbreak"]
    activity = _week_activity(homes if narrowed else None, starts, ends)
    if pcns is None and "pcn_no_hours" in counts:
        pcns_no_hours = counts["pcn_no_hours"]
    else:
        pcns = Organisation.objects.filter(kind=Organisation.Kind.PCN) if pcns is None else pcns
        pcns_no_hours = gap_rules.pcns_with_gaps(pcns).count()
    open_requests = SupportRequest.objects.filter(status__in=SupportRequest.OPEN_STATUSES).count()
    rag = dict.fromkeys(Rag.values, 0) | dict(
        Action.objects.filter(is_open=True).values_list("rag").annotate(n=Count("pk")).order_by()
    )
    home_gaps = sum(counts[r.code] for r in gap_rules.CARE_HOME_RULES)
    return {
        "care_homes": care_homes,
        "pct_with_lead": _pct(care_homes - counts["no_lead"], care_homes),
        "pct_visited_28d": _pct(care_homes - counts["no_recent_visit"], care_homes),
        "in_outbreak": in_outbreak,
        "outbreak_not_visited": counts["outbreak_not_visited"],
        "smrs_in_week": activity["smrs"] or 0,
        "residents_reviewed_in_week": activity["residents"] or 0,
        "interventions_in_week": activity["interventions"] or 0,
        "cover_visits_in_week": activity["cover"] or 0,
        "open_requests": open_requests,
        "pcns_no_hours": pcns_no_hours,
        "gaps": home_gaps + pcns_no_hours,
        "gaps_by_rule": {r.code: counts[r.code] for r in gap_rules.CARE_HOME_RULES}
        | {gap_rules.PCN_NO_HOURS.code: pcns_no_hours},
        "rag": rag,
    }


def _week_activity(homes, starts, ends):
    """SMRs, cover visits, residents reviewed and interventions on visits from `starts` to `ends`.

    For every home, from the visit day totals kept by the writers (`carehomes.visits.totals`): a
    row per day, mode and cover flag instead of the week's visits; for some homes, from their visits.
    """
    if homes is None:
        days = VisitDayTotal.objects.filter(visited_on__range=(starts, ends))
        every = Q(activity=VisitDayTotal.ALL)
        return days.aggregate(
            smrs=Sum("visits", filter=Q(activity="smr")),
            cover=Sum("visits", filter=every & Q(is_cover=True)),
            residents=Sum("residents_reviewed", filter=every),
            interventions=Sum("interventions", filter=every),
        )
    week_visits = Visit.objects.filter(care_home__in=homes.values("pk"), visited_on__range=(starts, ends))
    activity = week_visits.aggregate(
        smrs=Count("pk", filter=Q(activity_smr=True)),
        cover=Count("pk", filter=Q(is_cover=True)),
        residents=Sum("residents_reviewed"),
        **{f"i_{code}": Sum(f"interventions_{code}") for code in Visit.INTERVENTIONS},
    )
    activity["interventions"] = sum(activity.pop(f"i_{code}") or 0 for code in Visit.INTERVENTIONS)
    return activity


def _gap_key(gap):
    return gap_key(gap["rule"], gap.get("care_home_id"), gap.get("pcn_id"))


def _changes(gaps, previous):
    """Gaps opened and closed since the previous report (matched by rule and home or PCN)."""
    if previous is None:
        return {"previous_week": None, "opened": [], "closed": []}
    before = {_gap_key(g): g for g in previous.data.get("gaps", [])}
    now = {_gap_key(g): g for g in gaps}

    def brief(g):
        return {
            k: g.get(k) for k in ("rule", "name", "severity", "care_home_id", "care_home", "pcn_id", "pcn")
        }

    return {
        "previous_week": previous.week,
        "opened": [brief(g) for k, g in now.items() if k not in before],
        "closed": [brief(g) for k, g in before.items() if k not in now],
    }


def _trend(week, headlines, *, previous_reports):
    """The last TREND_WEEKS weeks' key figures, oldest first, ending with this week."""
    points = [
        {
            "week": w,
            "pct_with_lead": h.get("pct_with_lead"),
            "pct_visited_28d": h.get("pct_visited_28d"),
            "gaps": h.get("gaps"),
        }
        for w, h in reversed(previous_reports)
        if h
    ]
    points.append(
        {
            "week": week,
            "pct_with_lead": headlines["pct_with_lead"],
            "pct_visited_28d": headlines["pct_visited_28d"],
            "gaps": headlines["gaps"],
        }
    )
    return points[-TREND_WEEKS:]


def compute_report_data(week, *, as_of=None, backfilled=False):
    """Every figure the report freezes, as JSON-ready data.

    Figures are as of the week's last day (or today, if the week has not ended). A backfilled
    report (history made for the demo) reconstructs assignments and visits as of that day, but
    outbreaks, staff, requests and actions as they are now: it says so in `backfilled`.
    """
    monday, sunday = parse_week(week)
    as_of = as_of or min(sunday, timezone.localdate())
    gaps = [g.as_dict() for g in gap_rules.current_gaps(today=as_of)]
    headlines = headline_figures(as_of=as_of, week_range=(monday, sunday), gaps=gaps)
    previous = GapReport.objects.filter(is_current=True, week__lt=week).order_by("-week").first()
    earlier = list(
        GapReport.objects.filter(is_current=True, week__lt=week)
        .order_by("-week")
        .values_list("week", "headlines")[: TREND_WEEKS - 1]
    )
    return {
        "week": week,
        "starts_on": monday.isoformat(),
        "ends_on": sunday.isoformat(),
        "as_of": as_of.isoformat(),
        "backfilled": backfilled,
        "no_visit_days": gap_rules.no_visit_days(),
        "headlines": headlines,
        "gaps": gaps,
        "hours": hours_by(as_of=as_of),
        "changes": _changes(gaps, previous),
        "trend": _trend(week, headlines, previous_reports=earlier),
        "discharges": discharge_weekly_rows(monday=monday, as_of=as_of),
    }


def slt_recipients():
    """Email addresses of the active SLT members."""
    users = get_user_model().objects.filter(groups__name=SLT, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def latest_headlines():
    """The latest current report's headline figures, or None when there is no report yet."""
    row = (
        GapReport.objects.filter(is_current=True)
        .order_by("-week")
        .values_list("headlines", flat=True)
        .first()
    )
    return row or None


TREND_EXTRA_KEYS = ("care_homes", "outbreak_not_visited", "pcns_no_hours", "open_requests")


def previous_report_headlines(week):
    """The week and headline figures of the newest current report before `week`'s, or None: what
    a report's headline figures are compared with (one query)."""
    row = (
        GapReport.objects.filter(is_current=True, week__lt=week)
        .order_by("-week")
        .values_list("week", "headlines")
        .first()
    )
    return {"week": row[0], "headlines": row[1] or {}} if row else None


def trend_points(limit=52):
    """Key figures of the last `limit` current reports, oldest first, without loading their gaps."""
    rows = (
        GapReport.objects.filter(is_current=True)
        .order_by("-week")
        .values_list("week", "headlines", "backfilled")[:limit]
    )
    return [
        {
            "week": week,
            "pct_with_lead": (h or {}).get("pct_with_lead"),
            "pct_visited_28d": (h or {}).get("pct_visited_28d"),
            "gaps": (h or {}).get("gaps"),
            "in_outbreak": (h or {}).get("in_outbreak"),
            # The rest of the headline figures the dashboard compares with last week.
            **{key: (h or {}).get(key) for key in TREND_EXTRA_KEYS},
            "backfilled": bool(backfilled),
        }
        for week, h, backfilled in reversed(list(rows))
    ]


def gap_report_for_week(week, version=None):
    """A week's current report (or the given version of it), with who made it; None if there is none."""
    reports = GapReport.objects.select_related("generated_by").filter(week=week)
    reports = reports.filter(version=version) if version else reports.filter(is_current=True)
    return reports.first()


def gap_report_list():
    """Every week's current report, newest first, as the list page shows them (no gaps loaded)."""
    return (
        GapReport.objects.filter(is_current=True)
        .order_by("-week")
        .values("week", "version", "generated_at", "headlines", "backfilled")
    )


def gap_report_versions(week):
    """A week's versions, newest first: (version, is_current) rows."""
    return list(GapReport.objects.filter(week=week).order_by("-version").values("version", "is_current"))


def gap_report_exists(week, *, made_since=None):
    """Whether the week has a current report (made at or after `made_since`, when given)."""
    reports = GapReport.objects.filter(week=week, is_current=True)
    if made_since is not None:
        reports = reports.filter(generated_at__gte=made_since)
    return reports.exists()


def latest_gap_report_week():
    """The week of the newest current report, or None."""
    return GapReport.objects.filter(is_current=True).order_by("-week").values_list("week", flat=True).first()


def last_report_keys():
    """The keys of the newest current report's gaps (`GapReport.gap_keys`), as the gap list counts
    the gaps new since it (`carehomes.gaps.KnownKeys`); None with no report yet. One query finds
    the report; its keys are read only by the rules that count in Python, and on PostgreSQL are
    also given as a subquery, so that a rule counts its unknown gaps in the database."""
    pk = GapReport.objects.filter(is_current=True).order_by("-week").values_list("pk", flat=True).first()
    if pk is None:
        return None
    report = GapReport.objects.filter(pk=pk)
    subquery = None
    if connection.vendor == "postgresql":
        # Raw SQL: written into several queries of a page, and cheap to compile each time.
        keys = f'SELECT jsonb_array_elements_text(gap_keys) FROM "{GapReport._meta.db_table}" WHERE id = %s'  # noqa: S608 - the model's own table
        subquery = RawSQL(keys, [pk])  # noqa: S611 - no text from a request

    def contains(key):
        return Exists(report.filter(gap_keys__contains=[key]))

    load = report.values_list("gap_keys", flat=True).get
    return gap_rules.KnownKeys(load, subquery, contains if subquery is not None else None)
