"""Every change a person makes to sign-in: one function per use case, permission checked inside."""

import datetime
import logging
import secrets
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Identity, Invitation, PasswordChangeRequired, ProviderSession
from config.mail import email_queue
from config.security import loggable
from organisations.access import require
from organisations.permissions import Permission

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
    require(by, Permission.RESET_PASSWORD, staff)
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


# --- NHS identity: invitations, binding, sign-in, logout -----------------------------------------


class SignInRefused(Exception):
    """An NHS identity sign-in the hub refuses; `reason` picks the page that says why and what to do."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _staff_email(staff):
    return staff.email or (staff.user.email if staff.user_id else "")


@transaction.atomic
def invitation_create(*, staff, by, site_url):
    """The PM (or an organisation lead, for their own organisation) invites a staff member by e-mail to
    sign in with an NHS identity. The link works once, within INVITATION_DAYS days."""
    require(by, Permission.INVITE, staff)
    if not staff.is_active:
        raise ValidationError(f"{staff.name} has left: only current staff can be invited.")
    email = _staff_email(staff)
    if not email:
        raise ValidationError(
            f"Add an email address for {staff.name} first: the invitation is sent by email."
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        staff=staff,
        email=email,
        token_hash=Invitation.hash_token(token),
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    link = site_url.rstrip("/") + reverse("invitation", kwargs={"token": token})
    subject = f"{settings.HUB['SERVICE_NAME']}: sign in with your NHS identity"
    body = render_to_string(
        "accounts/email/invitation.txt",
        {"staff": staff, "link": link, "days": settings.INVITATION_DAYS, "invited_by": by},
    )
    email_queue(subject=subject, body=body, recipients=[email], purpose="invitation")
    security_log.info("invitation sent: staff=%s by=%s invitation=%s", staff.pk, by.pk, invitation.pk)
    return invitation


def _login_for(staff):
    """The staff member's login, made on first binding (no password; roles stay the hub's own)."""
    if staff.user_id:
        return staff.user
    from organisations.access import ORGANISATION_LEAD, PHARMACY_PROFESSIONAL

    user_model = get_user_model()
    username = f"staff-{staff.pk}"
    first, _, last = staff.name.partition(" ")
    user = user_model(username=username, email=staff.email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    role_group = {
        staff.Role.PHARMACIST: PHARMACY_PROFESSIONAL,
        staff.Role.TECHNICIAN: PHARMACY_PROFESSIONAL,
        staff.Role.CLINICAL_DIRECTOR: ORGANISATION_LEAD,
    }.get(staff.role)
    if role_group:
        user.groups.add(Group.objects.get(name=role_group))
    staff.user = user
    staff.save(update_fields=["user", "updated_at"])
    return user


def _organisation_mismatch(staff, org_codes):
    if not org_codes or staff is None:
        return False
    seen = {o["org_code"].upper() for o in org_codes if o.get("org_code")}
    ours = {
        o.ods_code.upper()
        for o in (staff.organisation, staff.second_organisation)
        if o is not None and o.ods_code
    }
    return bool(ours) and not (ours & seen)


@transaction.atomic
def identity_sign_in(*, identity, invitation_id=None):
    """An NHS identity has signed in at the provider: the login it is bound to, binding it first
    through an invitation. Refused (and logged) without a usable invitation; nothing is created then."""
    now = timezone.now()
    bound = (
        Identity.objects.select_for_update(of=("self",))
        .select_related("user__staff_member__organisation", "user__staff_member__second_organisation")
        .filter(provider=identity.provider, issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if bound is not None:
        user = bound.user
        staff = getattr(user, "staff_member", None)
        if not user.is_active or (staff is not None and not staff.is_active):
            _refuse("left", identity)
        bound.last_signed_in_at = now
        bound.org_codes, bound.role_codes = identity.org_codes, identity.role_codes
        bound.organisation_mismatch = _organisation_mismatch(staff, identity.org_codes)
        bound.save(update_fields=["last_signed_in_at", "org_codes", "role_codes", "organisation_mismatch"])
        return user
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("staff")
        .filter(pk=invitation_id)
        .first()
        if invitation_id
        else None
    )
    if invitation is None:
        _refuse("no_invitation", identity)
    if invitation.used_at is not None:
        _refuse("invitation_used", identity)
    if invitation.is_expired(now):
        _refuse("invitation_expired", identity)
    staff = invitation.staff
    if not staff.is_active:
        _refuse("left", identity)
    user = _login_for(staff)
    if Identity.objects.filter(user=user, provider=identity.provider).exists():
        _refuse("second_identity", identity)
    bound = Identity.objects.create(
        user=user,
        provider=identity.provider,
        issuer=identity.issuer,
        subject=identity.subject,
        bound_at=now,
        last_signed_in_at=now,
        org_codes=identity.org_codes,
        role_codes=identity.role_codes,
        organisation_mismatch=_organisation_mismatch(staff, identity.org_codes),
    )
    invitation.used_at = now
    invitation.identity = bound
    invitation.save(update_fields=["used_at", "identity"])
    security_log.info(
        "identity bound: user=%s provider=%s invitation=%s", user.pk, identity.provider, invitation.pk
    )
    return user


def _refuse(reason, identity):
    security_log.warning(
        "NHS identity sign-in refused (%s): provider=%s subject=%s",
        reason,
        identity.provider,
        loggable(identity.subject),
    )
    raise SignInRefused(reason)


@transaction.atomic
def provider_session_record(*, identity, user, session_key):
    """Remember which hub session this provider session opened (for back-channel logout)."""
    # No session outlives SESSION_MAX_AGE_HOURS, so neither does the map.
    cutoff = timezone.now() - datetime.timedelta(hours=settings.SESSION_MAX_AGE_HOURS)
    ProviderSession.objects.filter(created_at__lt=cutoff).delete()
    ProviderSession.objects.create(
        provider=identity.provider,
        issuer=identity.issuer,
        subject=identity.subject,
        sid=identity.sid,
        session_key=session_key,
        user=user,
    )


def _end_sessions(rows):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [row.session_key for row in rows]
    for key in keys:
        store(session_key=key).delete()
    ProviderSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(keys)


@transaction.atomic
def provider_sessions_end(*, provider, issuer, sid="", subject=""):
    """The provider says a session has ended (back-channel logout): end the hub sessions it opened."""
    rows = ProviderSession.objects.filter(provider=provider, issuer=issuer)
    rows = rows.filter(sid=sid) if sid else rows.filter(subject=subject)
    ended = _end_sessions(list(rows))
    security_log.info("back-channel logout: provider=%s sessions ended=%s", provider, ended)
    return ended


@transaction.atomic
def identities_unbind_for_leaver(*, staff):
    """A staff member has left: their NHS identities are unbound and the sessions they opened end."""
    if not staff.user_id:
        return 0
    unbound, _ = Identity.objects.filter(user_id=staff.user_id).delete()
    _end_sessions(list(ProviderSession.objects.filter(user_id=staff.user_id)))
    Invitation.objects.filter(staff=staff, used_at__isnull=True).update(expires_at=timezone.now())
    security_log.info("identities unbound for a leaver: staff=%s identities=%s", staff.pk, unbound)
    return unbound
