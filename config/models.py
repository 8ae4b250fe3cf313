"""The project's own tables (not part of any domain app)."""

from django.db import models
from django.utils import timezone


class DataVersion(models.Model):
    """One row: a number every committed write to the domain tables increases.

    It lives in the database so that every process sees the same number: web processes, Celery
    workers and management commands alike, on the embedded default (SQLite, no Redis) too.
    Cached figures are keyed by it (`config.freshness`).
    """

    version = models.BigIntegerField(default=1)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="data_version_single_row")]

    def __str__(self):
        return f"data version {self.version}"


class OutboxEmail(models.Model):
    """An e-mail the hub has to send: written in the same transaction as the record it is about.

    `config.mail.email_queue` writes the row; the mail task (`config.tasks.send_email`) sends it
    after the commit and, on a failure, the row stays due with a later `next_attempt_at` (back-off)
    until it is sent or given up. So a mail failure never fails or loses the saved record, and a
    message is never lost to a restart: whatever is due is sent by the periodic task on a worker
    or, on the embedded default, after the next request (ADR 0013). The body (which may hold a
    one-time link) and any attachment are cleared once the message is sent.
    """

    purpose = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    recipients = models.JSONField(default=list)
    hide_recipients = models.BooleanField(default=False, help_text="Sent as Bcc.")
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="outbox_email_due",
            )
        ]

    def __str__(self):
        state = "sent" if self.sent_at else ("given up" if self.given_up_at else "waiting")
        return f"{self.purpose} e-mail {self.pk} ({state})"
