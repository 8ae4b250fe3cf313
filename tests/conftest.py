"""Shared fixtures: role-bearing users, each with a StaffMember record."""

import pytest

from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
)
from tests.factories import PASSWORD, CommunityPharmacyFactory, PcnFactory, UserFactory, user_with_role


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached figures (the cache outlives a rolled-back test)."""
    from django.core.cache import cache

    cache.clear()


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
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
