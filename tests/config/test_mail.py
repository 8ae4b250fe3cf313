"""E-mail (issue 13 §5): one-line subjects, sent by a Celery task with retries, never failing or
losing the saved request (on the embedded default too, where tasks run in-process), with
absolute links from SITE_URL."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from config.mail import absolute_url, one_line
from config.tasks import send_email
from organisations.access import ORGANISATION_LEAD, SLT
from tests.factories import CareHomeFactory, PcnFactory, user_with_role
from workstreams.models import SupportRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]

ATTEMPTS = []


class FailingBackend(BaseEmailBackend):
    """A mail server that is down: every send raises."""

    def send_messages(self, email_messages):
        ATTEMPTS.append(len(email_messages))
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def lead(db):
    pcn = PcnFactory(name="Chapeltown PCN")
    CareHomeFactory(name="Aire View", pcn=pcn)
    user_with_role(SLT, username="chief")
    return user_with_role(ORGANISATION_LEAD, username="pcn-lead", organisation=pcn)


def raise_request(client, title):
    needed_by = timezone.localdate() + datetime.timedelta(days=7)
    return client.post(
        reverse("workstreams:request_create"),
        {
            "title": title,
            "hours_per_week": "4",
            "locality": "Leeds North",
            "needed_by": needed_by.isoformat(),
            "urgency": "soon",
        },
    )


def test_one_line_subjects():
    assert one_line("Cover\r\nfor a lead\n\ton leave") == "Cover for a lead on leave"
    assert len(one_line("x" * 1000)) == 150


def test_a_line_break_in_a_title_saves_the_request_and_sends_a_one_line_subject(
    client_for, lead, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = raise_request(client_for(lead), "Cover for a lead\r\non leave")
    assert response.status_code == 302
    assert SupportRequest.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Request for help: Cover for a lead on leave"


def test_a_mail_failure_never_fails_or_loses_the_request_and_is_retried(
    client_for, lead, settings, django_capture_on_commit_callbacks
):
    """The embedded default: Celery runs the task in-process (eager), and the server is down."""
    assert settings.CELERY_TASK_ALWAYS_EAGER
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    ATTEMPTS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = raise_request(client_for(lead), "Cover for a lead on leave")
    assert response.status_code == 302
    assert SupportRequest.objects.filter(title="Cover for a lead on leave").exists()
    assert len(ATTEMPTS) == 1  # tried once in-process; the failure stayed out of the request


def test_a_mail_failure_is_retried_by_the_worker():
    """On a worker the task is retried on any error, with back-off, before it gives up."""
    assert send_email.autoretry_for == (Exception,)
    assert send_email.max_retries == 6
    assert send_email.retry_backoff == 30


def test_links_in_emails_are_absolute(client_for, lead, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://hub.example.nhs.uk/"
    with django_capture_on_commit_callbacks(execute=True):
        raise_request(client_for(lead), "Cover for a lead on leave")
    request = SupportRequest.objects.get()
    assert f"https://hub.example.nhs.uk/help-requests/{request.pk}/" in mail.outbox[0].body
    assert absolute_url("/x/") == "https://hub.example.nhs.uk/x/"
