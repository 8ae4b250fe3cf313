"""Two requests at once cannot both take a person's last hours (PostgreSQL row locks).

The overlap is forced (tests/races.py): the first request to have checked the hours waits, before
it saves, until the other has checked them too or is waiting for the person's row lock.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from carehomes import services
from carehomes.models import Assignment
from organisations.access import PROJECT_MANAGER
from tests.factories import CareHomeFactory, StaffMemberFactory, user_with_role
from tests.races import CriticalSection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_assignments_cannot_overbook_a_person(monkeypatch):
    pm = user_with_role(PROJECT_MANAGER)
    person = StaffMemberFactory(hours_per_week=Decimal("3"))
    homes = CareHomeFactory.create_batch(2)
    section = CriticalSection(2)
    monkeypatch.setattr(services, "_check_assignment", section.after(services._check_assignment))

    def assign(home):
        return services.assignment_create(
            by=pm,
            care_home=home,
            staff=person,
            role="support",
            hours_per_week=Decimal("2"),
            starts_on=timezone.localdate(),
        )

    results = section.run_at_once(lambda: assign(homes[0]), lambda: assign(homes[1]))

    outcomes = sorted("saved" if isinstance(r, Assignment) else type(r).__name__ for r in results)
    assert outcomes == ["ValidationError", "saved"], results
    assert Assignment.objects.filter(staff=person).count() == 1
