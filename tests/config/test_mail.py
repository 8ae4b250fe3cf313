"""E-mail (issue 13 §1 and §5): every message through the one outbox and mail task, sent after the
commit, one-line subjects, absolute links; a mail failure never fails or loses the saved request
and the message is sent again later, on the embedded default (tasks in-process) too; nothing the
patient-data validator refuses reaches an e-mail, a log line or a task argument; and no module
but config/mail.py talks to the mail library."""

import ast
import datetime
import logging
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from config import mail as hub_mail
from config.mail import absolute_url, deliver, email_queue, one_line, send_due
from config.models import OutboxEmail
from config.tasks import send_email
from organisations.access import ORGANISATION_LEAD, SLT
from tests.factories import CareHomeFactory, PcnFactory, user_with_role
from workstreams.models import SupportRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]

ATTEMPTS = []
ROOT = Path(__file__).resolve().parents[2]
# A valid NHS number (Modulus 11), written as people write it.
NHS_NUMBER = "943 476 5919"


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


@pytest.fixture
def fresh_retry_clock(monkeypatch):
    """This process has not yet looked for due e-mail after a request."""
    monkeypatch.setattr(hub_mail, "_last_run", [0.0])


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
    (sent,) = OutboxEmail.objects.all()
    assert sent.sent_at and sent.purpose == "help request" and sent.body == ""  # body gone once sent


