"""Two people at once, for real: separate connections and transactions (PostgreSQL only)."""

import datetime
import threading

import pytest
from django.db import connections

from actionplan import services
from actionplan.models import Action, Rag
from tests.factories import ActionFactory, OrganisationFactory, SectionFactory

pytestmark = [
    pytest.mark.postgres,
    # No serialized_rollback: the flush afterwards re-runs post_migrate, which remakes the role groups.
    pytest.mark.django_db(transaction=True),
]


def _at_once(*calls):
    """Run each call in its own thread (so its own connection), released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_actions_added_at_once_take_different_numbers(pm_user):
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

    results = _at_once(add, add, add)

    assert all(isinstance(r, Action) for r in results), results
    assert sorted(Action.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_two_saves_of_one_version_at_once_one_wins_one_is_told(pm_user):
    action = ActionFactory(section=SectionFactory(), number=1, rag=Rag.AMBER)

    results = _at_once(
        lambda: services.action_update(by=pm_user, action=action, version=1, rag=Rag.RED),
        lambda: services.action_update(by=pm_user, action=action, version=1, rag=Rag.GREEN),
    )

    saved = [r for r in results if isinstance(r, Action)]
    refused = [r for r in results if isinstance(r, services.ActionChangedMeanwhile)]
    assert (len(saved), len(refused)) == (1, 1), results
    action.refresh_from_db()
    assert action.version == 2
    assert action.rag == saved[0].rag
