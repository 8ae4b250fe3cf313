"""Sign-in records: who must choose a new password (and, with NHS identity, identities and invitations)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.dates import uk_date


class PasswordChangeRequired(models.Model):
    """A login whose next password sign-in must choose a new password first (set by a reset)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="password_change_required",
    )
    required_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    required_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "password change required"
        verbose_name_plural = "password changes required"

    def __str__(self):
        return f"{self.user} must choose a new password"


class Provider(models.TextChoices):
    CIS2 = "cis2", "NHS Care Identity"
    NHSMAIL = "nhsmail", "NHSmail"


class Identity(models.Model):
    """An NHS identity (the provider's issuer and subject) bound to a login: one per provider per person.

    A person is matched on issuer and subject, never on e-mail. For CIS2 the organisations and
    role codes seen at the last sign-in are kept, to show on the person's page and to flag a
    mismatch with their hub organisation to the project manager.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities")
    provider = models.CharField(max_length=20, choices=Provider.choices)
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    bound_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    org_codes = models.JSONField("organisations (CIS2)", default=list, blank=True)
    role_codes = models.JSONField("roles (CIS2)", default=list, blank=True)
    organisation_mismatch = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "identities"
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "issuer", "subject"], name="identity_bound_once"),
            models.UniqueConstraint(fields=["user", "provider"], name="identity_one_per_provider_per_person"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} identity of {self.user}"


class Invitation(models.Model):
    """A one-time link, valid for INVITATION_DAYS, that binds the NHS identity signing in through it."""

    staff = models.ForeignKey(
        "organisations.StaffMember", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["staff", "-created_at"])]

    def __str__(self):
        return f"Invitation for {self.staff} ({uk_date(self.created_at)})"

    @staticmethod
    def hash_token(token):
        """Only a hash of the link's token is stored: reading the database gives no working link."""
        return hashlib.sha256(token.encode()).hexdigest()

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at


class ProviderSession(models.Model):
    """Which hub session a provider's session (its `sid`, or the subject) signed in: for back-channel logout."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    sid = models.CharField(max_length=255, blank=True)
    session_key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["provider", "issuer", "sid"]),
            models.Index(fields=["provider", "issuer", "subject"]),
        ]

    def __str__(self):
        return f"{self.provider} session of {self.user}"
