"""Where the read API's computed and aggregate resources come from: current gaps, weekly gap reports
and discharge follow-ups counted by week, trust, pharmacy and home.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from actionplan.models import GapReport, Rag
from actionplan.report_terms import parse_week, week_of
from api.rows import in_home_area, updated
from api.schemas import BadQuery
from carehomes import gaps as gap_rules
from dashboard.selectors import Filters, filtered_homes, filtered_pcns

# gaps --------------------------------------------------------------------------------------
#
# Gaps are served rule by rule in a fixed order (the care-home rules, the PCN rule, then the rules
# other apps register), each rule's gaps by care home id, PCN id and organisation id, and read from
# the database a chunk at a time from the cursor on: a page reads about what it shows, never every
# gap. (A registered source, e.g. discharge, is collected whole when the paging reaches it.)

GAP_CHUNK = 500
DISCHARGE_WINDOW_WEEKS = 4


def gap_key(gap):
    """Stable key: rule, care home id, PCN id; a gap about another organisation adds its id."""
    key = f"{gap.rule.code}-{gap.care_home_id or 0}-{gap.pcn_id or 0}"
    if not gap.care_home_id and not gap.pcn_id and gap.organisation_ids:
        key += f"-{gap.organisation_ids[0]}"
    return key


def _rule_order():
    codes = [rule.code for rule in gap_rules.CARE_HOME_RULES] + [gap_rules.PCN_NO_HOURS.code]
    for source in gap_rules.GAP_SOURCES:
        codes += [rule.code for rule in source.rules if rule.code not in codes]
    return {code: index for index, code in enumerate(codes)}


def _position(key, order):
    """Where a key sorts: (rule's place, home id, PCN id, organisation id); None for a foreign key."""
    rule, *ids = key.split("-")
    if rule not in order or not 2 <= len(ids) <= 3 or not all(i.isdecimal() and len(i) < 19 for i in ids):
        return None
    return (order[rule], *(int(i) for i in ids), *([0] * (3 - len(ids))))


def gap_cursor_position(key):
    position = _position(key, _rule_order())
    if position is None:
        raise BadQuery("That cursor is not one this API gave out: start again without it.")
    return position


def _gap_row(gap):
    return {
        "key": gap_key(gap),
        "rule": gap.rule.code,
        "rule_label": gap.rule.name,
        "severity": gap.rule.severity,
        "reason": gap.reason,
        "care_home_id": gap.care_home_id,
        "care_home_name": gap.care_home_name,
        "pcn_id": gap.pcn_id,
        "pcn_name": gap.pcn_name,
        "locality": gap.locality or "",
    }


def _home_gaps(homes, rule, after_home, today, chunk):
    """One care-home rule's gaps, by home id, after `after_home`: a chunk of homes at a time."""
    flagged = gap_rules.with_gap_facts(homes, today=today).filter(**{f"gap_{rule.code}": True})
    last = after_home
    while True:
        found = list(flagged.filter(pk__gt=last).select_related("pcn").order_by("pk")[:chunk])
        for home in found:
            for gap in gap_rules.gaps_for_home(home, today=today):
                if gap.rule is rule:
                    gap.pcn_name = home.pcn.name if home.pcn else ""
                    yield gap
        if len(found) < chunk:
            return
        last = found[-1].pk


def _pcn_gaps(pcns, after_pcn, chunk):
    last = after_pcn
    while True:
        found = list(gap_rules.pcns_with_gaps(pcns).filter(pk__gt=last).order_by("pk")[:chunk])
        yield from (gap_rules.pcn_gap(pcn) for pcn in found)
        if len(found) < chunk:
            return
        last = found[-1].pk


def gap_rows(user, query, after=None, chunk=GAP_CHUNK):
    """Current gaps in key order from the key `after` on (the gap list's rules and filters)."""
    filters = Filters(locality=query.locality or "", pcn_id=query.pcn, organisation_id=query.organisation)
    today = timezone.localdate()
    order = _rule_order()
    start = gap_cursor_position(after) if after else (-1, 0, 0, 0)
    homes = filtered_homes(filters, today=today)
    for rule in gap_rules.CARE_HOME_RULES:
        if order[rule.code] >= start[0]:
            skip = start[1] if order[rule.code] == start[0] else 0
            yield from map(_gap_row, _home_gaps(homes, rule, skip, today, chunk))
    if order[gap_rules.PCN_NO_HOURS.code] >= start[0]:
        skip = start[2] if order[gap_rules.PCN_NO_HOURS.code] == start[0] else 0
        yield from map(_gap_row, _pcn_gaps(filtered_pcns(filters), skip, chunk))
    for source in gap_rules.GAP_SOURCES:
        codes = {rule.code for rule in source.rules}
        if max(order[c] for c in codes) < start[0]:
            continue
        found = [
            (position, gap)
            for gap in source.collect(homes=homes, today=today)
            if (position := _position(gap_key(gap), order)) is not None and position > start
        ]
        yield from (_gap_row(gap) for _, gap in sorted(found, key=lambda pair: pair[0]))


def gap_report_rows(user, query):
    qs = GapReport.objects.filter(is_current=True)
    if query.week:
        query.week_range()  # refuses a week that does not exist
        qs = qs.filter(week=query.week)
    return (
        updated(qs, query, "generated_at")
        .order_by("pk")
        .values("id", "week", "version", "generated_at", "headlines")
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


def _discharge_position(key):
    """(Monday of the week, trust id, pharmacy id or 0, care home id) of a row's key."""
    try:
        week, *ids = key.rsplit("-", 3)
        monday, _ = parse_week(week)
        if len(ids) != 3 or not all(i.isdecimal() and len(i) < 19 for i in ids):
            raise ValueError
    except (ValueError, ValidationError):
        raise BadQuery("That cursor is not one this API gave out: start again without it.") from None
    return (monday, *(int(i) for i in ids))


def discharge_rows(user, query, after=None, chunk=1000):
    """Follow-ups the person may see on the discharge pages, counted by week, trust, pharmacy and home,
    in that order from the key `after` on: the database groups and pages them (keyset on the group),
    `chunk` groups a query. No references, no free text: only counts."""
    from discharge.selectors import visible_followups
    from discharge.states import CLOSED_STATES, State

    qs = in_home_area(visible_followups(user).exclude(state=State.DUPLICATE), query)
    if query.organisation:
        qs = qs.filter(Q(trust_id=query.organisation) | Q(pharmacy_id=query.organisation))
    week = query.week_range()
    if week:
        qs = qs.filter(discharged_on__range=week)
    issues = Q(issue_gp_mismatch=True) | Q(issue_stopped_in_packs=True) | Q(issue_mar_not_updated=True)
    issues |= Q(issue_not_sent=True) | Q(issue_other=True)
    position = _discharge_position(after) if after else None
    span = qs.aggregate(first=Min("discharged_on"), last=Max("discharged_on"))
    if span["first"] is None:
        return
    qs = qs.annotate(week_start=TruncWeek("discharged_on"), pharmacy_key=Coalesce("pharmacy_id", 0))
    order = ("week_start", "trust_id", "pharmacy_key", "care_home_id")
    # Weeks DISCHARGE_WINDOW_WEEKS at a time from the cursor's (or the first) week: each query
    # groups one window's follow-ups, not every later one.
    window = (position[0] if position else span["first"]) - datetime.timedelta(
        days=(position[0] if position else span["first"]).weekday()
    )
    while window <= span["last"]:
        window_end = window + datetime.timedelta(weeks=DISCHARGE_WINDOW_WEEKS)
        page = qs.filter(discharged_on__gte=window, discharged_on__lt=window_end)
        if position is not None:
            monday, trust, pharmacy, home = position
            page = page.filter(
                Q(week_start__gt=monday)
                | Q(week_start=monday, trust_id__gt=trust)
                | Q(week_start=monday, trust_id=trust, pharmacy_key__gt=pharmacy)
                | Q(week_start=monday, trust_id=trust, pharmacy_key=pharmacy, care_home_id__gt=home),
            )
        grouped = (
            page.values(*order, "pharmacy_id")
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
            .order_by(*order)[:chunk]
        )
        rows = list(grouped)
        for r in rows:
            start = r.pop("week_start")
            start = start.date() if isinstance(start, datetime.datetime) else start
            position = (start, r["trust_id"], r.pop("pharmacy_key"), r["care_home_id"])
            r["week"] = week_of(start)
            r["pharmacy_name"] = r["pharmacy_name"] or ""
            r["key"] = f"{r['week']}-{r['trust_id']}-{r['pharmacy_id'] or 0}-{r['care_home_id']}"
            yield r
        if len(rows) < chunk:
            window = window_end
