"""Discharge figures for the dashboard, the weekly gap report and the per-trust monthly report.

    discharge_figures(today=...)                  # the last 4 weeks, a 12-week trend, the impact
    discharge_figures(today=..., trust=trust)     # one trust's (its monthly report)
    estimated_impact(completed=..., readmitted_after_completed=...)

Counts are made in the database; the two timer percentages (acknowledged within 1 working day,
stage 1 within 72 opening hours) are worked out from each follow-up's stored times with the same
functions as the timers, over the window's rows only (one query).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from discharge import timers
from discharge.models import CloseReason, DischargeFollowUp, PharmacyOpeningHours
from discharge.outbreaks import count_into_outbreak
from discharge.states import OPEN_STATES, State

WINDOW_DAYS = 28
TREND_WEEKS = 12
SOURCES = {
    "impact": "NHS England North East and Yorkshire, “Boosting Discharge Medicines Service referrals "
    "through simple tech”: about one readmission avoided per 10 completed follow-ups (1 in 10 to 1 in 23); "
    "a readmission lasts 13.1 days without a completed follow-up and 7.2 days with one.",
    "cost": "UK Parliament written answer 165361 (2022/23 reference costs): £345 a standard bed day, "
    "£901 a non-elective bed day.",
}


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _pct(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Impact:
    completed: int
    readmitted_after_completed: int
    avoided_low: float
    avoided: float
    bed_days_low: float
    bed_days: float
    cost_standard_low: int
    cost_standard: int
    cost_non_elective_low: int
    cost_non_elective: int
    per_avoided: float
    per_avoided_low: float
    stay_days: float
    stay_saved_days: float
    cost_standard_day: int
    cost_non_elective_day: int


def estimated_impact(*, completed, readmitted_after_completed=0) -> Impact:
    """Readmissions avoided and bed days saved by completed follow-ups, with the range, from settings.

    avoided = completed / 10 (low: / 23); bed days = avoided × 13.1 + readmissions that still happened
    after a completed follow-up × (13.1 − 7.2); cost = bed days × £345 (standard) or £901 (non-elective).
    """
    config = settings.DISCHARGE
    per, per_low = (
        config["FOLLOW_UPS_PER_READMISSION_AVOIDED"],
        config["FOLLOW_UPS_PER_READMISSION_AVOIDED_LOW"],
    )
    stay = config["READMISSION_STAY_DAYS"]
    saved_per_readmission = round(stay - config["READMISSION_STAY_DAYS_AFTER_FOLLOW_UP"], 1)
    avoided, avoided_low = completed / per, completed / per_low
    shorter = readmitted_after_completed * saved_per_readmission
    bed_days, bed_days_low = avoided * stay + shorter, avoided_low * stay + shorter
    standard, non_elective = config["BED_DAY_COST_STANDARD"], config["BED_DAY_COST_NON_ELECTIVE"]
    return Impact(
        completed=completed,
        readmitted_after_completed=readmitted_after_completed,
        avoided_low=round(avoided_low, 1),
        avoided=round(avoided, 1),
        bed_days_low=round(bed_days_low, 1),
        bed_days=round(bed_days, 1),
        cost_standard_low=round(bed_days_low * standard),
        cost_standard=round(bed_days * standard),
        cost_non_elective_low=round(bed_days_low * non_elective),
        cost_non_elective=round(bed_days * non_elective),
        per_avoided=per,
        per_avoided_low=per_low,
        stay_days=stay,
        stay_saved_days=saved_per_readmission,
        cost_standard_day=standard,
        cost_non_elective_day=non_elective,
    )


def _timer_percentages(rows, schedules, now):
    """(% acknowledged within 1 working day, % stage 1 within 72 opening hours) over the rows
    whose deadline has passed or that met it already."""
    ack_due = ack_met = stage_due = stage_met = 0
    lost_from = {}
    for routed_at, acknowledged_at, stage1_at, pharmacy_id in rows:
        day = timezone.localtime(routed_at).date()
        if day not in lost_from:
            lost_from[day] = timers.lost_from(routed_at)
        deadline = lost_from[day]
        if acknowledged_at is not None and acknowledged_at < deadline:
            ack_due += 1
            ack_met += 1
        elif deadline <= now:
            ack_due += 1
        schedule = schedules.get(pharmacy_id) or schedules[None]
        due = timers.stage1_due(routed_at, schedule)
        if stage1_at is not None and stage1_at <= due:
            stage_due += 1
            stage_met += 1
        elif due < now:
            stage_due += 1
    return _pct(ack_met, ack_due), _pct(stage_met, stage_due)


def _schedules(pharmacy_ids):
    rows = PharmacyOpeningHours.objects.filter(pharmacy_id__in=pharmacy_ids).values_list(
        "pharmacy_id", "weekday", "opens_at", "closes_at"
    )
    by_pharmacy = {}
    for pharmacy_id, weekday, opens_at, closes_at in rows:
        by_pharmacy.setdefault(pharmacy_id, []).append((weekday, opens_at, closes_at))
    schedules = {pk: timers.schedule_from_rows(r) for pk, r in by_pharmacy.items()}
    schedules[None] = timers.default_schedule()
    return schedules


def discharge_figures(*, today=None, since=None, trust=None, follow_ups=None):
    """The Discharges figures for the 4 weeks to `today` (inclusive; or from `since`), the 12-week
    trend and the estimated impact."""
    today = today or timezone.localdate()
    now = min(timezone.now(), _midnight(today + datetime.timedelta(days=1)))
    end = _midnight(today + datetime.timedelta(days=1))
    start = _midnight(since or today - datetime.timedelta(days=WINDOW_DAYS - 1))
    base = DischargeFollowUp.objects.all() if follow_ups is None else follow_ups
    if trust is not None:
        base = base.filter(trust=trust)
    window = base.filter(received_at__gte=start, received_at__lt=end)
    not_duplicate = ~Q(state=State.DUPLICATE)
    counts = window.aggregate(
        received=Count("pk"),
        referrals=Count("pk", filter=not_duplicate),
        misrouted=Count("pk", filter=Q(misrouted_from__isnull=False)),
        duplicates=Count("pk", filter=Q(state=State.DUPLICATE)),
        completed=Count("pk", filter=Q(state=State.CLOSED_COMPLETE)),
        partial=Count("pk", filter=Q(state=State.CLOSED_PARTIAL)),
        readmitted_after_completed=Count("pk", filter=Q(state=State.CLOSED_COMPLETE, readmitted="yes")),
        **{
            f"partial_{reason}": Count("pk", filter=Q(state=State.CLOSED_PARTIAL, close_reason=reason))
            for reason in CloseReason.values
        },
    )
    # Completed within 14 days: the 4 weeks of referrals that have all had their 14 days.
    cohort_end = end - datetime.timedelta(days=settings.DISCHARGE["STALLED_DAYS"])
    cohort = base.filter(received_at__gte=cohort_end - (end - start), received_at__lt=cohort_end)
    cohort = cohort.exclude(state=State.DUPLICATE).aggregate(
        all=Count("pk"),
        in_time=Count(
            "pk",
            filter=Q(
                state=State.CLOSED_COMPLETE, closed_at__lte=F("received_at") + datetime.timedelta(days=14)
            ),
        ),
    )
    open_over_7 = base.filter(
        state__in=list(OPEN_STATES), received_at__lt=now - datetime.timedelta(days=7)
    ).count()
    # 30-day readmissions: the 12 weeks of closed follow-ups with a reported answer.
    twelve = base.filter(received_at__gte=end - datetime.timedelta(weeks=TREND_WEEKS), received_at__lt=end)
    readmissions = twelve.aggregate(
        complete_yes=Count("pk", filter=Q(state=State.CLOSED_COMPLETE, readmitted="yes")),
        complete_answered=Count("pk", filter=Q(state=State.CLOSED_COMPLETE, readmitted__in=["yes", "no"])),
        other_yes=Count("pk", filter=Q(state=State.CLOSED_PARTIAL, readmitted="yes")),
        other_answered=Count("pk", filter=Q(state=State.CLOSED_PARTIAL, readmitted__in=["yes", "no"])),
    )
    rows = list(
        window.filter(not_duplicate).values_list("routed_at", "acknowledged_at", "stage1_at", "pharmacy_id")
    )
    pct_ack, pct_stage1 = _timer_percentages(rows, _schedules({r[3] for r in rows}), now)
    trend = list(
        twelve.filter(not_duplicate)
        .annotate(week_start=TruncWeek("received_at"))
        .values("week_start")
        .annotate(received=Count("pk"), completed=Count("pk", filter=Q(state=State.CLOSED_COMPLETE)))
        .order_by("week_start")
    )
    referrals = counts["referrals"]
    return {
        "start": start.date(),
        "end": today,
        "received": counts["received"],
        "referrals": referrals,
        "pct_acknowledged_1wd": pct_ack,
        "pct_stage1_72h": pct_stage1,
        "pct_completed_14d": _pct(cohort["in_time"], cohort["all"]),
        "completed_cohort": cohort["all"],
        "open_over_7_days": open_over_7,
        "pct_lost": None if pct_ack is None else 100 - pct_ack,
        "misrouted": counts["misrouted"],
        "pct_misrouted": _pct(counts["misrouted"], counts["received"]),
        "duplicates": counts["duplicates"],
        "pct_duplicate": _pct(counts["duplicates"], counts["received"]),
        "completed": counts["completed"],
        "readmitted_after_completed": counts["readmitted_after_completed"],
        "partial": counts["partial"],
        "partial_by_reason": {label: counts[f"partial_{value}"] for value, label in CloseReason.choices},
        # In outbreak on the discharge date (from the outbreak history), not the home's status now.
        "into_outbreak": count_into_outbreak(window.filter(not_duplicate)),
        "readmission_pct_completed": _pct(readmissions["complete_yes"], readmissions["complete_answered"]),
        "readmission_pct_not_completed": _pct(readmissions["other_yes"], readmissions["other_answered"]),
        "readmissions": readmissions,
        "trend": [
            {
                "week": f"{w['week_start'].isocalendar().year}-W{w['week_start'].isocalendar().week:02d}",
                "received": w["received"],
                "completed": w["completed"],
            }
            for w in trend
        ],
        "impact": estimated_impact(
            completed=counts["completed"], readmitted_after_completed=counts["readmitted_after_completed"]
        ),
        "sources": SOURCES,
    }


def weekly_rows(*, monday, as_of):
    """The weekly gap report's discharge section: [label, value] rows for the week (true counts)."""
    f = discharge_figures(today=as_of, since=monday)

    def pct(value):
        return "–" if value is None else f"{value}%"

    return [
        ["Referrals received", str(f["referrals"])],
        ["Acknowledged within 1 working day", pct(f["pct_acknowledged_1wd"])],
        ["Stage 1 within 72 opening hours", pct(f["pct_stage1_72h"])],
        ["Completed", str(f["completed"])],
        ["Closed partly completed", str(f["partial"])],
        ["Open for more than 7 days (at the end of the week)", str(f["open_over_7_days"])],
        ["Misrouted (redirected)", str(f["misrouted"])],
        ["Duplicates (merged)", str(f["duplicates"])],
        ["Discharges into homes in outbreak", str(f["into_outbreak"])],
    ]
