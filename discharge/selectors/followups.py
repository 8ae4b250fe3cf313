"""Reads for the follow-up pages: the list worst first, its filters, one follow-up with its timeline,
what the project manager and the dashboard count, the monthly report's trusts and months."""

import datetime

from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone

from config.querysets import filter_given
from discharge import day_counts, timers
from discharge.models import FINISHED_STATE_VALUES, DischargeFollowUp
from discharge.selectors.scope import current_cutoffs, referring_trust_ids, visible_followups
from discharge.states import CLOSED_STATES, OPEN_STATES, State
from organisations.access import (
    is_leadership,
    organisation_ids_for,
)
from organisations.models import Organisation

TIMER_FILTERS = {
    "lost": "Lost (not acknowledged in 1 working day)",
    "overdue": "Overdue (stage 1 not done in 72 opening hours)",
    "stalled": "Stalled (open more than 14 days)",
    "open": "Open",
    "onward": "Onward referral for a medication review, not yet done",
}


def _urgency(c):
    return Case(
        When(timers.lost_q(c), then=Value(0)),
        When(timers.overdue_q(c), then=Value(1)),
        When(timers.stalled_q(c), then=Value(2)),
        When(state__in=list(OPEN_STATES), then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def week_bounds(week):
    """'2026-W48' -> (Monday 00:00, next Monday 00:00) in local time."""
    year, number = week.split("-W")
    monday = datetime.date.fromisocalendar(int(year), int(number), 1)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=7)


def followup_list(
    *,
    user,
    trust=None,
    pharmacy=None,
    pcn=None,
    care_home=None,
    state="",
    week="",
    now=None,
):
    """Follow-ups the user may see, worst first (lost, overdue, stalled, open, closed), annotated
    with is_lost / is_overdue / is_stalled. Filters: trust, pharmacy, PCN, home (ids), state (a
    State or one of TIMER_FILTERS), week (ISO week of receipt)."""
    c = current_cutoffs(now)
    queryset = filter_given(
        visible_followups(user), trust_id=trust, pharmacy_id=pharmacy, pcn_id=pcn, care_home_id=care_home
    )
    if state in State.values:
        queryset = queryset.filter(state=state)
    elif state == "lost":
        queryset = queryset.filter(timers.lost_q(c))
    elif state == "overdue":
        queryset = queryset.filter(timers.overdue_q(c))
    elif state == "stalled":
        queryset = queryset.filter(timers.stalled_q(c))
    elif state == "open":
        queryset = queryset.filter(state__in=list(OPEN_STATES))
    elif state == "onward":
        queryset = queryset.filter(onward_referral=True, onward_closed_at__isnull=True)
    if week:
        start, end = week_bounds(week)
        queryset = queryset.filter(received_at__gte=start, received_at__lt=end)
    queryset = timers.with_timers(queryset, c).select_related("trust", "pharmacy", "care_home", "pcn")
    return WorstFirst(
        queryset.filter(state__in=list(OPEN_STATES))
        .annotate(urgency=_urgency(c))
        .order_by("urgency", "routed_at", "pk"),
        queryset.filter(state__in=FINISHED_STATE_VALUES).order_by("routed_at", "pk"),
        closed_count=_kept_finished_count(user, trust, pharmacy, pcn, care_home, state, week),
    )


def _kept_finished_count(user, trust, pharmacy, pcn, care_home, state, week):
    """How many closed follow-ups the list holds, from the kept daily counts when nothing narrows it
    but a closed state and the week (every other narrowing is an indexed set of a few thousand at
    most, counted as it is); None: count the follow-ups."""
    if not is_leadership(user) or any((trust, pharmacy, pcn, care_home)):
        return None
    if state and state not in FINISHED_STATE_VALUES:
        return None
    if week:
        start, end = week_bounds(week)
        return lambda: day_counts.finished_count(
            state=state, received_from=start.date(), received_before=end.date()
        )
    return lambda: day_counts.finished_count(state=state)


class WorstFirst:
    """The open follow-ups worst first, then the closed ones: a sequence a Paginator can page.

    Only the open ones (a few thousand nationally) are sorted by urgency, which depends on the time
    of asking; the closed ones (nearly all of them) come by the partial index of their routing
    time, so a page costs the same at page 1 or page 8,000."""

    def __init__(self, open_ones, closed_ones, *, closed_count=None):
        self.open_ones, self.closed_ones = open_ones, closed_ones
        self._open_count = None
        # How many closed ones there are without counting them (the kept daily counts), when known.
        self._closed_count = closed_count or closed_ones.count

    def _opened(self):
        if self._open_count is None:
            self._open_count = self.open_ones.count()
        return self._open_count

    def count(self):
        return self._opened() + self._closed_count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        opened = self._opened()
        # The page's open ones are picked by urgency from the follow-ups alone, then read with their
        # trust, pharmacy, home and PCN: joining first would join every open one before sorting.
        page = self.open_ones.values("pk")[start:stop]
        rows = list(self.open_ones.filter(pk__in=page)) if start < opened else []
        if stop is None or stop > opened:
            rows += list(self.closed_ones[max(0, start - opened) : None if stop is None else stop - opened])
        return rows


def followup_filter_choices(user):
    """(trusts, pharmacies, PCNs) for the filters, from what the user may see: querysets of (id, name)
    rows by name, read by the form for at most a select's worth (a country's pharmacies and PCNs
    become a box that takes the name typed)."""
    visible = visible_followups(user)
    if is_leadership(user):
        trusts = Organisation.objects.filter(pk__in=referring_trust_ids())
        pharmacies = Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_PHARMACY)
        pcns = Organisation.objects.filter(kind=Organisation.Kind.PCN)
    else:
        trusts = Organisation.objects.filter(pk__in=visible.values("trust_id"))
        pharmacies = Organisation.objects.filter(pk__in=visible.values("pharmacy_id"))
        pcns = Organisation.objects.filter(pk__in=visible.values("pcn_id"))
    as_rows = lambda qs: qs.order_by("name").values_list("pk", "name")  # noqa: E731
    return as_rows(trusts), as_rows(pharmacies), as_rows(pcns)


