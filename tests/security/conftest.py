"""Fixtures for the security tests: the city (tests/city.py), built once per test module. Whether
PostgreSQL and Redis are needed is decided for every test in tests/conftest.py (skip on a laptop,
fail in CI)."""

import pytest
from django.db import transaction

from tests.city import build_city


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The city of tests/city.py, built once for the module in a transaction rolled back after it.

    Each test still runs in its own savepoint inside that transaction (pytest-django's `db`), so
    what a test writes is gone before the next one, and none of them pays for building the city.
    Only for modules whose tests are not `transaction=True` (those would flush the city away).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_city()
        transaction.set_rollback(True)


@pytest.fixture
def as_role(client, city):
    """The test client signed in as one of the city's roles (None: anonymous); once per test."""
    state = {"role": "anonymous"}

    def sign_in(role):
        if role != state["role"]:
            client.logout()
            if role is not None:
                client.force_login(city.users[role], backend="django.contrib.auth.backends.ModelBackend")
            state["role"] = role
        return client

    return sign_in
