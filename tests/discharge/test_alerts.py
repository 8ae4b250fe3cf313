"""The hourly alerts: each lost, overdue or stalled follow-up is e-mailed once, however often it runs."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from config.mail import send_due
from config.models import OutboxEmail
from discharge.models import DischargeAlert
from discharge.tasks import send_discharge_alerts
from organisations.access import COMMUNITY_PHARMACY
from tests.factories import DischargeFollowUpFactory, StaffMemberFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]


@pytest.fixture
def lost():
    received = timezone.now() - datetime.timedelta(days=6)
    follow_up = DischargeFollowUpFactory(received_at=received, routed_at=received)
    StaffMemberFactory(organisation=follow_up.pharmacy, email="dispensary@example.nhs.uk")
    return follow_up


def test_running_the_task_twice_sends_one_alert(lost, pm_user, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://hub.example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        first = send_discharge_alerts.apply().get()
        second = send_discharge_alerts.apply().get()
    assert first["sent"] == 1 and second["sent"] == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert lost.reference in message.subject and "lost" in message.subject
    assert set(message.to) == {"dispensary@example.nhs.uk", pm_user.email}
    assert f"https://hub.example.nhs.uk/discharges/{lost.pk}/" in message.body


def test_a_fresh_follow_up_raises_no_alert(pm_user):
    DischargeFollowUpFactory()
    assert send_discharge_alerts.apply().get() == {"raised": 0, "sent": 0, "failed": 0}
    assert mail.outbox == []


def test_an_alert_that_could_not_be_queued_is_tried_on_the_next_run(
    lost, pm_user, django_capture_on_commit_callbacks
):
    with mock.patch("discharge.alerts.email_queue", side_effect=ConnectionRefusedError):
        assert send_discharge_alerts.apply().get()["failed"] == 1
    alert = DischargeAlert.objects.get()
    assert alert.sent_at is None and alert.attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_discharge_alerts.apply().get()["sent"] == 1
    assert len(mail.outbox) == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_an_undelivered_alert_is_sent_again_from_the_outbox(
    lost, pm_user, settings, django_capture_on_commit_callbacks
):
    """The mail server is down when the alert goes: the outbox keeps it and sends it when due."""
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_discharge_alerts.apply().get()["sent"] == 1
    waiting = OutboxEmail.objects.get(purpose="discharge alert")
    assert waiting.sent_at is None and waiting.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due(now=waiting.next_attempt_at)["sent"] == 1
    (message,) = mail.outbox
    assert lost.reference in message.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert send_discharge_alerts.apply().get()["sent"] == 0  # the alert itself is not raised twice
    assert len(mail.outbox) == 1


def test_acknowledged_follow_ups_are_not_lost(lost, pm_user):
    from discharge.services import followup_acknowledge

    followup_acknowledge(by=user_with_role(COMMUNITY_PHARMACY, organisation=lost.pharmacy), follow_up=lost)
    send_discharge_alerts.apply().get()
    assert not DischargeAlert.objects.filter(kind="lost").exists()
