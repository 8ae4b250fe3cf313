"""The read API at /api/v1/: JSON pages and streamed CSV for every resource, OpenAPI and docs.

Every endpoint: authenticate the token (Bearer or Basic), count it against the rate limit, check
the owner may read the resource (the page's own permission), read through the resource's
selector, log the use. Nothing else is written. The API object and its error answers are in
`api.site`, cursors and CSV streaming in `api.paging`.
"""

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Field, Query, Schema
from pydantic import create_model

from api.models import Deletion
from api.paging import csv_chunks, decode_cursor, encode_cursor, next_url, page, page_json
from api.receivers import DELETION_TRACKED
from api.resources import RESOURCES
from api.schemas import BadQuery, DeletionOut, ListQuery
from api.services import api_token_use_record
from api.site import ERRORS, api
from config.exports import safe_row
from organisations.access import may

__all__ = ["api"]


PAGE_FIELDS = {
    "results": "The page's rows",
    "next_cursor": "Give as `cursor` for the next page; null on the last page",
    "next": "The next page's URL (this query with its cursor); null on the last page",
    "limit": "Rows a page, as asked",
}


def _check(request, resource):
    if not may(request.user, resource.permission):
        raise PermissionDenied  # logged as the token's use by api.site


def _register(resource):
    page_schema = create_model(
        f"{resource.schema.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        results=(list[resource.schema], Field(..., description=PAGE_FIELDS["results"])),
        next_cursor=(str | None, Field(None, description=PAGE_FIELDS["next_cursor"])),
        next=(str | None, Field(None, description=PAGE_FIELDS["next"])),
        limit=(int, Field(..., description=PAGE_FIELDS["limit"])),
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
        body = page(resource, request, query)
        api_token_use_record(token=request.auth, resource=request.path, rows=len(body["results"]))
        # Rows are already in the schema's shape (the schemathesis test holds every answer to it, and
        # tests/api/test_api_json.py every page to what ninja writes after validating it): encoding
        # them directly costs a fifteenth of validating 1,000 rows through pydantic again.
        return HttpResponse(page_json(body, resource.schema), content_type="application/json")

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
        query.week_range()  # a bad query is a 400 now, not an error mid-stream
        query.clean_updated_since()
        response = StreamingHttpResponse(
            csv_chunks(resource, request, query), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{resource.name}.csv"'
        return response


for _resource in RESOURCES.values():
    _register(_resource)


class DeletionPage(Schema):
    results: list[DeletionOut] = Field(..., description=PAGE_FIELDS["results"])
    next_cursor: str | None = Field(None, description=PAGE_FIELDS["next_cursor"])
    next: str | None = Field(None, description=PAGE_FIELDS["next"])
    limit: int = Field(..., description=PAGE_FIELDS["limit"])


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
        "next": next_url(request, next_cursor) if next_cursor else None,
        "limit": query.limit,
    }


class ResourceLink(Schema):
    name: str = Field(description="The resource's name in its URL")
    title: str = Field(description="What it holds")
    json_url: str = Field(description="Its JSON pages")
    csv_url: str = Field(description="All its rows as CSV")


class RootOut(Schema):
    resources: list[ResourceLink] = Field(description="The resources this token may read")
    openapi: str = Field(description="URL of this API's OpenAPI document")
    data_dictionary: str = Field(description="URL of the data dictionary (CSV)")


@api.get(
    "/",
    response={200: RootOut, **ERRORS},
    summary="What this API serves",
    operation_id="root",
    tags=["About"],
)
def root(request):
    base = request.build_absolute_uri(reverse("api:api-root"))
    readable = [r for r in RESOURCES.values() if may(request.user, r.permission)]
    api_token_use_record(token=request.auth, resource=request.path, rows=len(readable))
    return {
        "resources": [
            {
                "name": r.name,
                "title": r.title,
                "json_url": f"{base}{r.name}",
                "csv_url": f"{base}{r.name}.csv",
            }
            for r in readable
        ],
        "openapi": f"{base}openapi.json",
        "data_dictionary": f"{base}data-dictionary.csv",
    }


def data_dictionary_rows():
    """(resource, column, type, description) for every column of every resource."""
    described = [(r.name, r.schema) for r in RESOURCES.values()] + [("deletions", DeletionOut)]
    for resource_name, schema in described:
        for name, info in schema.model_fields.items():
            kind = (
                str(info.annotation).replace("typing.", "").replace("datetime.", "").replace("<class '", "")
            )
            kind = kind.replace("'>", "")
            yield resource_name, name, kind, info.description or name.replace("_", " ").capitalize()


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
