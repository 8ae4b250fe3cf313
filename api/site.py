"""The read API's NinjaAPI at /api/v1/: its description, and how every refusal is answered.

The endpoints themselves are registered on it by `api.endpoints` (config/urls.py imports `api`
from there, so they are always registered before the URLs are built).
"""

from django.core.exceptions import PermissionDenied
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.docs import Swagger

from api.auth import TOKEN_AUTH, TokenInQueryString, TokenRefused
from api.schemas import BadQuery
from api.services import api_token_use_record
from api.throttling import RateLimited

REALM = 'Basic realm="Care Home Pharmacy Hub API", charset="UTF-8"'

api = NinjaAPI(
    title="Care Home Pharmacy Hub read API",
    version="1",
    description=(
        "Read-only figures of the Care Home Pharmacy Hub for Power BI, Excel and scripts. "
        "Send an API token (made at /account/api-tokens/) as `Authorization: Bearer <token>` or as "
        "the password of HTTP Basic; never in the URL. A token reads exactly what its owner reads "
        "in the hub. Lists page by `cursor` (follow `next` until it is null); `updated_since` and "
        "/deletions give an incremental refresh. Every list is also CSV at `<resource>.csv`."
    ),
    auth=TOKEN_AUTH,
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


class ErrorOut(Schema):
    detail: str = Field(description="Why the request was refused, in plain English")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}


def _error(request, status, detail, **headers):
    """The refusal as JSON; a known token's refused request is logged as its use, like any other."""
    token = getattr(request, "api_token", None)
    if token is not None:
        api_token_use_record(token=token, resource=request.path, rows=0, status=status)
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(
        request,
        401,
        "Send an API token: Authorization: Bearer <token>, or HTTP Basic with the token as the password.",
        WWW_Authenticate=REALM,
    )


@api.exception_handler(TokenRefused)
def _refused(request, exc):
    return _error(request, 401, str(exc), WWW_Authenticate=REALM)


@api.exception_handler(TokenInQueryString)
def _in_query_string(request, exc):
    return _error(request, 400, TokenInQueryString.message)


@api.exception_handler(RateLimited)
def _throttled(request, exc):
    return _error(
        request,
        429,
        f"Too many requests. Try again in {exc.retry_after} seconds.",
        Retry_After=str(exc.retry_after),
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "Your role does not let you read this in the hub, so neither can your token.")


@api.exception_handler(BadQuery)
def _bad_query(request, exc):
    return _error(request, 400, str(exc))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'request'}: {e.get('msg', 'not valid')}"
        for e in exc.errors
    )
    return _error(request, 400, f"The request is not valid: {problems}")
