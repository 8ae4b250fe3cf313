"""Which rows `updated_since` sends again: every row whose answer may differ from the one an analyst
read at that time, not only the rows whose own table row was written.

A care home's lead, last visit and gaps live in other tables (its kept state, its visits and
assignments, its lead's other assignments) and change with the calendar (a visit grows too old,
an assignment starts or ends, an outbreak's start date arrives) with no write at all; an
organisation's counts follow its staff, their assignments and the homes aligned to it; every row
shows the names of the rows it points to. Each `<resource>_changed(since)` is a `Q` over that
resource's queryset that holds for at least those rows. It errs on the side of sending a row
again (an incremental refresh replaces rows by id, so a row sent twice costs nothing), and reads
deletions from the rows' history (a deleted visit changes its home's last visit).

The ids of the rows written since are read first (small reads: the history tables by their date
index) and given to the resource's query as one array parameter (`config.querysets.ids_in`), so
the planner sees how few they are: the cost is about that of `updated_at >= since` alone.
"""

import datetime
import operator
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from carehomes.gaps.rules import no_visit_days
from carehomes.models import Assignment, CareHome, Visit
from config.querysets import ids_in
from organisations.models import Organisation, StaffMember

DAY = datetime.timedelta(days=1)


def days_since(since):
    """(first, last): the local days from the one `since` falls in to today, both included. A
    change the calendar makes happens at the start of a day in that range."""
    return timezone.localdate(since), timezone.localdate()


def _ids(queryset, field):
    return {i for i in queryset.values_list(field, flat=True).distinct() if i is not None}


def _touched(model, since, field="id"):
    """Ids (or `field`) of rows of `model` written or deleted since, from every historical record of
    those rows: a deleted row, and a row's value before the change (its old PCN), both count."""
    changed = model.history.filter(history_date__gte=since).values("id")
    return _ids(model.history.filter(id__in=changed), field)


def _assignments_turned(since):
    """Assignments written since, or that started or ended by the calendar since."""
    first, last = days_since(since)
    return Assignment.objects.filter(
        Q(updated_at__gte=since)
        | Q(starts_on__range=(first, last))
        | Q(ends_on__range=(first - DAY, last - DAY))
    )


def _any(*conditions):
    """The conditions ORed; an `(field, ids)` pair is `field` among the ids (left out when none)."""
    parts = [c if isinstance(c, Q) else ids_in(*c) for c in conditions if isinstance(c, Q) or c[1]]
    return reduce(operator.or_, parts)


def care_homes_changed(since):
    """Homes whose row, lead, last visit, open gaps, PCN name or specialisms may have changed."""
    first, last = days_since(since)
    stale = datetime.timedelta(days=no_visit_days() + 1)  # the day a last visit stops being recent
    turned = _assignments_turned(since)
    homes = _touched(CareHome, since)
    homes |= _ids(Visit.objects.filter(updated_at__gte=since), "care_home")
    homes |= _touched(Visit, since, "care_home_id")  # a deleted visit too
    homes |= _ids(turned, "care_home") | _touched(Assignment, since, "care_home_id")
    # The lead's load (any of their assignments), name, hours or organisation.
    leads = _ids(turned, "staff") | _touched(Assignment, since, "staff_id") | _touched(StaffMember, since)
    return _any(
        Q(updated_at__gte=since),
        ("id", homes),
        ("state__lead_staff_id", leads),
        ("pcn_id", _touched(Organisation, since)),
        Q(state__last_visited_on__range=(first - stale, last - stale)),
        Q(outbreak_started_on__range=(first, last)),
    )


def assignments_changed(since):
    """Assignments written, started or ended by the calendar (`is_current`), or whose home or
    person (name, organisation) changed."""
    first, last = days_since(since)
    return _any(
        Q(updated_at__gte=since),
        Q(starts_on__range=(first, last)),
        Q(ends_on__range=(first - DAY, last - DAY)),
        ("care_home_id", _touched(CareHome, since)),
        ("staff_id", _touched(StaffMember, since)),
    )


def visits_changed(since):
    """Visits written, or whose home or person (name, organisation) changed."""
    return _any(
        Q(updated_at__gte=since),
        ("care_home_id", _touched(CareHome, since)),
        ("staff_id", _touched(StaffMember, since)),
    )


def organisations_changed(since):
    """Organisations written, or whose staff count, homes supported or homes aligned may have changed:
    their staff (joined, left, moved either way), those staff's assignments, the homes aligned."""
    staff = _ids(_assignments_turned(since), "staff") | _touched(Assignment, since, "staff_id")
    organisations = _touched(Organisation, since) | _touched(StaffMember, since, "organisation_id")
    if staff:
        organisations |= _ids(StaffMember.objects.filter(ids_in("id", staff)), "organisation")
    organisations |= _touched(CareHome, since, "pcn_id")
    return _any(Q(updated_at__gte=since), ("id", organisations))


def actions_changed(since):
    """Actions written, or whose section or owning organisation was renamed."""
    return _any(
        Q(updated_at__gte=since),
        Q(section__updated_at__gte=since),
        ("owner_organisation_id", _touched(Organisation, since)),
    )
