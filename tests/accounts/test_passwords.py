"""Passwords people can manage: change your own, a forgotten-password link, a reset by the PM or a superuser."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import PasswordChangeRequired
from config.models import OutboxEmail
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER
from tests.factories import PASSWORD, StaffMemberFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CHANGE = "/accounts/password/"
FORGOTTEN = "/accounts/password/reset/"
NEW_PASSWORD = "a-brand-new-passphrase-7"
# The reset e-mail goes through the outbox after the commit (config/mail.py): the forgotten-password
# tests let the request's transaction really commit and run the mail task in-process.


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def without_csrf(content):
    return re.sub(rb'data-csrf-token="[^"]*"', b"", content)


def reset_link_from(message):
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


# --- Change your own password ---------------------------------------------------------------------


def test_sign_in_page_offers_a_forgotten_password_link(client):
    page = client.get(LOGIN).content.decode()

    assert 'href="/accounts/password/reset/"' in page
    assert "Forgotten your password?" in page


def test_change_own_password_then_sign_in_with_the_new_one(client, pharmacist_user):
    sign_in(client, pharmacist_user.username, PASSWORD)

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 302  # still signed in: the session survives the change
    assert "Your password has been changed." in client.get(response["Location"], follow=True).content.decode()
    assert sign_in(Client(), pharmacist_user.username, PASSWORD).status_code == 200
    assert sign_in(Client(), pharmacist_user.username, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("not-my-password-1", NEW_PASSWORD, NEW_PASSWORD, "Your current password is not right"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords are not the same"),
        (PASSWORD, "short-pw", "short-pw", "too short"),
        (PASSWORD, "password1234", "password1234", "too common"),
    ],
)
def test_change_own_password_refused_with_a_plain_reason(
    client_for, pharmacist_user, old, new1, new2, message
):
    client = client_for(pharmacist_user)

    response = client.post(CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    pharmacist_user.refresh_from_db()
    assert pharmacist_user.check_password(PASSWORD)


def test_change_password_needs_sign_in(client):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Forgotten your password ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_sends_a_link_that_sets_a_new_password_and_signs_in(client, pharmacist_user):
    response = client.post(FORGOTTEN, {"email": pharmacist_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pharmacist_user.email]
    link = reset_link_from(mail.outbox[0])
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()

    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(pharmacist_user.pk)
    assert sign_in(Client(), pharmacist_user.username, NEW_PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_link_works_once(client, pharmacist_user):
    client.post(FORGOTTEN, {"email": pharmacist_user.email})
    link = reset_link_from(mail.outbox[0])
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)

    assert "This link does not work" in again.content.decode()
    assert "Choose a new password" not in again.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_link_expires_after_24_hours(client, pharmacist_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(FORGOTTEN, {"email": pharmacist_user.email})
    link = reset_link_from(mail.outbox[0])

    with time_machine.travel(start + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert "Choose a new password" in Client().get(link, follow=True).content.decode()
    with time_machine.travel(start + datetime.timedelta(hours=24, minutes=1), tick=False):
        late = Client().get(link, follow=True)

    assert "This link does not work" in late.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_says_the_same_whether_or_not_the_address_is_known(pharmacist_user):
    known = Client().post(FORGOTTEN, {"email": pharmacist_user.email}, follow=True)
    unknown = Client().post(FORGOTTEN, {"email": "nobody-here@example.nhs.uk"}, follow=True)

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    # The pages differ only in their (per-client) CSRF token.
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_finds_the_staff_record_address(pharmacist_user):
    member = pharmacist_user.staff_member
    member.email = "work.address@nhs.net"
    member.save()
    pharmacist_user.email = ""
    pharmacist_user.save()

    Client().post(FORGOTTEN, {"email": "Work.Address@nhs.net"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Work.Address@nhs.net"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_sends_nothing_for_a_leaver(pharmacist_user):
    member = pharmacist_user.staff_member
    member.is_active = False
    member.save()

    Client().post(FORGOTTEN, {"email": pharmacist_user.email})

    assert mail.outbox == []


def test_forgotten_password_with_a_malformed_address_says_so(client):
    response = client.post(FORGOTTEN, {"email": "not an address"})

    assert response.status_code == 200
    assert "Enter an email address in the right format" in response.content.decode()
    assert 'value="not an address"' in response.content.decode()


# --- Reset by the project manager -------------------------------------------------------------------


def staff_reset(client, member):
    return client.post(f"/staff/{member.pk}/sign-in/password-reset/")


def test_pm_reset_gives_a_one_time_link_and_the_old_password_stops_working(
    client_for, pm_user, pharmacist_user
):
    member = pharmacist_user.staff_member
    victim_session = Client()
    sign_in(victim_session, pharmacist_user.username, PASSWORD)

    response = staff_reset(client_for(pm_user), member)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Link to hand on" in page
    link = re.search(r"<code>https?://[^/<]+(/accounts/reset/[^<]+)</code>", page).group(1)
    assert sign_in(Client(), pharmacist_user.username, PASSWORD).status_code == 200
    assert victim_session.get("/").status_code == 302  # their open session has ended
    assert victim_session.get("/").headers["Location"].startswith(LOGIN)
    assert PasswordChangeRequired.objects.filter(user=pharmacist_user).exists()

    person = Client()
    form = person.get(link, follow=True)
    done = person.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert not PasswordChangeRequired.objects.filter(user=pharmacist_user).exists()
    assert "This link does not work" in Client().get(link, follow=True).content.decode()


def test_a_pharmacist_cannot_reset_someone_elses_password(client_for, pharmacist_user):
    other = user_with_role(PHARMACY_PROFESSIONAL)

    response = staff_reset(client_for(pharmacist_user), other.staff_member)

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.check_password(PASSWORD)


def test_pm_cannot_reset_a_superusers_password(client_for, pm_user):
    boss = UserFactory(is_superuser=True, is_staff=True)
    member = StaffMemberFactory(user=boss)

    response = staff_reset(client_for(pm_user), member)

    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)


def test_pm_reset_of_a_staff_member_without_a_login_says_so(client_for, pm_user):
    member = StaffMemberFactory(user=None)

    response = staff_reset(client_for(pm_user), member)

    assert response.status_code == 400
    assert "has no login to reset" in response.content.decode()


def test_a_password_a_superuser_types_must_be_changed_at_next_sign_in(client_for, superuser, pharmacist_user):
    admin = client_for(superuser)
    admin.post(
        f"/admin/auth/user/{pharmacist_user.pk}/password/",
        {
            "password1": "temporary-passphrase-9",
            "password2": "temporary-passphrase-9",
            "usable_password": "true",
        },
    )
    person = Client()
    assert sign_in(person, pharmacist_user.username, "temporary-passphrase-9").status_code == 302

    blocked = person.get("/my-care-homes/")

    assert blocked.status_code == 302
    assert blocked["Location"] == CHANGE
    page = person.get(CHANGE).content.decode()
    assert "Your password was reset. Choose a new password before you go on." in page
    person.post(
        CHANGE,
        {
            "old_password": "temporary-passphrase-9",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert person.get("/my-care-homes/").status_code == 200
    assert not PasswordChangeRequired.objects.filter(user=pharmacist_user).exists()


def test_pm_sees_the_sign_in_page_slt_sees_it_without_reset(client_for, pm_user, slt_user, pharmacist_user):
    member = pharmacist_user.staff_member

    pm_page = client_for(pm_user).get(f"/staff/{member.pk}/sign-in/").content.decode()
    slt_page = Client()
    slt_page.force_login(slt_user, backend="django.contrib.auth.backends.ModelBackend")
    slt_html = slt_page.get(f"/staff/{member.pk}/sign-in/").content.decode()

    assert "Reset password" in pm_page
    assert pharmacist_user.username in slt_html
    assert "Reset password" not in slt_html


# --- Session limits ---------------------------------------------------------------------------------


@pytest.mark.deployed_session_renewal
def test_session_ends_twelve_hours_after_sign_in_however_active(client):
    user = user_with_role(PROJECT_MANAGER)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, user.username, PASSWORD)
    # Active every 20 minutes (never idle for 30) for almost 12 hours.
    moment = start
    while moment < start + datetime.timedelta(hours=11, minutes=40):
        moment += datetime.timedelta(minutes=20)
        with time_machine.travel(moment, tick=False):
            assert client.get("/gaps/").status_code == 200, moment - start

    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/gaps/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_in_process")
def test_forgotten_password_answer_is_the_same_when_the_mail_server_fails(settings, pharmacist_user, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens

    known = Client().post(FORGOTTEN, {"email": pharmacist_user.email}, follow=True)

    assert known.status_code == 200
    assert "Check your email" in known.content.decode()
    # The message waits in the outbox to be sent again (config/mail.py); the log names no address.
    (waiting,) = OutboxEmail.objects.filter(purpose="password reset")
    assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error
    assert not any(pharmacist_user.email in r.getMessage() for r in caplog.records)
