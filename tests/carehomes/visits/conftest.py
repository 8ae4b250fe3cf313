"""Fixtures for visit tests: a care home, and a pharmacist assigned to it."""

import uuid

import pytest
from django.utils import timezone

from organisations.access import PHARMACY_PROFESSIONAL
from tests.factories import AssignmentFactory, CareHomeFactory, user_with_role


@pytest.fixture
def home(db):
    """A 40-bed residential home registered with the CQC on 1 January 2015."""
    return CareHomeFactory(name="Meadow View Care Home", beds=40)


@pytest.fixture
def pharmacist(db, home):
    """A pharmacist who is the named lead for `home`."""
    user = user_with_role(PHARMACY_PROFESSIONAL, username="lead-pharmacist")
    AssignmentFactory(staff=user.staff_member, care_home=home)
    return user


@pytest.fixture
def other_pharmacist(db):
    """A pharmacist with no link to `home`."""
    return user_with_role(PHARMACY_PROFESSIONAL, username="other-pharmacist")


@pytest.fixture
def visit_fields(home):
    """Keyword arguments for a valid visit_create call."""

    def make(**overrides):
        fields = {
            "care_home": home,
            "submission_token": uuid.uuid4(),
            "visited_on": timezone.localdate(),
            "mode": "on_site",
            "activities": ["smr"],
            "residents_reviewed": 4,
            "interventions_stopped": 2,
            "minutes_spent": 90,
            "notes": "Reviewed four residents' medicines.",
        }
        fields.update(overrides)
        return fields

    return make
