import pytest

from tests.security import hostile


@pytest.fixture(autouse=True)
def _needs_postgres(request):
    """Tests marked `postgres` run only when the test database is PostgreSQL (as in CI)."""
    if request.node.get_closest_marker("postgres"):
        from django.conf import settings as django_settings

        if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture(autouse=True)
def _needs_redis(request):
    """Tests marked `celery_worker` run only when REDIS_URL names a Redis (as in CI)."""
    import os

    if request.node.get_closest_marker("celery_worker") and not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis: set REDIS_URL=redis://...")


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
