"""Fixtures for the security tests: the hostile city. Whether PostgreSQL and Redis are needed is
decided for every test in tests/conftest.py (skip on a laptop, fail in CI)."""

import pytest

from tests.security import hostile


@pytest.fixture
def city(db):
    return hostile.build_city()


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
