"""The read API at /api/v1/: JSON pages and streamed CSV for every resource, OpenAPI and docs.

Every endpoint: authenticate the token (Bearer or Basic), count it against the rate limit, check
the owner may read the resource (the page's own permission), read through the resource's
selector, log the use. Nothing else is written.
"""

import base64
import binascii
import csv
import datetime
import io
import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.docs import Swagger
from pydantic import create_model

from api.auth import TOKEN_AUTH, TokenInQueryString, TokenRefused
from api.models import Deletion
from api.receivers import DELETION_TRACKED
from api.resources import RESOURCES, BadQuery, DeletionOut, ListQuery, suppress_small_numbers
from api.services import api_token_use_record
from api.throttling import RateLimited
from config.exports import safe_cell, safe_row
from config.forms import id_from_text
from organisations.access import may

CSV_CHUNK = 5000
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
    detail: str


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}


def _error(request, status, detail, **headers):
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


def encode_cursor(value):
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor, *, numeric):
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if numeric:
            number = id_from_text(value)
            if number is None:
                raise ValueError
            return int(number)
        return value
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadQuery("That cursor is not one this API gave out: start again without it.") from None


def _next_url(request, cursor):
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _page(resource, request, query):
    """One page of a resource: keyset on id (or on the gap key), so inserts never shift a page."""
    after = decode_cursor(query.cursor, numeric=not resource.computed) if query.cursor else None
    source = resource.rows(request.user, query)
    if resource.computed:
        rows = [r for r in source if after is None or r["key"] > after][: query.limit + 1]
    else:
        rows = list((source.filter(pk__gt=after) if after is not None else source)[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    results = resource.present(rows)
    if resource.aggregate and request.auth.publishes:
        suppress_small_numbers(results, resource.schema)
    next_cursor = None
    if more and rows:
        next_cursor = encode_cursor(rows[-1]["key"] if resource.computed else rows[-1]["id"])
    return {
        "results": results,
        "next_cursor": next_cursor,
        "next": _next_url(request, next_cursor) if next_cursor else None,
        "limit": query.limit,
    }


def _join(values):
    return safe_cell(";".join(values))


def _yes_no(value):
    return "" if value is None else ("true" if value else "false")


def _moment(value):
    return value.isoformat() if value is not None else ""


def _as_is(value):
    return value  # numbers and dates: the csv module writes them as ISO text already; None as ""


def csv_converters(schema):
    """One converter per column, chosen once from the schema's type: text is made formula-safe,
    lists are joined with semicolons, booleans are true/false, times are ISO 8601."""
    converters = []
    for info in schema.model_fields.values():
        kind = str(info.annotation)
        if kind.startswith("list"):
            converters.append(_join)
        elif "bool" in kind:
            converters.append(_yes_no)
        elif "datetime.datetime" in kind:
            converters.append(_moment)
        elif "str" in kind:
            converters.append(safe_cell)
        else:
            converters.append(_as_is)
    return list(zip(schema.model_fields, converters, strict=True))


def _csv_chunks(resource, request, query):
    """The header, then the rows a chunk at a time (keyset on id): constant memory whatever the size."""
    columns = resource.columns
    plan = csv_converters(resource.schema)
    token = request.auth
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    total = 0
    try:
        source = resource.rows(request.user, query)
        batches = [source] if resource.computed else _keyset_batches(source)
        for rows in batches:
            results = resource.present(rows)
            if resource.aggregate and token.publishes:
                suppress_small_numbers(results, resource.schema)
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([convert(row[c]) for c, convert in plan] for row in results)
            total += len(results)
            yield buffer.getvalue()
    finally:
        api_token_use_record(token=token, resource=request.path, rows=total)


def _keyset_batches(source):
    last = None
    while True:
        rows = list((source.filter(pk__gt=last) if last is not None else source)[:CSV_CHUNK])
        if not rows:
            return
        yield rows
        if len(rows) < CSV_CHUNK:
            return
        last = rows[-1]["id"]


def _check(request, resource):
    if not may(request.user, resource.permission):
        api_token_use_record(token=request.auth, resource=request.path, rows=0, status=403)
        raise PermissionDenied


def _register(resource):
    page_schema = create_model(
        f"{resource.schema.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        results=(list[resource.schema], ...),
        next_cursor=(str | None, None),
        next=(str | None, None),
        limit=(int, ...),
    )
    described = f"{resource.title}. " + (
        "Figures from 1 to 7 are null for tokens that publish outside the hub. " if resource.aggregate else ""
    )

    @api.get(
        f"/{resource.name}",
        response={200: page_schema, **ERRORS},
        summary=resource.title,
        description=described + "A page of rows, oldest id first; follow `next`.",
        operation_id=f"list_{resource.name.replace('-', '_')}",
        tags=[resource.title],
    )
    def list_view(request, query: Query[ListQuery]):
        _check(request, resource)
        page = _page(resource, request, query)
        api_token_use_record(token=request.auth, resource=request.path, rows=len(page["results"]))
        # Rows are already in the schema's shape (the schemathesis test holds every answer to it);
        # encoding them directly costs a sixth of validating 1,000 rows through pydantic again.
        return HttpResponse(json.dumps(page, cls=DjangoJSONEncoder), content_type="application/json")

    @api.get(
        f"/{resource.name}.csv",
        response={200: None, **ERRORS},
        summary=f"{resource.title} (CSV)",
        description=described + "Every row as CSV (UTF-8, header row, columns in the documented order), "
        "streamed. Lists are joined with semicolons.",
        operation_id=f"csv_{resource.name.replace('-', '_')}",
        tags=[resource.title],
        openapi_extra={
            "responses": {
                200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
            }
        },
    )
    def csv_view(request, query: Query[ListQuery]):
        _check(request, resource)
        if query.week:
            query.week_range()
        response = StreamingHttpResponse(
            _csv_chunks(resource, request, query), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{resource.name}.csv"'
        return response


for _resource in RESOURCES.values():
    _register(_resource)


class DeletionPage(Schema):
    results: list[DeletionOut]
    next_cursor: str | None = None
    next: str | None = None
    limit: int


class DeletionQuery(Schema):
    cursor: str | None = Field(
        None, max_length=100, pattern=r"^[A-Za-z0-9_-]*$", description="`next_cursor` of the page before"
    )
    limit: int = Field(100, ge=1, le=1000, description="Rows a page (1 to 1,000)")
    updated_since: datetime.datetime | None = Field(None, description="Only deletions at or after this time")
    resource: str | None = Field(
        None, max_length=40, pattern=r"^[a-z-]*$", description="Only this resource's deletions"
    )

    def clean_updated_since(self):
        return ListQuery.clean_updated_since(self)


@api.get(
    "/deletions",
    response={200: DeletionPage, **ERRORS},
    summary="Deleted rows",
    description="Rows deleted from the resources you may read (resource, id, deleted_at), oldest first. "
    "After a refresh with `updated_since`, drop these ids.",
    operation_id="list_deletions",
    tags=["Deletions"],
)
def deletions(request, query: Query[DeletionQuery]):
    readable = [name for name in DELETION_TRACKED if may(request.user, RESOURCES[name].permission)]
    if query.resource:
        if query.resource not in DELETION_TRACKED:
            raise BadQuery(
                f"There is no resource “{query.resource[:40]}”. Choose one of {', '.join(DELETION_TRACKED)}."
            )
        if query.resource not in readable:
            raise PermissionDenied
        readable = [query.resource]
    qs = Deletion.objects.filter(resource__in=readable).order_by("pk")
    since = query.clean_updated_since()
    if since:
        qs = qs.filter(deleted_at__gte=since)
    if query.cursor:
        qs = qs.filter(pk__gt=decode_cursor(query.cursor, numeric=True))
    rows = list(qs.values("pk", "resource", "object_id", "deleted_at")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = encode_cursor(rows[-1]["pk"]) if more else None
    api_token_use_record(token=request.auth, resource=request.path, rows=len(rows))
    return {
        "results": [
            {"resource": r["resource"], "id": r["object_id"], "deleted_at": r["deleted_at"]} for r in rows
        ],
        "next_cursor": next_cursor,
        "next": _next_url(request, next_cursor) if next_cursor else None,
        "limit": query.limit,
    }


class ResourceLink(Schema):
    name: str
    title: str
    json_url: str
    csv_url: str


class RootOut(Schema):
    resources: list[ResourceLink]
    openapi: str
    data_dictionary: str


@api.get(
    "/",
    response={200: RootOut, **ERRORS},
    summary="What this API serves",
    operation_id="root",
    tags=["About"],
)
def root(request):
    base = request.build_absolute_uri(reverse("api:api-root"))
    return {
        "resources": [
            {
                "name": r.name,
                "title": r.title,
                "json_url": f"{base}{r.name}",
                "csv_url": f"{base}{r.name}.csv",
            }
            for r in RESOURCES.values()
            if may(request.user, r.permission)
        ],
        "openapi": f"{base}openapi.json",
        "data_dictionary": f"{base}data-dictionary.csv",
    }


def data_dictionary_rows():
    """(resource, column, type, description) for every column of every resource."""
    for resource in RESOURCES.values():
        for name, info in resource.schema.model_fields.items():
            kind = (
                str(info.annotation).replace("typing.", "").replace("datetime.", "").replace("<class '", "")
            )
            kind = kind.replace("'>", "")
            yield resource.name, name, kind, info.description or name.replace("_", " ").capitalize()


@api.get(
    "/data-dictionary.csv",
    auth=None,
    response={200: None},
    summary="Data dictionary (CSV)",
    description="Every column of every resource: resource, column, type, description. No token needed.",
    operation_id="data_dictionary",
    tags=["About"],
    openapi_extra={
        "responses": {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def data_dictionary(request):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["resource", "column", "type", "description"])
    writer.writerows(safe_row(list(row)) for row in data_dictionary_rows())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-dictionary.csv"'
    return response
