"""The one question every view and service asks: may this user do this to this object?"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from organisations.access import (
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    ROLES,
    SLT,
    home_page_for,
    may,
    organisation_ids_for,
    require,
)
from organisations.permissions import Permission
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    UserFactory,
    VisitFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_roles_are_groups_made_by_migration_with_permissions():
    from django.contrib.auth.models import Group

    for role in ROLES:
        group = Group.objects.get(name=role)
        assert group.permissions.exists(), role


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (SLT, "dashboard:index"),
        (PROJECT_MANAGER, "dashboard:gaps"),
        (PHARMACY_PROFESSIONAL, "carehomes:mine"),
        (ORGANISATION_LEAD, "organisations:mine"),
    ],
)
def test_each_role_has_its_home_page(role, page):
    assert home_page_for(user_with_role(role)) == page


def test_anonymous_may_do_nothing():
    assert not may(AnonymousUser(), Permission.VIEW_CAREHOME)
    assert not may(AnonymousUser(), Permission.VIEW_DASHBOARD)


def test_user_without_role_may_not_see_the_hub():
    user = UserFactory()
    assert not may(user, Permission.VIEW_ORGANISATION)
    assert home_page_for(user) == "no_role"


def test_pharmacist_sees_only_homes_they_support():
    pharmacist = user_with_role(PHARMACY_PROFESSIONAL)
    own, other = CareHomeFactory(), CareHomeFactory()
    AssignmentFactory(care_home=own, staff=pharmacist.staff_member)
    assert may(pharmacist, Permission.VIEW_CAREHOME, own)
    assert not may(pharmacist, Permission.VIEW_CAREHOME, other)
    with pytest.raises(PermissionDenied):
        require(pharmacist, Permission.VIEW_CAREHOME, other)


def test_pharmacist_changes_only_their_own_recent_visits():
    pharmacist = user_with_role(PHARMACY_PROFESSIONAL)
    colleague = user_with_role(PHARMACY_PROFESSIONAL)
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, staff=pharmacist.staff_member)
    own = VisitFactory(care_home=home, staff=pharmacist.staff_member)
    theirs = VisitFactory(care_home=home, staff=colleague.staff_member)
    assert may(pharmacist, Permission.CHANGE_VISIT, own)
    assert not may(pharmacist, Permission.CHANGE_VISIT, theirs)
    assert may(pharmacist, Permission.VIEW_VISIT, theirs)  # continuity of care


def test_pharmacist_cannot_change_own_visit_after_the_edit_window(settings):
    from datetime import timedelta

    from django.utils import timezone

    pharmacist = user_with_role(PHARMACY_PROFESSIONAL)
    visit = VisitFactory(staff=pharmacist.staff_member)
    type(visit).objects.filter(pk=visit.pk).update(created_at=timezone.now() - timedelta(days=8))
    visit.refresh_from_db()
    assert not may(pharmacist, Permission.CHANGE_VISIT, visit)
    assert may(user_with_role(PROJECT_MANAGER), Permission.CHANGE_VISIT, visit)


def test_slt_member_updates_only_actions_their_organisation_owns():
    trust = OrganisationFactory()
    slt = user_with_role(SLT, organisation=trust)
    assert may(slt, Permission.ADD_ACTIONUPDATE, ActionFactory(owner_organisation=trust))
    assert not may(slt, Permission.ADD_ACTIONUPDATE, ActionFactory())
    assert not may(slt, Permission.CHANGE_ACTION, ActionFactory(owner_organisation=trust))


def test_organisation_lead_acts_only_for_their_organisation():
    pcn = OrganisationFactory(kind="pcn")
    lead = user_with_role(ORGANISATION_LEAD, organisation=pcn)
    assert organisation_ids_for(lead) == {pcn.pk}
    assert may(lead, Permission.LEAD_ORGANISATION, pcn)
    assert not may(lead, Permission.LEAD_ORGANISATION, OrganisationFactory())


def test_project_manager_and_superuser_manage_everything(superuser):
    pm = user_with_role(PROJECT_MANAGER)
    for user in (pm, superuser):
        assert may(user, Permission.ADD_ASSIGNMENT)
        assert may(user, Permission.IMPORT_CAREHOMES)
        assert may(user, Permission.CHANGE_ACTION, ActionFactory())
