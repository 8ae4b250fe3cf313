"""Staff hours and assignments on an organisation's page (issue 13 §3): shown to SLT, the project
manager and that organisation's own lead, not to everyone signed in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from organisations.access import ORGANISATION_LEAD, PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from tests.factories import AssignmentFactory, PcnFactory, StaffMemberFactory, user_with_role

pytestmark = pytest.mark.django_db

HOURS_TABLE = "Staff and their hours"
ASSIGNMENTS_TABLE = "Current assignments of this organisation&#39;s staff"


@pytest.fixture
def pcn():
    pcn = PcnFactory(name="Chapeltown PCN")
    staff = StaffMemberFactory(name="Pat Hours", organisation=pcn, hours_per_week=Decimal("12"))
    AssignmentFactory(staff=staff, hours_per_week=Decimal("3"))
    return pcn


def page(client_for, user, pcn):
    response = client_for(user).get(reverse("organisations:detail", args=[pcn.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", [SLT, PROJECT_MANAGER])
def test_leadership_sees_staff_hours_and_assignments(client_for, pcn, role):
    html = page(client_for, user_with_role(role), pcn)
    assert HOURS_TABLE in html
    assert "Pat Hours" in html


def test_the_organisations_own_lead_sees_them(client_for, pcn):
    html = page(client_for, user_with_role(ORGANISATION_LEAD, organisation=pcn), pcn)
    assert HOURS_TABLE in html
    assert "Pat Hours" in html


@pytest.mark.parametrize("who", ["other lead", "pharmacist"])
def test_everyone_else_does_not(client_for, pcn, who):
    user = (
        user_with_role(ORGANISATION_LEAD, organisation=PcnFactory(name="Seacroft PCN"))
        if who == "other lead"
        else user_with_role(PHARMACY_PROFESSIONAL)
    )
    html = page(client_for, user, pcn)
    assert HOURS_TABLE not in html
    assert "Pat Hours" not in html
