"""No lost updates: K requests at once for the same home's lead, or the same person's last hours.

Each thread has its own database connection, all start together at a barrier, and each calls
the service exactly as a view would; the first to have checked the rules waits, before it saves,
until every other has checked them too or waits for its row lock (tests/races.py). PostgreSQL only: SQLite serialises writers anyway.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from carehomes.models import Assignment
from organisations.access import PROJECT_MANAGER
from tests.factories import CareHomeFactory, StaffMemberFactory, user_with_role
from tests.races import CriticalSection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

K = 8


def run_at_once(calls):
    """Run each call in its own thread, released together, the overlap forced inside the
    assignment's critical section (tests/races.py); return (outcome, detail) per call."""
    from carehomes import services

    section = CriticalSection(len(calls))
    check = services._check_assignment
    services._check_assignment = section.after(check)
    try:
        results = section.run_at_once(*calls)
    finally:
        services._check_assignment = check
    outcomes = []
    for result in results:
        if isinstance(result, ValidationError):
            outcomes.append(("refused", result.message_dict))
        elif isinstance(result, Exception):
            outcomes.append(("crashed", repr(result)))
        else:
            outcomes.append(("won", result))
    return outcomes


def assign(*, by_pk, **kwargs):
    from carehomes.services import assignment_create

    # Each thread reads its own copy of the acting user, as a request would.
    by = get_user_model().objects.get(pk=by_pk)
    return assignment_create(by=by, starts_on=timezone.localdate(), **kwargs)


def test_concurrent_leads_for_one_home_exactly_one_wins():
    pm = user_with_role(PROJECT_MANAGER)
    home = CareHomeFactory()
    candidates = [StaffMemberFactory(hours_per_week=Decimal("20")) for _ in range(K)]

    outcomes = run_at_once(
        [
            lambda staff=staff: assign(
                by_pk=pm.pk, care_home=home, staff=staff, role=Assignment.Role.LEAD, hours_per_week=3
            )
            for staff in candidates
        ]
    )

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("won") == 1, outcomes
    assert kinds.count("refused") == K - 1, outcomes
    for kind, detail in outcomes:
        if kind == "refused":
            assert "already has a named lead" in " ".join(detail["role"])
    assert Assignment.objects.filter(care_home=home, role=Assignment.Role.LEAD).count() == 1


def test_concurrent_claims_on_last_spare_hours_exactly_one_wins():
    pm = user_with_role(PROJECT_MANAGER)
    person = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("10"))
    Assignment.objects.create(
        staff=person,
        care_home=CareHomeFactory(),
        role=Assignment.Role.LEAD,
        hours_per_week=Decimal("7"),
        starts_on=timezone.localdate(),
    )
    homes = [CareHomeFactory() for _ in range(K)]

    outcomes = run_at_once(
        [
            lambda home=home: assign(
                by_pk=pm.pk, care_home=home, staff=person, role=Assignment.Role.SUPPORT, hours_per_week=3
            )
            for home in homes
        ]
    )

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("won") == 1, outcomes
    assert kinds.count("refused") == K - 1, outcomes
    for kind, detail in outcomes:
        if kind == "refused":
            message = " ".join(detail["hours_per_week"])
            assert "Asha Patel" in message and "spare" in message
    total = sum(a.hours_per_week for a in Assignment.objects.filter(staff=person))
    assert total == Decimal("10")
