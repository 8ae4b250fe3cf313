"""Where the read API's computed and aggregate resources come from: current gaps, weekly gap reports
and discharge follow-ups counted by week, trust, pharmacy and home.
"""

import datetime

from django.db.models import F, Q

from actionplan.models import GapReport, Rag
from actionplan.report_terms import week_of
from api.rows import updated
from carehomes import gaps as gap_rules
from dashboard.selectors import Filters, gap_list

# gaps --------------------------------------------------------------------------------------


def gap_key(gap):
    return f"{gap.rule.code}-{gap.care_home_id or 0}-{gap.pcn_id or 0}"


def gap_rows(user, query):
    """Current gaps, from the gap list's own selector, in a stable order (by key) for paging."""
    gaps = gap_list(
        Filters(locality=query.locality or "", pcn_id=query.pcn, organisation_id=query.organisation)
    )
    return sorted(
        (
            {
                "key": gap_key(g),
                "rule": g.rule.code,
                "rule_label": g.rule.name,
                "severity": g.rule.severity,
                "reason": g.reason,
                "care_home_id": g.care_home_id,
                "care_home_name": g.care_home_name,
                "pcn_id": g.pcn_id,
                "pcn_name": g.pcn_name,
                "locality": g.locality or "",
            }
            for g in gaps
        ),
        key=lambda row: row["key"],
    )


def gap_report_rows(user, query):
    qs = GapReport.objects.filter(is_current=True)
    if query.week:
        query.week_range()  # refuses a week that does not exist
        qs = qs.filter(week=query.week)
    return (
        updated(qs, query, "generated_at")
        .order_by("pk")
        .values("id", "week", "version", "generated_at", headlines=F("data__headlines"))
    )


def gap_report_present(rows):
    out = []
    for r in rows:
        h = r["headlines"] or {}
        by_rule = h.get("gaps_by_rule") or {}
        rag = h.get("rag") or {}
        row = {"id": r["id"], "week": r["week"], "version": r["version"], "generated_at": r["generated_at"]}
        for name in (
            "care_homes",
            "pct_with_lead",
            "pct_visited_28d",
            "in_outbreak",
            "outbreak_not_visited",
            "smrs_in_week",
            "residents_reviewed_in_week",
            "interventions_in_week",
            "open_requests",
            "pcns_no_hours",
            "gaps",
        ):
            row[name] = h.get(name)
        for rule in gap_rules.CARE_HOME_RULES:
            row[f"gaps_{rule.code}"] = by_rule.get(rule.code)
        for value in Rag.values:
            row[f"actions_{value}"] = rag.get(value)
        out.append(row)
    return out


# discharge follow-ups, aggregated ---------------------------------------------------------


def discharge_rows(user, query):
    """Follow-ups the person may see on the discharge pages, counted by week, trust, pharmacy and home.
    No references, no free text: only counts."""
    from django.db.models import Count
    from django.db.models.functions import TruncWeek

    from discharge.selectors import visible_followups
    from discharge.states import CLOSED_STATES, State

    qs = visible_followups(user).exclude(state=State.DUPLICATE)
    if query.locality:
        qs = qs.filter(care_home__locality=query.locality)
    if query.pcn:
        qs = qs.filter(care_home__pcn_id=query.pcn)
    if query.organisation:
        qs = qs.filter(Q(trust_id=query.organisation) | Q(pharmacy_id=query.organisation))
    week = query.week_range()
    if week:
        qs = qs.filter(discharged_on__range=week)
    issues = Q(issue_gp_mismatch=True) | Q(issue_stopped_in_packs=True) | Q(issue_mar_not_updated=True)
    issues |= Q(issue_not_sent=True) | Q(issue_other=True)
    grouped = (
        qs.annotate(week_start=TruncWeek("discharged_on"))
        .values("week_start", "trust_id", "pharmacy_id", "care_home_id")
        .annotate(
            trust_name=F("trust__name"),
            pharmacy_name=F("pharmacy__name"),
            care_home_name=F("care_home__name"),
            follow_ups=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            closed=Count("pk", filter=Q(state__in=CLOSED_STATES)),
            with_issues=Count("pk", filter=issues),
            onward_referrals=Count("pk", filter=Q(onward_referral=True)),
            readmitted_within_30_days=Count("pk", filter=Q(readmitted="yes")),
        )
        .order_by()
    )
    rows = []
    for r in grouped:
        start = r.pop("week_start")
        start = start.date() if isinstance(start, datetime.datetime) else start
        r["week"] = week_of(start)
        r["pharmacy_name"] = r["pharmacy_name"] or ""
        r["key"] = f"{r['week']}-{r['trust_id']}-{r['pharmacy_id'] or 0}-{r['care_home_id']}"
        rows.append(r)
    return sorted(rows, key=lambda row: row["key"])
