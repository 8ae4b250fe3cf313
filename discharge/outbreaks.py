"""Which care homes were in an outbreak on a given day, from the outbreak history the hub keeps.

A home's outbreak is set (suspected or confirmed, from a start date) and later cleared through
`carehomes.services.carehome_outbreak_update`, and every change is a row of the home's history.
An outbreak period runs from its start date to the day it was cleared (that day included: the
home was in outbreak for part of it), or is still open. Homes loaded in bulk with an outbreak
and no history rows have one open period from their current start date.

    periods = outbreak_periods()            # {care_home_id: [(start, end or None), ...]}
    in_outbreak_on(periods, home_id, day)   # True / False

Two queries whatever the number of homes: the history rows of homes that were ever in outbreak,
and the homes in outbreak now.
"""

import itertools

from django.utils import timezone

from carehomes.models import CareHome

NONE = CareHome.Outbreak.NONE


def outbreak_periods():
    """{care_home_id: [(started_on, cleared_on or None), ...]}, oldest first."""
    history = CareHome.history.model.objects
    ever = history.exclude(outbreak_status=NONE).values("id")
    rows = (
        history.filter(id__in=ever)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "outbreak_status", "outbreak_started_on")
    )
    periods = {}
    for home_id, home_rows in itertools.groupby(rows, key=lambda row: row[0]):
        start = None
        for _, at, status, started_on in home_rows:
            if status != NONE and started_on is not None:
                # A new outbreak, or the same one with its start corrected (the earliest counts).
                start = started_on if start is None else min(start, started_on)
            elif status == NONE and start is not None:
                periods.setdefault(home_id, []).append((start, timezone.localtime(at).date()))
                start = None
        if start is not None:
            periods.setdefault(home_id, []).append((start, None))
    # The home's own row is the truth for an outbreak going on now (bulk loads write no history).
    for home_id, started_on in (
        CareHome.objects.exclude(outbreak_status=NONE).order_by().values_list("id", "outbreak_started_on")
    ):
        spans = periods.setdefault(home_id, [])
        if spans and spans[-1][1] is None:
            spans[-1] = (min(spans[-1][0], started_on), None)
        else:
            spans.append((started_on, None))
    return periods


def in_outbreak_on(periods, care_home_id, day):
    return any(start <= day and (end is None or day <= end) for start, end in periods.get(care_home_id, ()))


def count_into_outbreak(follow_ups):
    """How many of `follow_ups` (a queryset) were discharges into a home in outbreak that day."""
    periods = outbreak_periods()
    if not periods:
        return 0
    rows = (
        follow_ups.filter(care_home_id__in=list(periods))
        .order_by()
        .values_list("care_home_id", "discharged_on")
    )
    return sum(1 for home_id, day in rows if in_outbreak_on(periods, home_id, day))
