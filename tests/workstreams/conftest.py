import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests make several logins each; the strength of the hash is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
