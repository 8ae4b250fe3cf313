"""API tokens, their use, and the deletions feed: the only rows the read API writes.

A token's secret is shown once when it is made and stored only as its SHA-256 digest: the
secret is 256 random bits, so a fast hash is enough (there is nothing to guess from a digest),
and looking a token up by its digest is one index read per request.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.dates import uk_date
from config.patient_data import FreeTextModel

TOKEN_PREFIX = "chph_"  # noqa: S105 - a recognisable prefix (for secret scanners), not a secret


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(FreeTextModel, models.Model):
    FREE_TEXT_FIELDS = ("name", "revoked_reason")

    name = models.CharField(max_length=100, help_text="What the token is for, so you know it later")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The login whose access the token reads with",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(
        max_length=12, editable=False, help_text="The first characters, to recognise it"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    publishes = models.BooleanField(
        "publishes outside the hub",
        default=False,
        help_text="Aggregate figures from 1 to 7 are suppressed for tokens whose figures are published",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after_made"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_hint}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return not self.is_revoked and not self.is_expired


class ApiTokenUse(models.Model):
    """One request made with a token: which resource, how many rows, what answer."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    used_at = models.DateTimeField(default=timezone.now)
    resource = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(default=200)

    class Meta:
        ordering = ["-used_at", "-pk"]
        indexes = [models.Index(fields=["token", "-used_at"], name="apitokenuse_token_recent")]

    def __str__(self):
        return f"{self.token_id} {self.resource} {self.rows}"


class Deletion(models.Model):
    """A row that was deleted, so an incremental refresh can drop it (resource, id, when)."""

    resource = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["resource", "deleted_at"], name="deletion_resource_when")]

    def __str__(self):
        return f"{self.resource} {self.object_id} deleted {uk_date(self.deleted_at)}"


class RateCounter(models.Model):
    """Requests per token per window, for the embedded default (no Redis): shared by every process."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
