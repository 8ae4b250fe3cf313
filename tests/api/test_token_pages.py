"""API token pages: make a token (shown once, stored as a digest), list, see its use, revoke."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken, ApiTokenUse, digest_of
from api.services import api_token_create, api_token_use_record
from organisations.access import PHARMACY_PROFESSIONAL

pytestmark = pytest.mark.django_db


def test_making_a_token_shows_it_once_and_keeps_only_its_digest(client_for, pharmacist_user):
    client = client_for(pharmacist_user)

    response = client.post("/account/api-tokens/", {"name": "Power BI visits", "lifetime_days": "90"})

    assert response.status_code == 201  # Created, and shown in this answer only
    token = ApiToken.objects.get()
    secret = re.search(r"chph_[A-Za-z0-9_-]+", response.content.decode())[0]
    assert secret.startswith("chph_") and len(secret) > 40
    assert secret in response.content.decode()
    assert token.key_digest == digest_of(secret)
    assert secret not in str(ApiToken.objects.values().get())  # never stored as given
    assert token.user == pharmacist_user and token.name == "Power BI visits"
    assert (token.expires_at - token.created_at).days == 90
    assert response["Cache-Control"] == "private, no-store"  # signed in: config.security
    # Shown once: the list shows only the start of it.
    listing = client.get("/account/api-tokens/").content.decode()
    assert "Power BI visits" in listing and secret not in listing and token.key_hint in listing


def test_a_token_without_a_name_is_refused_next_to_the_field(client_for, pharmacist_user):
    response = client_for(pharmacist_user).post("/account/api-tokens/", {"name": " ", "lifetime_days": "90"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a name for the token" in page
    assert not ApiToken.objects.exists()


def test_a_token_cannot_last_longer_than_a_year(client_for, pharmacist_user):
    response = client_for(pharmacist_user).post(
        "/account/api-tokens/", {"name": "Long", "lifetime_days": "400"}
    )

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_only_a_superuser_makes_a_service_account_token_that_publishes(client_for, superuser, pm_user):
    client_for(pm_user).post(
        "/account/api-tokens/",
        {
            "name": "Sneaky",
            "lifetime_days": "30",
            "service_account": "ICB",
            "service_role": "SLT member",
            "publishes": "on",
        },
    )
    mine = ApiToken.objects.get(name="Sneaky")
    assert mine.user == pm_user and not mine.publishes  # the fields are not on a non-superuser's form

    response = client_for(superuser).post(
        "/account/api-tokens/",
        {
            "name": "ICB dashboard",
            "lifetime_days": "365",
            "service_account": "ICB analytics",
            "service_role": "SLT member",
            "publishes": "on",
        },
    )

    assert response.status_code == 201
    token = ApiToken.objects.get(name="ICB dashboard")
    assert token.publishes and token.created_by == superuser
    assert token.user.username == "service-icb-analytics"
    assert list(token.user.groups.values_list("name", flat=True)) == ["SLT member"]
    assert not token.user.has_usable_password()


def test_the_token_page_shows_its_uses(client_for, pharmacist_user):
    token, _ = api_token_create(by=pharmacist_user, name="Visits feed", lifetime_days=30)
    api_token_use_record(token=token, resource="/api/v1/visits", rows=12)

    page = client_for(pharmacist_user).get(f"/account/api-tokens/{token.pk}/").content.decode()

    assert "/api/v1/visits" in page and "12" in page


def test_someone_elses_token_is_not_found(client_for, pharmacist_user, pm_user):
    token, _ = api_token_create(by=pharmacist_user, name="Mine", lifetime_days=30)

    assert client_for(pm_user).get(f"/account/api-tokens/{token.pk}/").status_code == 404
    assert client_for(pm_user).post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_a_token(client_for, pharmacist_user):
    token, _ = api_token_create(by=pharmacist_user, name="Old feed", lifetime_days=30)
    client = client_for(pharmacist_user)

    assert "cannot be undone" in client.get(f"/account/api-tokens/{token.pk}/revoke/").content.decode()
    response = client.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in response.content.decode()


def test_a_leaver_loses_their_tokens(pharmacist_user, pm_user):
    from organisations.models import StaffMember
    from organisations.services import staff_member_leave

    token, _ = api_token_create(by=pharmacist_user, name="Feed", lifetime_days=30)
    staff = StaffMember.objects.get(user=pharmacist_user)

    staff_member_leave(by=pm_user, staff=staff)

    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_reason == "Owner left"


def test_token_list_costs_the_same_queries_at_two_sizes(client_for, pharmacist_user):
    client = client_for(pharmacist_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/account/api-tokens/").status_code == 200
        return len(queries)

    api_token_create(by=pharmacist_user, name="One", lifetime_days=30)
    small = count()
    for n in range(8):
        token, _ = api_token_create(by=pharmacist_user, name=f"T{n}", lifetime_days=30)
        ApiTokenUse.objects.create(token=token, resource="/api/v1/visits", rows=n)
    assert count() == small


def test_a_person_without_a_role_cannot_make_tokens(client_for, no_role_user):
    assert client_for(no_role_user).get("/account/api-tokens/").status_code == 403


def test_usable_tokens_exclude_expired_revoked_and_inactive_owners(pharmacist_user):
    good, _ = api_token_create(by=pharmacist_user, name="Good", lifetime_days=30)
    expired, _ = api_token_create(by=pharmacist_user, name="Expired", lifetime_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    other = get_user_model().objects.create_user("inactive-one", is_active=False)
    other.groups.add(*pharmacist_user.groups.all())

    assert set(ApiToken.objects.usable()) == {good}
    assert PHARMACY_PROFESSIONAL in pharmacist_user.groups.values_list("name", flat=True)


def test_a_token_name_with_an_nhs_number_is_refused(client_for, pharmacist_user):
    response = client_for(pharmacist_user).post(
        "/account/api-tokens/", {"name": "Feed for 943 476 5919", "lifetime_days": "90"}
    )

    assert response.status_code == 400
    assert "NHS number" in response.content.decode()
    assert "943 476 5919" in response.content.decode()  # what was typed is kept
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, 367])
def test_the_service_refuses_a_token_past_a_year_or_of_no_time(pharmacist_user, days):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at most a year"):
        api_token_create(by=pharmacist_user, name="Long", lifetime_days=days)
    assert not ApiToken.objects.exists()
