"""Paging and streaming for the read API: opaque cursors, one JSON page, and CSV a chunk at a time.

Row resources page by keyset on id; computed resources (gaps, discharge aggregates) by their
stable `key`. Either way, a page reads only what it shows, and a CSV extract streams in chunks of
`CSV_CHUNK` rows in constant memory.
"""

import base64
import binascii
import csv
import io
import itertools
import re

import pydantic_core
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from api.csv_copy import copy_csv_chunks
from api.resources import suppress_small_numbers
from api.schemas import BadQuery
from api.services import api_token_use_record
from config.exports import safe_cell
from config.forms import id_from_text

CSV_CHUNK = 5000


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


def next_url(request, cursor):
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page(resource, request, query):
    """One page of a resource: keyset on id (or on the gap key), so inserts never shift a page."""
    after = decode_cursor(query.cursor, numeric=not resource.computed) if query.cursor else None
    if resource.computed:
        # The rows function reads from the cursor on, `limit + 1` rows a query: never the whole set.
        source = resource.rows(request.user, query, after=after, chunk=query.limit + 1)
        rows = list(itertools.islice(source, query.limit + 1))
    else:
        source = resource.rows(request.user, query)
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
        "next": next_url(request, next_cursor) if next_cursor else None,
        "limit": query.limit,
    }


_django_json = DjangoJSONEncoder().default


def page_json(body, schema):
    """A page as JSON bytes, encoded by pydantic-core (a third of the time of `json.dumps` with
    Django's encoder for 1,000 rows), with every value as Django's encoder (and so ninja's)
    writes it: times go through Django's encoder first (milliseconds, "Z" for UTC), as would any
    type pydantic-core does not know. The rows are already in the schema's shape, unvalidated."""
    times = [name for name, info in schema.model_fields.items() if _TIME_TYPES.search(str(info.annotation))]
    if times:
        for row in body["results"]:
            for name in times:
                if row[name] is not None:
                    row[name] = _django_json(row[name])
    return pydantic_core.to_json(body, fallback=_django_json)


_TIME_TYPES = re.compile(r"datetime\.(datetime|time|timedelta)")


def _join(values):
    return safe_cell(";".join(values))


def _yes_no(value):
    return "" if value is None else ("true" if value else "false")


def _moment(value):
    return value.isoformat() if value is not None else ""


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
            converters.append(None)  # numbers and dates: the csv module writes them as ISO text already
    return list(zip(schema.model_fields, converters, strict=True))


def written_by_postgres(resource, token):
    return (
        resource.copy_columns is not None
        and connection.vendor == "postgresql"
        and not (resource.aggregate and token.publishes)
    )


def csv_chunks(resource, request, query):
    """The header, then the rows a chunk at a time: written by PostgreSQL where the resource allows
    (`api.csv_copy`), else keyset chunks on id through Python. Constant memory whatever the size."""
    token = request.auth
    if written_by_postgres(resource, token):
        yield from copy_csv_chunks(
            resource,
            resource.rows(request.user, query),
            lambda rows: api_token_use_record(token=token, resource=request.path, rows=rows),
        )
        return
    yield from _python_csv_chunks(resource, request, query)


def _python_csv_chunks(resource, request, query):
    columns = resource.columns
    plan = csv_converters(resource.schema)
    token = request.auth
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    total = 0
    try:
        if resource.computed:
            source = resource.rows(request.user, query, chunk=CSV_CHUNK)
            batches = iter(lambda: list(itertools.islice(source, CSV_CHUNK)), [])
        else:
            batches = _keyset_batches(resource.rows(request.user, query))
        for rows in batches:
            results = resource.present(rows)
            if resource.aggregate and token.publishes:
                suppress_small_numbers(results, resource.schema)
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(
                [row[c] if convert is None else convert(row[c]) for c, convert in plan] for row in results
            )
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
