"""Rules for care homes, assignments, visits and gaps (auto-discovered by django-rules)."""

import datetime

import rules
from django.conf import settings
from django.utils import timezone

from organisations.access import (
    is_coordinator,
    is_leadership,
    is_pharmacy_professional,
    staff_member_for,
)
from organisations.permissions import Permission


def cover_access_since():
    """The first day of a cover visit that still opens the home to the visitor (COVER_ACCESS_DAYS)."""
    return timezone.localdate() - datetime.timedelta(days=settings.HUB["COVER_ACCESS_DAYS"])


@rules.predicate
def supports_home(user, care_home):
    """Access follows the work: the user is assigned to the home now, or made a cover visit to it
    in the last COVER_ACCESS_DAYS (28) days. An old visit, or an ended assignment, opens nothing."""
    if care_home is None:
        return True
    member = staff_member_for(user)
    if member is None:
        return False
    return (
        care_home.assignments.current().filter(staff=member).exists()
        or care_home.visits.filter(staff=member, visited_on__gte=cover_access_since()).exists()
    )


@rules.predicate
def is_own_visit(user, visit):
    member = staff_member_for(user)
    return visit is not None and member is not None and visit.staff_id == member.pk


@rules.predicate
def within_edit_window(user, visit):
    if visit is None:
        return False
    window = datetime.timedelta(days=settings.HUB["VISIT_EDIT_WINDOW_DAYS"])
    return timezone.now() - visit.created_at <= window


@rules.predicate
def can_see_visit_home(user, visit):
    return visit is not None and supports_home(user, visit.care_home)


rules.add_perm(Permission.VIEW_CAREHOME, is_leadership | (is_pharmacy_professional & supports_home))
rules.add_perm(Permission.CHANGE_CAREHOME, is_coordinator)
rules.add_perm(Permission.ADD_CAREHOME, is_coordinator)
rules.add_perm(Permission.IMPORT_CAREHOMES, is_coordinator)
rules.add_perm(Permission.IMPORT_STAFF, is_coordinator)
rules.add_perm(Permission.VIEW_MY_CARE_HOMES, is_pharmacy_professional)
rules.add_perm(Permission.ADD_ASSIGNMENT, is_coordinator)
rules.add_perm(Permission.CHANGE_ASSIGNMENT, is_coordinator)
rules.add_perm(Permission.VIEW_STAFF, is_leadership)
rules.add_perm(Permission.ADD_VISIT, is_coordinator | is_pharmacy_professional)
rules.add_perm(Permission.LIST_VISITS, is_coordinator | is_pharmacy_professional)
rules.add_perm(
    Permission.VIEW_VISIT,
    is_leadership | (is_pharmacy_professional & (is_own_visit | can_see_visit_home)),
)
rules.add_perm(
    Permission.CHANGE_VISIT,
    is_coordinator | (is_pharmacy_professional & is_own_visit & within_edit_window),
)
