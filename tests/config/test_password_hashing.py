"""Passwords are hashed with Argon2id at the ADR's cost; old PBKDF2 hashes upgrade at sign-in."""

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings

from config import settings as hub_settings
from organisations.access import PROJECT_MANAGER
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

# The suite runs with a fast hasher (FAST_PASSWORD_HASHER); these tests use the real list.
real_hashers = override_settings(PASSWORD_HASHERS=hub_settings.ARGON2_PASSWORD_HASHERS)


def test_production_hashers_put_argon2id_first_and_keep_pbkdf2():
    assert hub_settings.ARGON2_PASSWORD_HASHERS[0] == "config.hashers.HubArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hub_settings.ARGON2_PASSWORD_HASHERS


@real_hashers
def test_new_password_is_argon2id_at_the_recorded_cost():
    encoded = make_password("a long enough passphrase")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@real_hashers
def test_old_pbkdf2_hash_signs_in_and_is_upgraded_to_argon2id(client):
    user = user_with_role(PROJECT_MANAGER, username="pm-old-hash")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"

    response = client.post("/accounts/login/", {"username": "pm-old-hash", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)
    assert not user.check_password("not the password")
