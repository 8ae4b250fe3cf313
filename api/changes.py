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

Each part is an uncorrelated `IN (SELECT …)` (run once, hashed) or a date range, so the cost is a
scan of the rows changed since, not a look-up per row.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from carehomes.gaps.rules import no_visit_days
from carehomes.models import Assignment, CareHome, Visit
from organisations.models import Organisation, StaffMember

DAY = datetime.timedelta(days=1)


def days_since(since):
    """(first, last): the local days from the one `since` falls in to today, both included. A
    change the calendar makes happens at the start of a day in that range."""
    return timezone.localdate(since), timezone.localdate()


def _touched_ids(model, since, field="id"):
    """Ids (or `field`) of rows of `model` written or deleted since: every historical record since,
    so a deleted row and a row's value before the change (e.g. its old PCN) are both included."""
    ever = model.history.filter(id__in=model.history.filter(history_date__gte=since).values("id"))
    return ever.values(field)


def _assignments_turned(since):
    """Assignments written since, or that started or ended by the calendar since."""
    first, last = days_since(since)
    return Assignment.objects.filter(
        Q(updated_at__gte=since)
        | Q(starts_on__range=(first, last))
        | Q(ends_on__range=(first - DAY, last - DAY))
    )


def care_homes_changed(since):
    """Homes whose row, lead, last visit, open gaps, PCN name or specialisms may have changed."""
    first, last = days_since(since)
    stale = datetime.timedelta(days=no_visit_days() + 1)  # the day a last visit stops being recent
    turned = _assignments_turned(since)
    return (
        Q(updated_at__gte=since)
        | Q(pk__in=_touched_ids(CareHome, since))
        | Q(pk__in=Visit.objects.filter(updated_at__gte=since).values("care_home"))
        | Q(pk__in=_touched_ids(Visit, since, "care_home_id"))
        | Q(pk__in=turned.values("care_home"))
        | Q(pk__in=_touched_ids(Assignment, since, "care_home_id"))
        # The lead's load (any of their assignments), name, hours or organisation.
        | Q(state__lead_staff_id__in=turned.values("staff"))
        | Q(state__lead_staff_id__in=_touched_ids(Assignment, since, "staff_id"))
        | Q(state__lead_staff_id__in=_touched_ids(StaffMember, since))
        | Q(pcn_id__in=_touched_ids(Organisation, since))
        | Q(state__last_visited_on__range=(first - stale, last - stale))
        | Q(outbreak_started_on__range=(first, last))
    )


def assignments_changed(since):
    """Assignments written, started or ended by the calendar (`is_current`), or whose home or
    person (name, organisation) changed."""
    first, last = days_since(since)
    return (
        Q(updated_at__gte=since)
        | Q(starts_on__range=(first, last))
        | Q(ends_on__range=(first - DAY, last - DAY))
        | Q(care_home_id__in=_touched_ids(CareHome, since))
        | Q(staff_id__in=_touched_ids(StaffMember, since))
    )


def visits_changed(since):
    """Visits written, or whose home or person (name, organisation) changed."""
    return (
        Q(updated_at__gte=since)
        | Q(care_home_id__in=_touched_ids(CareHome, since))
        | Q(staff_id__in=_touched_ids(StaffMember, since))
    )


def organisations_changed(since):
    """Organisations written, or whose staff count, homes supported or homes aligned may have changed:
    their staff (joined, left, moved either way), those staff's assignments, the homes aligned."""
    turned = _assignments_turned(since)
    return (
        Q(updated_at__gte=since)
        | Q(pk__in=_touched_ids(Organisation, since))
        | Q(pk__in=_touched_ids(StaffMember, since, "organisation_id"))
        | Q(pk__in=StaffMember.objects.filter(pk__in=turned.values("staff")).values("organisation"))
        | Q(
            pk__in=StaffMember.objects.filter(pk__in=_touched_ids(Assignment, since, "staff_id")).values(
                "organisation"
            )
        )
        | Q(pk__in=_touched_ids(CareHome, since, "pcn_id"))
    )


def actions_changed(since):
    """Actions written, or whose section or owning organisation was renamed."""
    return (
        Q(updated_at__gte=since)
        | Q(section__updated_at__gte=since)
        | Q(owner_organisation_id__in=_touched_ids(Organisation, since))
    )
