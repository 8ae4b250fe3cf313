"""Shared fixtures: role-bearing users, each with a StaffMember record."""

import pytest

from organisations.access import ORGANISATION_LEAD, PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from tests.factories import PASSWORD, PcnFactory, UserFactory, user_with_role


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
