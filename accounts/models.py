"""Sign-in records: who must choose a new password (and, with NHS identity, identities and invitations)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
