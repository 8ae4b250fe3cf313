"""The weekly gap report: a frozen snapshot of every gap and headline figure of one ISO week.

    gap_report_generate(week="2026-W48")          # one current report per week, however often asked
    gap_report_generate(week=..., regenerate=True) # an explicit new version; the old one is kept
    gap_report_backfill(weeks=52)                 # history for the demo data (labelled "backfilled")
    latest_headlines()                            # the latest report's headline figures, or None

One current report per week is held by the database (a conditional unique constraint), so two
runs at once, or a Celery retry, leave one report: the loser of the race returns the winner's.
The figures are computed in the database (aggregates and `carehomes.gaps`), never by a loop
over homes issuing queries.
"""

import datetime
import logging
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from actionplan.models import Action, GapReport, Rag
from carehomes import gaps as gap_rules
from carehomes.models import Assignment, CareHome, Visit
from config.presenters import iso_week_label
from organisations.access import SLT, require
from organisations.models import Organisation, Sector, StaffMember
from workstreams.models import SupportRequest

log = logging.getLogger(__name__)

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
TREND_WEEKS = 12

HEADLINE_LABELS = {
    "care_homes": "Care homes",
    "pct_with_lead": "% with a named lead",
    "pct_visited_28d": "% visited in the last 28 days",
    "in_outbreak": "Homes in outbreak",
    "outbreak_not_visited": "In outbreak, not visited since it began",
    "smrs_in_week": "Structured medication reviews in the week",
    "residents_reviewed_in_week": "Residents reviewed in the week",
    "interventions_in_week": "Interventions in the week",
    "open_requests": "Open requests for help",
    "pcns_no_hours": "PCNs with homes and no committed hours",
    "gaps": "Gaps",
}


# ---------------------------------------------------------------------------------------------
# ISO weeks