def test_nothing_is_sent_before_the_commit(client_for, lead, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_request(client_for(lead), "Cover for a lead on leave")
        assert mail.outbox == []
    assert OutboxEmail.objects.get().sent_at is None  # written with the request, waiting for the commit
    assert callbacks


def test_a_mail_failure_never_fails_or_loses_the_request_and_is_sent_after_a_later_request(
    client_for, lead, settings, django_capture_on_commit_callbacks, fresh_retry_clock
):
    """The embedded default: the task runs in-process, the server is down; later it is back."""
    assert settings.CELERY_TASK_ALWAYS_EAGER
    settings.EMAIL_RETRY_AFTER_REQUESTS = True
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    ATTEMPTS.clear()
    client = client_for(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = raise_request(client, "Cover for a lead on leave")
    assert response.status_code == 302
    assert SupportRequest.objects.filter(title="Cover for a lead on leave").exists()
    assert ATTEMPTS == [1]
    waiting = OutboxEmail.objects.get()
    assert (
        waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error == "ConnectionRefusedError"
    )
    assert waiting.next_attempt_at > timezone.now()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.get(reverse("workstreams:request_list"))  # not yet due: nothing is tried
    assert mail.outbox == [] and ATTEMPTS == [1]
    with time_machine.travel(waiting.next_attempt_at + datetime.timedelta(seconds=1)):
        assert client.get(reverse("workstreams:request_list")).status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Request for help: Cover for a lead on leave"
    assert OutboxEmail.objects.get().sent_at is not None


def test_retries_back_off_and_give_up_in_the_end(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    email = email_queue(subject="Hello", body="Body", recipients=["a@example.nhs.uk"], purpose="test")
    waits = []
    now = timezone.now()
    for _ in range(hub_mail.MAX_ATTEMPTS):
        assert deliver(email.pk, now=now) == "failed"
        email.refresh_from_db()
        if email.given_up_at is None:
            waits.append((email.next_attempt_at - now).total_seconds())
            now = email.next_attempt_at
    assert waits[:4] == [30, 60, 120, 240] and waits[-1] == 3600
    assert email.given_up_at is not None and email.attempts == hub_mail.MAX_ATTEMPTS
    assert deliver(email.pk, now=now) == "skipped"
    assert any("given up" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_a_message_held_by_one_sender_is_not_sent_by_another(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email = email_queue(subject="Hello", body="Body", recipients=["a@example.nhs.uk"], purpose="test")
    OutboxEmail.objects.filter(pk=email.pk).update(
        claimed_until=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert deliver(email.pk) == "skipped"
    assert send_due()["sent"] == 0
    assert mail.outbox == []
    assert deliver(email.pk, now=timezone.now() + datetime.timedelta(minutes=2)) == "sent"
    assert deliver(email.pk, now=timezone.now() + datetime.timedelta(minutes=9)) == "skipped"  # sent once
    assert len(mail.outbox) == 1


def test_on_a_worker_a_failure_is_retried_by_the_task_at_the_next_attempt(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    email = email_queue(subject="Hello", body="Body", recipients=["a@example.nhs.uk"], purpose="test")
    with mock.patch.object(send_email, "retry", side_effect=Retry) as retry, pytest.raises(Retry):
        send_email(email.pk)  # called as a worker calls it: not eager
    (countdown,) = [call.kwargs["countdown"] for call in retry.call_args_list]
    assert 25 <= countdown <= 30
    assert OutboxEmail.objects.get().attempts == 1


def test_the_periodic_task_and_the_command_send_what_is_due(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.management import call_command

    email_queue(subject="One", body="Body", recipients=["a@example.nhs.uk"], purpose="test")
    email_queue(subject="Two", body="Body", recipients=["b@example.nhs.uk"], purpose="test")
    from config.tasks import send_due_email

    assert send_due_email.apply().get() == {"sent": 2, "failed": 0, "skipped": 0}
    call_command("send_queued_email")
    assert sorted(m.subject for m in mail.outbox) == ["One", "Two"]
    from config.celery import app

    assert app.conf.beat_schedule["send-due-email"]["task"] == "config.tasks.send_due_email"


def test_links_in_emails_are_absolute(client_for, lead, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://hub.example.nhs.uk/"
    with django_capture_on_commit_callbacks(execute=True):
        raise_request(client_for(lead), "Cover for a lead on leave")
    request = SupportRequest.objects.get()
    assert f"https://hub.example.nhs.uk/help-requests/{request.pk}/" in mail.outbox[0].body
    assert absolute_url("/x/") == "https://hub.example.nhs.uk/x/"


# --- Nothing refused reaches an e-mail, a log line or a task argument --------------------------------


def test_a_refused_title_reaches_no_email_log_line_or_task_argument(
    client_for, lead, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    with mock.patch.object(send_email, "delay") as delay, django_capture_on_commit_callbacks(execute=True):
        response = raise_request(client_for(lead), f"Cover for Mrs Smith NHS no {NHS_NUMBER}")
    assert response.status_code == 200  # the form again, with the message next to the field
    assert "NHS number" in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not OutboxEmail.objects.exists() and mail.outbox == [] and not delay.called
    digits = NHS_NUMBER.replace(" ", "")
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        assert NHS_NUMBER not in text and digits not in text


def test_the_outbox_withholds_text_the_validator_refuses(caplog):
    assert (
        email_queue(subject="Fine", body=f"NHS {NHS_NUMBER}", recipients=["a@x.nhs.uk"], purpose="t") is None
    )
    assert email_queue(subject="DOB 01/02/1940", body="x", recipients=["a@x.nhs.uk"], purpose="t") is None
    assert not OutboxEmail.objects.exists()
    assert all(NHS_NUMBER not in r.getMessage() and "1940" not in r.getMessage() for r in caplog.records)
    assert any("withheld" in r.getMessage() for r in caplog.records)


def test_a_link_whose_token_holds_ten_digits_is_sent_and_the_same_digits_in_text_are_not():
    # A password reset link's token is random: about 1 in 100 holds ten digits passing the NHS
    # number check, and that e-mail used to be withheld, so the person never got their link.
    digits = NHS_NUMBER.replace(" ", "")
    link = f"https://hub.example.nhs.uk/accounts/reset/MjM/cz1k2m-a{digits}b3f/"

    sent = email_queue(
        subject="Reset your password", body=f"Follow {link}", recipients=["a@x.nhs.uk"], purpose="t"
    )

    assert sent is not None and link in sent.body
    assert (
        email_queue(subject="Fine", body=f"Resident a{digits}b", recipients=["a@x.nhs.uk"], purpose="t")
        is None
    )


def test_the_mail_task_takes_only_the_outbox_id(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch.object(send_email, "delay") as delay:
        email = email_queue(subject="Hello", body="Secret link", recipients=["a@x.nhs.uk"], purpose="t")
        hub_mail._queue_task(email.pk)
    delay.assert_called_once_with(email.pk)


# --- One way out -------------------------------------------------------------------------------------

MAIL_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
}
MAIL_NAMES |= {"get_connection"}


def _product_modules():
    skip = {".venv", "node_modules", "tests", "migrations", "static", "templates", "docs", "scripts"}
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & skip:
            yield path


def _mail_calls(tree):
    """Where a module reaches the mail library, or calls a parent's send_mail (Django's own sender)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
            found += [f"imports {a.name}" for a in node.names if a.name in MAIL_NAMES or a.name == "*"]
        if isinstance(node, ast.ImportFrom) and node.module == "django.core":
            found += [f"imports django.core.{a.name}" for a in node.names if a.name == "mail"]
        if isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name.startswith("django.core.mail")]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MAIL_NAMES
        ):
            found.append(f"calls .{node.func.attr}()")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"send", "send_messages"}
            and isinstance(node.func.value, ast.Call)
            and getattr(node.func.value.func, "id", "") in MAIL_NAMES
        ):
            found.append("sends a message")
    return found


def test_no_module_but_config_mail_sends_email():
    offenders = {}
    modules = list(_product_modules())
    assert len(modules) > 100  # the walk found the hub's code
    for path in modules:
        relative = path.relative_to(ROOT).as_posix()
        if relative == "config/mail.py":
            assert _mail_calls(ast.parse(path.read_text()))  # the one way out is seen by the check
            continue
        if calls := _mail_calls(ast.parse(path.read_text())):
            offenders[relative] = calls
    assert offenders == {}


def test_the_lint_sees_a_direct_send():
    code = "from django.core.mail import send_mail\nsend_mail('s', 'b', None, ['a@x'])\n"
    assert _mail_calls(ast.parse(code))
    assert _mail_calls(ast.parse("from django.core import mail\nmail.send_mail('s','b',None,[])\n"))
    assert _mail_calls(ast.parse("super().send_mail(a, b, c, d, e)\n"))
