"""How a request shows its token: `Authorization: Bearer <token>` or HTTP Basic with the token as
the password (Power BI and Excel keep it as a credential that way). Never in the query string:
URLs end up in logs, browser history and report definitions."""

from ninja.security import HttpBasicAuth, HttpBearer

from api.models import TOKEN_PREFIX
from api.selectors import api_token_for_secret, api_token_refusal
from api.throttling import rate_limit_check

QUERY_STRING_NAMES = frozenset({"token", "access_token", "api_key", "apikey", "key", "auth", "password"})


class TokenInQueryString(Exception):
    message = (
        "An API token is never accepted in the URL. Send it in the Authorization header "
        "(Bearer <token>), or as the password of HTTP Basic."
    )


class TokenRefused(Exception):
    pass


def _refuse_query_string(request):
    """A parameter named like a credential, or any value holding a token, whatever its name."""
    if QUERY_STRING_NAMES & {name.lower() for name in request.GET} or TOKEN_PREFIX in request.META.get(
        "QUERY_STRING", ""
    ):
        raise TokenInQueryString


def _authenticate(request, secret):
    token = api_token_for_secret(secret)
    if token is None:
        refused, reason = api_token_refusal(secret)
        if reason:
            request.api_token = refused  # the refusal is logged as the token's use (api.site)
            raise TokenRefused(reason)
        return None
    request.api_token = token  # a refusal from here on is logged as the token's use (api.site)
    rate_limit_check(token.pk)
    request.user = token.user
    return token


class BearerToken(HttpBearer):
    def __call__(self, request):
        _refuse_query_string(request)
        return super().__call__(request)

    def authenticate(self, request, token):
        return _authenticate(request, token)


class BasicToken(HttpBasicAuth):
    """HTTP Basic: any user name, the token as the password."""

    def __call__(self, request):
        _refuse_query_string(request)
        return super().__call__(request)

    def authenticate(self, request, username, password):
        return _authenticate(request, password)


TOKEN_AUTH = [BearerToken(), BasicToken()]
