"""Two requests at once cannot both take a person's last hours (PostgreSQL row locks)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from carehomes.models import Assignment
from carehomes.services import assignment_create
from organisations.access import PROJECT_MANAGER
from tests.factories import CareHomeFactory, StaffMemberFactory, user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_assignments_cannot_overbook_a_person():
    pm = user_with_role(PROJECT_MANAGER)
    person = StaffMemberFactory(hours_per_week=Decimal("3"))
    homes = CareHomeFactory.create_batch(2)
    barrier = threading.Barrier(2)
    outcomes = []

    def assign(home):
        try:
            barrier.wait()
            assignment_create(
                by=pm,
                care_home=home,
                staff=person,
                role="support",
                hours_per_week=Decimal("2"),
                starts_on=timezone.localdate(),
            )
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(home,)) for home in homes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert Assignment.objects.filter(staff=person).count() == 1
