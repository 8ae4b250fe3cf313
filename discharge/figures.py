"""Discharge figures for the dashboard, the weekly gap report and the per-trust monthly report.

    discharge_figures(today=...)                  # the last 4 weeks, a 12-week trend, the impact
    discharge_figures(today=..., trust=trust)     # one trust's (its monthly report)
    estimated_impact(completed=..., readmitted_after_completed=...)

The citywide figures (the dashboard, the weekly report) are sums of the kept daily counts
(`discharge.day_counts`: a row per day of receipt, state and close reason, kept by every write);
only what depends on the time of asking is read from the follow-ups (deadlines not yet reached,
open over 7 days, discharges into homes in outbreak). One trust's figures (its monthly report) are
counted from its follow-ups in one pass grouped by day of receipt. The two timer percentages
(acknowledged within 1 working day, stage 1 within 72 opening hours) compare each follow-up's
stored times with its deadlines (`lost_at`, `stage1_due_at`, kept by the model whenever it is
routed), so no follow-up is worked through in Python.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from discharge import timers
from discharge.day_counts import day_figures, pending_deadlines
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


def _slow_timer_counts(rows, now):
    """The on-time counts for follow-ups written without their deadlines (a bulk load that bypassed
    the model): worked out here with the same functions. Normally there are none."""
    counts = dict.fromkeys(("ack_due", "ack_met", "stage_due", "stage_met"), 0)
    if not rows:
        return counts
    schedules = _schedules({r[3] for r in rows})
    for routed_at, acknowledged_at, stage1_at, pharmacy_id in rows:
        lost_at, due = timers.deadlines(routed_at, schedules.get(pharmacy_id) or schedules[None])
        met = acknowledged_at is not None and acknowledged_at < lost_at
        counts["ack_met"] += met
        counts["ack_due"] += met or lost_at <= now
        met = stage1_at is not None and stage1_at <= due
        counts["stage_met"] += met
        counts["stage_due"] += met or due < now
    return counts


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


def _daily(base, *, first, end, now):
    """One pass over the follow-ups received from `first` to `end`: every count the figures need,
    per local day of receipt (the window, the 14-day cohort, the 12-week readmissions and the
    trend are then sums of days). Duplicates are counted apart; the rest are "referrals"."""
    real = ~Q(state=State.DUPLICATE)
    complete, partial = Q(state=State.CLOSED_COMPLETE), Q(state=State.CLOSED_PARTIAL)
    ack_met = Q(acknowledged_at__lt=F("lost_at"))
    stage_met = Q(stage1_at__lte=F("stage1_due_at"))
    fourteen = datetime.timedelta(days=settings.DISCHARGE["STALLED_DAYS"])
    counts = {
        "received": Count("pk"),
        "referrals": Count("pk", filter=real),
        "misrouted": Count("pk", filter=Q(misrouted_from__isnull=False)),
        "duplicates": Count("pk", filter=~real),
        "completed": Count("pk", filter=complete),
        "partial": Count("pk", filter=partial),
        "readmitted_after_completed": Count("pk", filter=complete & Q(readmitted="yes")),
        "completed_in_14": Count("pk", filter=complete & Q(closed_at__lte=F("received_at") + fourteen)),
        "complete_answered": Count("pk", filter=complete & Q(readmitted__in=["yes", "no"])),
        "other_yes": Count("pk", filter=partial & Q(readmitted="yes")),
        "other_answered": Count("pk", filter=partial & Q(readmitted__in=["yes", "no"])),
        "ack_met": Count("pk", filter=real & ack_met),
        "ack_due": Count("pk", filter=real & (ack_met | Q(lost_at__lte=now))),
        "stage_met": Count("pk", filter=real & stage_met),
        "stage_due": Count("pk", filter=real & (stage_met | Q(stage1_due_at__lt=now))),
        **{
            f"partial_{reason}": Count("pk", filter=partial & Q(close_reason=reason))
            for reason in CloseReason.values
        },
    }
    rows = (
        base.filter(received_at__gte=first, received_at__lt=end)
        .annotate(day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**counts)
        .order_by("day")
    )
    return {row["day"]: row for row in rows}


def _sum(days, first, last, keys=None):
    """The counts of the days from `first` to `last` (dates, inclusive) added up."""
    total = {}
    for day, row in days.items():
        if first <= day <= last:
            for key, value in row.items():
                if key != "day" and (keys is None or key in keys):
                    total[key] = total.get(key, 0) + value
    return total


def discharge_figures(*, today=None, since=None, trust=None, follow_ups=None):
    """The Discharges figures for the 4 weeks to `today` (inclusive; or from `since`), the 12-week
    trend and the estimated impact: one pass over 12 weeks of follow-ups, grouped by day."""
    today = today or timezone.localdate()
    now = min(timezone.now(), _midnight(today + datetime.timedelta(days=1)))
    end = _midnight(today + datetime.timedelta(days=1))
    start_day = since or today - datetime.timedelta(days=WINDOW_DAYS - 1)
    start = _midnight(start_day)
    base = DischargeFollowUp.objects.all() if follow_ups is None else follow_ups
    if trust is not None:
        base = base.filter(trust=trust)
    span = (today - start_day).days + 1
    # Completed within 14 days: the same number of days of referrals, each having had its 14 days.
    cohort_last = today - datetime.timedelta(days=settings.DISCHARGE["STALLED_DAYS"])
    cohort_first = cohort_last - datetime.timedelta(days=span - 1)
    twelve_first = today - datetime.timedelta(weeks=TREND_WEEKS) + datetime.timedelta(days=1)
    first_day = min(start_day, cohort_first, twelve_first)
    window = base.filter(received_at__gte=start, received_at__lt=end)
    not_duplicate = ~Q(state=State.DUPLICATE)
    citywide = trust is None and follow_ups is None
    if citywide:
        # The kept daily counts (`discharge.day_counts`), and at the time of asking only the
        # deadlines not yet reached, through their indexes.
        days = day_figures(first_day, today)
        counts = _sum(days, start_day, today)
        pending = pending_deadlines(window.filter(not_duplicate), now)
        counts["ack_due"] = counts.get("ack_timed", 0) - pending["ack"]
        counts["stage_due"] = counts.get("stage_timed", 0) - pending["stage"]
        untimed = counts.get("ack_timed", 0) != counts.get("referrals", 0) or counts.get(
            "stage_timed", 0
        ) != counts.get("referrals", 0)
    else:
        days = _daily(base, first=_midnight(first_day), end=end, now=now)
        counts = _sum(days, start_day, today)
        untimed = True
    counts.setdefault("received", 0)
    missing = (
        list(
            window.filter(not_duplicate)
            .filter(Q(lost_at__isnull=True) | Q(stage1_due_at__isnull=True))
            .values_list("routed_at", "acknowledged_at", "stage1_at", "pharmacy_id")
        )
        if untimed
        else []
    )
    for key, value in _slow_timer_counts(missing, now).items():
        counts[key] = counts.get(key, 0) + value
    pct_ack = _pct(counts["ack_met"], counts["ack_due"])
    pct_stage1 = _pct(counts["stage_met"], counts["stage_due"])
    cohort = _sum(days, cohort_first, cohort_last, keys={"referrals", "completed_in_14"})
    readmissions = _sum(
        days,
        twelve_first,
        today,
        keys={"readmitted_after_completed", "complete_answered", "other_yes", "other_answered"},
    )
    open_over_7 = base.filter(
        state__in=list(OPEN_STATES), received_at__lt=now - datetime.timedelta(days=7)
    ).count()
    weeks = {}
    for day, row in days.items():
        if twelve_first <= day <= today:
            monday = day - datetime.timedelta(days=day.weekday())
            week = weeks.setdefault(monday, {"received": 0, "completed": 0})
            week["received"] += row["referrals"]
            week["completed"] += row["completed"]
    referrals = counts.get("referrals", 0)
    get = counts.get
    return {
        "start": start_day,
        "end": today,
        "received": counts["received"],
        "referrals": referrals,
        "pct_acknowledged_1wd": pct_ack,
        "pct_stage1_72h": pct_stage1,
        "pct_completed_14d": _pct(cohort.get("completed_in_14", 0), cohort.get("referrals", 0)),
        "completed_cohort": cohort.get("referrals", 0),
        "open_over_7_days": open_over_7,
        "pct_lost": None if pct_ack is None else 100 - pct_ack,
        "misrouted": get("misrouted", 0),
        "pct_misrouted": _pct(get("misrouted", 0), counts["received"]),
        "duplicates": get("duplicates", 0),
        "pct_duplicate": _pct(get("duplicates", 0), counts["received"]),
        "completed": get("completed", 0),
        "readmitted_after_completed": get("readmitted_after_completed", 0),
        "partial": get("partial", 0),
        "partial_by_reason": {label: get(f"partial_{value}", 0) for value, label in CloseReason.choices},
        # In outbreak on the discharge date (from the outbreak history), not the home's status now.
        "into_outbreak": count_into_outbreak(window.filter(not_duplicate)),
        "readmission_pct_completed": _pct(
            readmissions.get("readmitted_after_completed", 0), readmissions.get("complete_answered", 0)
        ),
        "readmission_pct_not_completed": _pct(
            readmissions.get("other_yes", 0), readmissions.get("other_answered", 0)
        ),
        "readmissions": {
            "complete_yes": readmissions.get("readmitted_after_completed", 0),
            "complete_answered": readmissions.get("complete_answered", 0),
            "other_yes": readmissions.get("other_yes", 0),
            "other_answered": readmissions.get("other_answered", 0),
        },
        "trend": [
            {
                "week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
                "received": week["received"],
                "completed": week["completed"],
            }
            for monday, week in sorted(weeks.items())
        ],
        "impact": estimated_impact(
            completed=get("completed", 0), readmitted_after_completed=get("readmitted_after_completed", 0)
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
