"""Two local OpenID Connect providers for the session (one shaped as CIS2, one as NHSmail on Entra),
switched on in the hub's settings for each test that asks for them."""

import pytest

from tests.oidc_provider import local_provider


@pytest.fixture(scope="session")
def cis2_server():
    with local_provider() as provider:
        yield provider


@pytest.fixture(scope="session")
def nhsmail_server():
    with local_provider() as provider:
        yield provider


@pytest.fixture
def providers_on(settings, cis2_server, nhsmail_server):
    """CIS2 and NHSmail switched on, pointing at the local providers."""
    settings.OIDC_PROVIDERS = {
        "cis2": cis2_server.settings_for(acr_values="AAL2_OR_AAL3_ANY"),
        "nhsmail": nhsmail_server.settings_for(),
    }
    return settings
