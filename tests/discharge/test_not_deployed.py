"""People in the trust discharge team and community pharmacy roles give no care-home hours: they are
kept out of the deployment figures and the pickers for assignments."""

import pytest

from carehomes.forms import assignable_staff
from carehomes.suggestions import candidates
from organisations.access import (
    COMMUNITY_PHARMACY,
    PHARMACY_PROFESSIONAL,
    TRUST_DISCHARGE_TEAM,
    staff_member_for,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_discharge_roles_are_not_offered_for_assignments_or_listed_as_staff(client_for, pm_user):
    pharmacist = staff_member_for(user_with_role(PHARMACY_PROFESSIONAL, hours_per_week=20))
    technician = staff_member_for(user_with_role(TRUST_DISCHARGE_TEAM, hours_per_week=20))
    chemist = staff_member_for(user_with_role(COMMUNITY_PHARMACY, hours_per_week=20))
    assert pharmacist in assignable_staff()
    assert technician not in assignable_staff() and chemist not in assignable_staff()
    offered = {row["pk"] if isinstance(row, dict) else getattr(row, "staff_id", None) for row in candidates()}
    assert technician.pk not in offered and chemist.pk not in offered
    html = client_for(pm_user).get("/staff/").content.decode()
    assert pharmacist.name in html and technician.name not in html and chemist.name not in html