def followup_detail(*, pk, now=None):
    """One follow-up with its timers and what decides them. Raises DoesNotExist."""
    c = current_cutoffs(now)
    return (
        timers.with_timers(DischargeFollowUp.objects.all(), c)
        .select_related(
            "trust", "pharmacy", "care_home", "pcn", "misrouted_from", "duplicate_of", "onward_visit"
        )
        .get(pk=pk)
    )


def followup_timeline(follow_up):
    """Its history, oldest first: when, who, what (the change reason), for the timeline."""
    return [
        {"at": h.history_date, "who": h.history_user, "what": h.history_change_reason or "Changed"}
        for h in follow_up.history.select_related("history_user").order_by("history_date", "history_id")
    ]


def followup_duplicates(follow_up):
    return list(follow_up.duplicates.order_by("pk"))


def redirect_choices():
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_PHARMACY)
        .order_by("name")
        .values_list("pk", "name")
    )


def merge_candidates(follow_up):
    """Other open follow-ups from the same trust for the same home: the ones it could duplicate."""
    return list(
        DischargeFollowUp.objects.filter(
            trust_id=follow_up.trust_id,
            care_home_id=follow_up.care_home_id,
            state__in=list(OPEN_STATES | CLOSED_STATES),
        )
        .exclude(pk=follow_up.pk)
        .order_by("-received_at")[:20]
    )


def trusts_for(user):
    """The trusts a person may record for: the project manager any trust, a trust team its own."""
    if is_leadership(user):
        return Organisation.objects.filter(
            kind__in=[
                Organisation.Kind.ACUTE_TRUST,
                Organisation.Kind.MENTAL_HEALTH_TRUST,
                Organisation.Kind.COMMUNITY_TRUST,
            ]
        ).order_by("name")
    return Organisation.objects.filter(pk__in=organisation_ids_for(user)).order_by("name")


def followup_of_trust(*, pk, trust):
    return DischargeFollowUp.objects.filter(pk=pk, trust=trust).first()


def organisation(*, pk):
    return Organisation.objects.get(pk=pk)


def stage1_due(follow_up, schedule):
    return timers.stage1_due(follow_up.routed_at, schedule)


def lost_from(follow_up):
    return timers.lost_from(follow_up.routed_at)


def late_counts(*, now=None):
    """Lost and overdue follow-ups citywide (for the project manager's "what needs you now"). Only
    open ones can be late: read those (a few thousand) through the open-state index."""
    c = current_cutoffs(now)
    return DischargeFollowUp.objects.filter(state__in=list(OPEN_STATES)).aggregate(
        lost=Count("pk", filter=timers.lost_q(c)), overdue=Count("pk", filter=timers.overdue_q(c))
    )


def needs_me_now(*, user, now=None):
    """Lost, overdue and stalled counts among the follow-ups the user may see, and their open onward
    referrals (two queries, each through its partial index: open follow-ups, open onward referrals;
    one query with an OR of the two reads every follow-up)."""
    c = current_cutoffs(now)
    visible = visible_followups(user)
    counts = visible.filter(state__in=list(OPEN_STATES)).aggregate(
        lost=Count("pk", filter=timers.lost_q(c)),
        overdue=Count("pk", filter=timers.overdue_q(c)),
        stalled=Count("pk", filter=timers.stalled_q(c)),
    )
    counts["onward"] = visible.filter(onward_referral=True, onward_closed_at__isnull=True).count()
    return counts


def reporting_trusts(user):
    """Trusts whose monthly report the user may read: PM/SLT every trust that has referred; a trust
    team its own."""
    trusts = Organisation.objects.filter(pk__in=referring_trust_ids())
    if not is_leadership(user):
        trusts = Organisation.objects.filter(pk__in=organisation_ids_for(user))
    return list(trusts.order_by("name"))


def report_months(count=12, today=None):
    """The last `count` calendar months as "yyyy-mm", this one first."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
