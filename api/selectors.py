"""Reads for the token pages and for authenticating a request."""

from django.db.models import Count, Max, Q, Sum

from api.models import ApiToken, ApiTokenUse, digest_of

USE_LIMIT = 50


def api_token_list(*, user):
    """The tokens a person made or owns (a superuser's service-account tokens included), newest first,
    each with its number of uses and rows served (one query)."""
    return (
        ApiToken.objects.filter(Q(user=user) | Q(created_by=user))
        .select_related("user")
        .annotate(use_count=Count("uses"), rows_served=Sum("uses__rows"), last_use=Max("uses__used_at"))
        .order_by("-created_at", "-pk")
    )


def api_token_detail(*, user, pk):
    return api_token_list(user=user).get(pk=pk)


def api_token_uses(token, limit=USE_LIMIT):
    """The token's latest uses: when, which resource, how many rows, what answer."""
    return list(ApiTokenUse.objects.filter(token=token).order_by("-used_at", "-pk")[:limit])


def api_token_for_secret(secret):
    """The usable token a secret belongs to, with its login, or None (one query)."""
    if not secret or len(secret) > 200:
        return None
    return ApiToken.objects.usable().select_related("user").filter(key_digest=digest_of(secret)).first()


def api_token_refusal(secret):
    """(token, why) for a known secret that is refused (expired, revoked, owner gone), for a plain
    message and the token's use log; (None, None) if the secret is unknown or usable."""
    if not secret or len(secret) > 200:
        return None, None
    token = ApiToken.objects.select_related("user").filter(key_digest=digest_of(secret)).first()
    if token is None:
        return None, None
    if token.revoked_at is not None:
        return token, "This token has been revoked. Make a new one at /account/api-tokens/."
    if token.is_expired:
        return token, "This token has expired. Make a new one at /account/api-tokens/."
    if not token.user.is_active:
        return token, "The account this token belongs to is no longer active."
    return None, None
