"""Every change a person makes to sign-in: one function per use case, permission checked inside."""

import logging
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import PasswordChangeRequired
from organisations.access import require

security_log = logging.getLogger("hub.security")


@dataclass(frozen=True)
class PasswordResetLink:
    """The parts of a one-time "choose a new password" link (the view makes it absolute)."""

    uidb64: str
    token: str


@transaction.atomic
def password_reset_link_create(*, staff, by):
    """The project manager (or a superuser) resets a staff member's password.

    The old password stops working at once (and with it every session of that login); the
    person gets a one-time link, valid for PASSWORD_RESET_TIMEOUT, to choose a new one, and
    must choose a new password before anything else at their next password sign-in.
    """
    require(by, "accounts.reset_password", staff)
    user = staff.user
    if user is None:
        raise ValidationError(f"{staff.name} has no login to reset.")
    if user.is_superuser and not by.is_superuser:
        security_log.warning("access refused: user=%s reset the password of superuser=%s", by.pk, user.pk)
        raise PermissionDenied
    if user.pk == by.pk:
        raise ValidationError("Change your own password on the “Change your password” page.")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    PasswordChangeRequired.objects.update_or_create(
        user=user, defaults={"required_by": by, "required_at": timezone.now()}
    )
    security_log.info("password reset by another: user=%s by=%s", user.pk, by.pk)
    return PasswordResetLink(
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)), token=default_token_generator.make_token(user)
    )


@transaction.atomic
def password_change_requirement_clear(*, user):
    """A new password has been chosen: nothing more is owed."""
    PasswordChangeRequired.objects.filter(user=user).delete()
    security_log.info("password changed: user=%s", user.pk)


@transaction.atomic
def password_change_require(*, user, by):
    """A superuser typed a password for someone (in the admin): they must choose their own next."""
    if not by.is_superuser:
        raise PermissionDenied
    PasswordChangeRequired.objects.update_or_create(
        user=user, defaults={"required_by": by, "required_at": timezone.now()}
    )
    security_log.info("password set by another: user=%s by=%s", user.pk, by.pk)
