"""Fixtures for the read API: tokens for role-bearing users and an HTTP client on a live server."""

import httpx
import pytest

from api.services import api_token_create


@pytest.fixture
def role_groups(transactional_db):
    """Live-server tests run on a flushed database: make sure the role groups (and reference data) exist."""
    from carehomes.apps import ensure_specialisms
    from organisations.roles import grant_role_permissions

    grant_role_permissions()
    ensure_specialisms()


@pytest.fixture
def token_for():
    """`token_for(user)` -> the secret of a new 30-day token of theirs (publishes=True: superuser-made)."""

    def make(user, **kwargs):
        kwargs.setdefault("lifetime_days", 30)
        return api_token_create(by=user, name=kwargs.pop("name", "Test token"), **kwargs)[1]

    return make


@pytest.fixture
def api_client(live_server, role_groups):
    """`api_client(secret)`: a real HTTP client on the live server sending the token as Bearer."""
    clients = []

    def make(secret=None, *, basic=False):
        auth = None
        headers = {}
        if secret and basic:
            auth = httpx.BasicAuth("powerbi", secret)
        elif secret:
            headers["Authorization"] = f"Bearer {secret}"
        client = httpx.Client(base_url=f"{live_server.url}/api/v1", headers=headers, auth=auth, timeout=30)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(autouse=True)
def one_rate_window(monkeypatch):
    """Every request of a test falls in one rate-limit minute (a test crossing a minute boundary
    would otherwise see the count start again)."""
    monkeypatch.setattr("api.throttling.time.time", lambda: 1_800_000_030.0)
