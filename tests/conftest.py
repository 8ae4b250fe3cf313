"""Shared fixtures: role-bearing users, each with a StaffMember record; a frozen "today"."""

import datetime
import os
import zoneinfo

import pytest
from hypothesis import settings as hypothesis_settings

from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
)
from tests.factories import PASSWORD, CommunityPharmacyFactory, PcnFactory, UserFactory, user_with_role


def _postgres_missing():
    from django.db import connection

    return None if connection.vendor == "postgresql" else "needs PostgreSQL: set DATABASE_URL=postgres://..."


def _redis_missing():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "needs Redis: set REDIS_URL=redis://..."
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        return f"needs Redis, and REDIS_URL={url} does not answer ({error})"
    return None


# In CI every property test draws the same examples on every run (derandomize: the seed is fixed by
# the test's name), so a failure there is replayed by running it again; it prints the example and
# the blob to reproduce it. Settings made in a test file start from this profile.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
    hypothesis_settings.load_profile("ci")


NEEDS = {"postgres": _postgres_missing, "redis": _redis_missing, "celery_worker": _redis_missing}


def skip_unless_ci(reason):
    """Skip for `reason` on a laptop; fail in CI (CI=true), where everything must be present."""
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"{reason} (CI=true: it must be present in CI)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    """Tests marked `postgres`, `redis` or `celery_worker` skip on a laptop without them, and FAIL
    in CI (CI=true), so a misconfigured CI cannot pass with them silently skipped."""
    for marker, missing in NEEDS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing()
        if reason is not None:
            skip_unless_ci(reason)


@pytest.fixture(autouse=True)
def session_renewed_once_a_test(request, settings):
    """A session's expiry is renewed at most once a minute (accounts/session_renewal.py), with three
    statements: a test whose two page loads straddle a minute (a slow machine building the larger
    data set) would count them on one load and not the other. Within a test a session is renewed
    at sign-in and then only after an idle timeout's worth of travelled time; the tests of the
    renewal itself keep the deployed minute (marked `deployed_session_renewal`)."""
    if request.node.get_closest_marker("deployed_session_renewal") is None:
        settings.SESSION_RENEW_SECONDS = settings.SESSION_COOKIE_AGE - 1


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached figures (the cache outlives a rolled-back test)."""
    from django.core.cache import cache

    cache.clear()


# A Monday. Tests that count days from "today" freeze the clock here, so a run that crosses
# midnight (or a slow CI machine) cannot move "today" between arranging a test and asserting it.
FROZEN_TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def celery_in_process(settings):
    """Celery as on the embedded default: tasks run in the calling process (eager), even in CI
    where REDIS_URL makes them go to a broker that no worker in the test reads."""
    from config.celery import app

    before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def frozen_today(time_machine):
    """Today is FROZEN_TODAY, from noon in London (the clock still runs), for the whole test."""
    noon = datetime.datetime.combine(
        FROZEN_TODAY, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Europe/London")
    )
    time_machine.move_to(noon)
    return FROZEN_TODAY


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def slt_user(db):
    """An SLT member: a chief pharmacist of an acute trust."""
    return user_with_role(SLT, username="slt-user")


@pytest.fixture
def pm_user(db):
    """The project manager: keeps the citywide picture."""
    return user_with_role(PROJECT_MANAGER, username="pm-user")


@pytest.fixture
def pharmacist_user(db):
    """A pharmacist who logs visits to their own care homes."""
    return user_with_role(PHARMACY_PROFESSIONAL, username="pharmacist-user")


@pytest.fixture
def orglead_user(db):
    """A PCN clinical director: an organisation lead for their PCN."""
    return user_with_role(ORGANISATION_LEAD, username="orglead-user", organisation=PcnFactory())


@pytest.fixture
def trust_user(db):
    """A hospital pharmacy technician in an acute trust's discharge team."""
    return user_with_role(TRUST_DISCHARGE_TEAM, username="trust-user")


@pytest.fixture
def chemist_user(db):
    """A community pharmacist at a pharmacy that supplies care homes."""
    return user_with_role(
        COMMUNITY_PHARMACY, username="chemist-user", organisation=CommunityPharmacyFactory()
    )


@pytest.fixture
def no_role_user(db):
    """Signed in, but given no role yet."""
    return UserFactory(username="no-role-user")


@pytest.fixture
def superuser(db):
    user = UserFactory(username="super-user")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def client_for(client):
    """Log the test client in as a user: `client_for(pm_user)`."""

    def login(user):
        # Stamped as renewed at sign-in, as the sign-in page's is (accounts.receivers): the client's
        # first page does not renew it, so a page's query count is the page's.
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
