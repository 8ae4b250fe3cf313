"""Two people at once, for real: separate connections and transactions (PostgreSQL only), the overlap
forced inside the critical section (tests/races.py)."""

import datetime

import pytest

from actionplan import services
from actionplan.models import Action, Rag
from tests.factories import ActionFactory, OrganisationFactory, SectionFactory
from tests.races import CriticalSection

pytestmark = [
    pytest.mark.postgres,
    # No serialized_rollback: the flush afterwards re-runs post_migrate, which remakes the role groups.
    pytest.mark.django_db(transaction=True),
]


def test_actions_added_at_once_take_different_numbers(pm_user, monkeypatch):
    """Each waits, its number chosen and not yet saved, until the others have chosen theirs too or
    wait for the section's lock."""
    at_once = CriticalSection(3)
    monkeypatch.setattr(services, "save_checked", at_once.before(services.save_checked))
    section = SectionFactory()
    organisation = OrganisationFactory()

    def add():
        return services.action_create(
            by=pm_user,
            section=section,
            description="Added at the same moment",
            owner_organisation=organisation,
            due_on=datetime.date(2026, 12, 31),
        )

    results = at_once.run_at_once(add, add, add)

    assert all(isinstance(r, Action) for r in results), results
    assert sorted(Action.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_two_saves_of_one_version_at_once_one_wins_one_is_told(pm_user, monkeypatch):
    """Each waits, its version checked and nothing saved, until the other has checked too or waits
    for the action's lock."""
    at_once = CriticalSection(2)
    monkeypatch.setattr(services, "_lock", at_once.after(services._lock))
    action = ActionFactory(section=SectionFactory(), number=1, rag=Rag.AMBER)

    results = at_once.run_at_once(
        lambda: services.action_update(by=pm_user, action=action, version=1, rag=Rag.RED),
        lambda: services.action_update(by=pm_user, action=action, version=1, rag=Rag.GREEN),
    )

    saved = [r for r in results if isinstance(r, Action)]
    refused = [r for r in results if isinstance(r, services.ActionChangedMeanwhile)]
    assert (len(saved), len(refused)) == (1, 1), results
    action.refresh_from_db()
    assert action.version == 2
    assert action.rag == saved[0].rag