def week_of(day: datetime.date) -> str:
    """The ISO week of a date: 2026-11-23 -> "2026-W48"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(today: datetime.date | None = None) -> str:
    """The ISO week just ended (the week before `today`'s)."""
    today = today or timezone.localdate()
    return week_of(today - datetime.timedelta(days=7))


def parse_week(week: str) -> tuple[datetime.date, datetime.date]:
    """The Monday and Sunday of an ISO week, or ValidationError for a week that does not exist."""
    match = WEEK_PATTERN.match(week or "")
    message = "Enter an ISO week such as 2026-W48."
    if not match:
        raise ValidationError({"week": message})
    try:
        monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        sunday = monday + datetime.timedelta(days=6)  # OverflowError for 9999-W52, which ends in 10000
    except (ValueError, OverflowError):
        raise ValidationError({"week": f"{week} is not a week of that year. {message}"}) from None
    return monday, sunday


def week_title(week: str) -> str:
    """'23 to 29 November 2026 (week 48)': the dates people know, then the week number."""
    parse_week(week)  # refuses a week that does not exist
    return iso_week_label(week)


# ---------------------------------------------------------------------------------------------
# Figures (shared with the live dashboard)


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def _number(value):
    """Decimal hours -> float for JSON; whole numbers stay whole."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(round(value, 1))


def headline_figures(*, homes=None, pcns=None, as_of=None, week_range=None, gaps=None):
    """The headline figures for a set of care homes, as of a date, in a fixed number of queries.

    `week_range` (monday, sunday) gives the activity counted "in the week" (SMRs, residents
    reviewed, interventions); without it, the 7 days ending on `as_of`. `gaps`, the gap list of
    the same homes already computed, saves counting the gaps again.
    """
    as_of = as_of or timezone.localdate()
    homes = CareHome.objects.all() if homes is None else homes
    pcns = Organisation.objects.filter(kind=Organisation.Kind.PCN) if pcns is None else pcns
    starts, ends = week_range or (as_of - datetime.timedelta(days=6), as_of)

    if gaps is None:
        counts = gap_rules.gap_counts(homes=homes, today=as_of)
    else:
        counts = {"homes": homes.count()} | {r.code: 0 for r in gap_rules.CARE_HOME_RULES}
        for gap in gaps:
            code = gap["rule"] if isinstance(gap, dict) else gap.rule.code
            if code in counts:
                counts[code] += 1
    care_homes = counts["homes"]
    in_outbreak = (
        homes.exclude(outbreak_status=CareHome.Outbreak.NONE).filter(outbreak_started_on__lte=as_of).count()
    )
    week_visits = Visit.objects.filter(care_home__in=homes.values("pk"), visited_on__range=(starts, ends))
    activity = week_visits.aggregate(
        smrs=Count("pk", filter=Q(activity_smr=True)),
        residents=Sum("residents_reviewed"),
        **{f"i_{code}": Sum(f"interventions_{code}") for code in Visit.INTERVENTIONS},
    )
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
        "interventions_in_week": sum(activity[f"i_{code}"] or 0 for code in Visit.INTERVENTIONS),
        "open_requests": open_requests,
        "pcns_no_hours": pcns_no_hours,
        "gaps": home_gaps + pcns_no_hours,
        "gaps_by_rule": {r.code: counts[r.code] for r in gap_rules.CARE_HOME_RULES}
        | {gap_rules.PCN_NO_HOURS.code: pcns_no_hours},
        "rag": rag,
    }


def hours_by(*, as_of=None, homes=None, organisations=None):
    """Hours available (active staff) and assigned (current assignments), by organisation and by
    sector. Two grouped queries; `homes` narrows assigned hours to those homes, `organisations`
    narrows both to those employers."""
    as_of = as_of or timezone.localdate()
    staff = StaffMember.objects.filter(is_active=True)
    assignments = Assignment.objects.current(as_of)
    if homes is not None:
        assignments = assignments.filter(care_home__in=homes.values("pk"))
        # Only the employers that work in these homes, so a locality's table is about it.
        staff = staff.filter(
            organisation__in=StaffMember.objects.filter(
                Exists(assignments.filter(staff=OuterRef("pk")))
            ).values("organisation")
        )
    if organisations is not None:
        staff = staff.filter(organisation__in=organisations)
        assignments = assignments.filter(staff__organisation__in=organisations)
    available = staff.values("organisation", "organisation__name", "organisation__sector").annotate(
        hours=Sum("hours_per_week")
    )
    assigned = assignments.values(
        "staff__organisation", "staff__organisation__name", "staff__organisation__sector"
    )
    assigned = assigned.annotate(hours=Sum("hours_per_week"))
    rows = {}
    for row in available.order_by():
        rows[row["organisation"]] = {
            "organisation_id": row["organisation"],
            "name": row["organisation__name"],
            "sector": row["organisation__sector"],
            "available": row["hours"] or Decimal(0),
            "assigned": Decimal(0),
        }
    for row in assigned.order_by():
        entry = rows.setdefault(
            row["staff__organisation"],
            {
                "organisation_id": row["staff__organisation"],
                "name": row["staff__organisation__name"],
                "sector": row["staff__organisation__sector"],
                "available": Decimal(0),
                "assigned": Decimal(0),
            },
        )
        entry["assigned"] = row["hours"] or Decimal(0)
    sector_names = dict(Sector.choices)
    by_sector = {}
    for entry in rows.values():
        sector = by_sector.setdefault(
            entry["sector"],
            {
                "sector": entry["sector"],
                "name": sector_names.get(entry["sector"], entry["sector"]),
                "available": Decimal(0),
                "assigned": Decimal(0),
            },
        )
        sector["available"] += entry["available"]
        sector["assigned"] += entry["assigned"]

    def plain(entry):
        return entry | {"available": _number(entry["available"]), "assigned": _number(entry["assigned"])}

    return {
        "by_organisation": [plain(e) for e in sorted(rows.values(), key=lambda e: e["name"])],
        "by_sector": [plain(e) for e in sorted(by_sector.values(), key=lambda e: e["name"])],
    }


def _gap_key(gap):
    return f"{gap['rule']}:{gap.get('care_home_id') or ''}:{gap.get('pcn_id') or ''}"


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
        .values_list("week", "data__headlines")[: TREND_WEEKS - 1]
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
    }


# ---------------------------------------------------------------------------------------------
# Making reports


def gap_report_generate(
    *, week, by=None, regenerate=False, requested_at=None, as_of=None, backfilled=False, notify=True
):
    """Make the report of an ISO week, or return the one that exists.

    Idempotent: with a current report for the week and no `regenerate`, that report is returned
    untouched. `regenerate=True` is the explicit choice to make a new version: the earlier one
    is kept (is_current=False). Concurrent runs for one week leave one report, because the
    database allows one current report per week; the loser returns the winner's report.
    `by` is the acting user (None for the scheduler and the command line).
    `requested_at` makes a regeneration safe to retry: a current report made at or after that
    moment already answers the request, so no further version is made.
    When a report is newly made, the SLT members are emailed its PDF once the transaction commits.
    """
    if by is not None:
        require(by, "actionplan.add_gapreport")
    parse_week(week)
    existing = GapReport.objects.filter(week=week, is_current=True).first()
    if existing is not None and regenerate and requested_at is not None:
        regenerate = existing.generated_at < requested_at
    if existing is not None and not regenerate:
        return existing
    data = compute_report_data(week, as_of=as_of, backfilled=backfilled)
    try:
        with transaction.atomic():
            if regenerate:
                versions = list(GapReport.objects.select_for_update().filter(week=week).order_by("version"))
                GapReport.objects.filter(week=week, is_current=True).update(is_current=False)
                version = (versions[-1].version if versions else 0) + 1
            else:
                version = (GapReport.objects.filter(week=week).aggregate(v=Max("version"))["v"] or 0) + 1
            report = GapReport(
                week=week,
                version=version,
                is_current=True,
                generated_at=timezone.now(),
                generated_by=by,
                data=data,
            )
            report.full_clean()
            report.save()
            if notify:
                transaction.on_commit(lambda: gap_report_email(report_id=report.pk))
    except (IntegrityError, ValidationError) as error:
        # Another run made this week's report first: that one stands.
        winner = GapReport.objects.filter(week=week, is_current=True).first()
        if winner is None:
            raise
        log.info("gap report %s already made by another run (%s)", week, error.__class__.__name__)
        return winner
    log.info("gap report %s version %s made", week, report.version)
    return report


def gap_report_backfill(*, weeks=52, today=None):
    """Reports for the `weeks` weeks before this one that have none, oldest first, for the demo.

    Each is computed as of its week's last day and labelled "backfilled"; no email is sent.
    """
    today = today or timezone.localdate()
    made = []
    for n in range(weeks, 0, -1):
        week = week_of(today - datetime.timedelta(days=7 * n))
        if GapReport.objects.filter(week=week, is_current=True).exists():
            continue
        _, sunday = parse_week(week)
        made.append(gap_report_generate(week=week, as_of=sunday, backfilled=True, notify=False))
    return made


def slt_recipients():
    """Email addresses of the active SLT members."""
    users = get_user_model().objects.filter(groups__name=SLT, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def gap_report_email(*, report_id):
    """Email a newly made report's PDF to the SLT members. A mail failure is logged, not raised:
    the report stands, and is on the hub for anyone who missed the email."""
    from actionplan.report_documents import report_pdf

    report = GapReport.objects.get(pk=report_id)
    recipients = slt_recipients()
    if not recipients:
        return 0
    headlines = report.data.get("headlines", {})
    body = "\n".join(
        [
            f"The weekly gap report for {week_title(report.week)} is ready.",
            "",
            *(
                f"{label}: {headlines[key]}"
                for key, label in HEADLINE_LABELS.items()
                if key in headlines and not isinstance(headlines[key], dict)
            ),
            "",
            "The full report is attached as a PDF, and is on the hub under Reports.",
        ]
    )
    message = EmailMessage(
        subject=f"Weekly gap report {report.week}",
        body=body,
        to=[],
        bcc=recipients,
    )
    try:
        message.attach(f"gap-report-{report.week}.pdf", report_pdf(report), "application/pdf")
        return message.send()
    except Exception:
        log.exception("could not email gap report %s", report.week)
        return 0


def latest_headlines():
    """The latest current report's headline figures, or None when there is no report yet."""
    row = (
        GapReport.objects.filter(is_current=True)
        .order_by("-week")
        .values_list("data__headlines", flat=True)
        .first()
    )
    return row or None


def trend_points(limit=52):
    """Key figures of the last `limit` current reports, oldest first, without loading their gaps."""
    rows = (
        GapReport.objects.filter(is_current=True)
        .order_by("-week")
        .values_list("week", "data__headlines", "data__backfilled")[:limit]
    )
    return [
        {
            "week": week,
            "pct_with_lead": (h or {}).get("pct_with_lead"),
            "pct_visited_28d": (h or {}).get("pct_visited_28d"),
            "gaps": (h or {}).get("gaps"),
            "in_outbreak": (h or {}).get("in_outbreak"),
            "backfilled": bool(backfilled),
        }
        for week, h, backfilled in reversed(list(rows))
    ]
