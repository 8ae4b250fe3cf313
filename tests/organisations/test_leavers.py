"""A leaver (issue 13 §4): made inactive by the project manager, their sessions end at once, and
`staff_left` lets accounts and api unbind their identity and revoke their tokens."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create
from organisations.access import PHARMACY_PROFESSIONAL, SLT
from organisations.models import StaffMember
from organisations.services import staff_member_leave
from organisations.signals import staff_left
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(db):
    return user_with_role(PHARMACY_PROFESSIONAL, username="leaver")


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").status_code == 302  # signed in: sent on to their home page
    return client


def test_leaving_ends_every_session_at_once(pm_user, leaver):
    phone, ward_pc = signed_in(leaver), signed_in(leaver)
    bystander = signed_in(pm_user)

    staff_member_leave(by=pm_user, staff=leaver.staff_member)

    for client in (phone, ward_pc):
        response = client.get(reverse("carehomes:mine"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert bystander.get(reverse("carehomes:staff_list")).status_code == 200


def test_leaving_makes_the_person_and_their_login_inactive_with_history(pm_user, leaver):
    staff = staff_member_leave(by=pm_user, staff=leaver.staff_member, left_on=timezone.localdate())
    staff.refresh_from_db()
    leaver.refresh_from_db()
    assert staff.is_active is False
    assert staff.left_on == timezone.localdate()
    assert leaver.is_active is False
    latest = staff.history.first()
    assert latest.history_user == pm_user
    assert latest.history_change_reason == "Left"


def test_staff_left_is_sent_once_with_the_staff_member(pm_user, leaver):
    received = []

    def receiver(sender, staff, **kwargs):
        received.append((sender, staff.pk))

    staff_left.connect(receiver)
    try:
        staff_member_leave(by=pm_user, staff=leaver.staff_member)
    finally:
        staff_left.disconnect(receiver)
    assert received == [(StaffMember, leaver.staff_member.pk)]


def test_the_leavers_api_tokens_are_revoked(pm_user, leaver):
    token, _secret = api_token_create(by=leaver, name="Power BI", lifetime_days=30)
    staff_member_leave(by=pm_user, staff=leaver.staff_member)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.usable().filter(pk=token.pk).exists()


@pytest.mark.parametrize("role", [SLT, PHARMACY_PROFESSIONAL])
def test_only_the_project_manager_records_a_leaver(role, leaver):
    with pytest.raises(PermissionDenied):
        staff_member_leave(by=user_with_role(role), staff=leaver.staff_member)
    leaver.staff_member.refresh_from_db()
    assert leaver.staff_member.is_active


def test_a_leaver_cannot_leave_twice_or_in_the_future(pm_user, leaver):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        staff_member_leave(by=pm_user, staff=leaver.staff_member, left_on=tomorrow)
    staff_member_leave(by=pm_user, staff=leaver.staff_member)
    with pytest.raises(ValidationError, match="already left"):
        staff_member_leave(by=pm_user, staff=leaver.staff_member)


def test_the_project_manager_records_a_leaver_from_the_staff_page(client_for, pm_user, leaver):
    client = client_for(pm_user)
    url = reverse("carehomes:staff_leave", args=[leaver.staff_member.pk])
    detail = client.get(reverse("carehomes:staff_detail", args=[leaver.staff_member.pk])).content.decode()
    assert url in detail
    assert client.get(url).status_code == 200

    response = client.post(url, {"left_on": timezone.localdate().isoformat()})

    assert response.status_code == 302
    leaver.staff_member.refresh_from_db()
    assert leaver.staff_member.is_active is False


def test_a_future_leaving_date_is_refused_next_to_the_field(client_for, pm_user, leaver):
    client = client_for(pm_user)
    url = reverse("carehomes:staff_leave", args=[leaver.staff_member.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"left_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()
    leaver.staff_member.refresh_from_db()
    assert leaver.staff_member.is_active
