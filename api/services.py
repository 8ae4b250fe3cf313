"""Every write the read API makes: its own tokens and their use log, nothing else."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from api.models import TOKEN_PREFIX, ApiToken, ApiTokenUse, digest_of
from config.patient_data import check_free_text
from organisations.access import acting_as, require
from organisations.permissions import Permission

MAX_LIFETIME_DAYS = 366  # "at most a year", counted generously for a leap year
SERVICE_ACCOUNT_PREFIX = "service-"


def _service_account(*, name, role, by):
    """The login of a named service account: no password, one role, made once."""
    username = SERVICE_ACCOUNT_PREFIX + slugify(name)[:100]
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name[:150], "last_name": "(service account)"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    with acting_as(by):  # an SLT or project manager role given here is announced as given by `by`
        user.groups.set([Group.objects.get(name=role)])
    return user


@transaction.atomic
def api_token_create(*, by, name, lifetime_days, publishes=False, service_account="", service_role=""):
    """Make a token for `by` themselves (or, by a superuser, for a named service account).

    Returns (token, secret): the secret is shown once and never stored.
    """
    require(by, Permission.ADD_APITOKEN)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token"})
    if not 1 <= int(lifetime_days) <= MAX_LIFETIME_DAYS:
        raise ValidationError({"lifetime_days": "A token lasts at most a year"})
    check_free_text(name=name, service_account=service_account)
    owner = by
    if service_account or publishes:
        require(by, Permission.ADD_SERVICE_TOKEN)
    if service_account:
        if not service_role:
            raise ValidationError({"service_role": "Choose what the service account may read"})
        owner = _service_account(name=service_account.strip(), role=service_role, by=by)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        name=name,
        user=owner,
        created_by=by,
        key_digest=digest_of(secret),
        key_hint=secret[: len(TOKEN_PREFIX) + 4],
        created_at=now,
        expires_at=now + datetime.timedelta(days=int(lifetime_days)),
        publishes=bool(publishes),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, by, token, reason="Revoked by its owner"):
    """Revoke a token now: the next request with it is refused."""
    require(by, Permission.CHANGE_APITOKEN, token)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason[:200]
        )
        token.refresh_from_db()
    return token


@transaction.atomic
def api_tokens_revoke_for_leaver(*, staff):
    """A staff member left: every token of their login stops working (sent by `staff_left`)."""
    if staff.user_id is None:
        return 0
    return ApiToken.objects.filter(user_id=staff.user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason="Owner left"
    )


def api_token_use_record(*, token, resource, rows, status=200):
    """Log one use of a token and move its last-used time on (two small writes, no lock held)."""
    now = timezone.now()
    ApiTokenUse.objects.create(token=token, used_at=now, resource=resource[:200], rows=rows, status=status)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
