"""A row resource's CSV written by PostgreSQL itself: `COPY (SELECT …) TO STDOUT WITH CSV HEADER`.

The Python path (`api.paging.csv_chunks`) brings every row into Python, presents it and writes it
with the csv module: about 32,000 rows per CPU-second, too slow for a national visits extract.
Here the resource's own queryset (its rows function: the same selector, scoping, filters and
columns) becomes the inner query of one COPY whose outer SELECT formats each column exactly as
the Python path writes it — text through `safe_cell_sql` (the SQL twin of `safe_cell`), booleans
as true/false, dates and times as ISO 8601, empty text as an empty field — and the server streams
the rows; Python only changes each row's line end to the csv module's CRLF and groups rows into
chunks, so memory stays flat. Tests compare the two paths' bytes on the same, hostile, data.

Used on PostgreSQL for resources that give the SQL of their derived columns
(`Resource.copy_columns`); every other resource, and SQLite, take the Python path.
"""

import time

from django.db import connection
from psycopg import ClientCursor

from config.exports import safe_cell, safe_cell_sql

ROWS_A_CHUNK = 1000  # ~150 KB of visits a chunk handed to the server


def sql_text(value):
    """A constant as an SQL string literal (the outer query is merged client-side: no % in it)."""
    if "%" in value or "\\" in value:
        raise ValueError(f"{value!r}: say it with a parameter instead")
    return "'" + value.replace("'", "''") + "'"


def column(name):
    return f'v."{name}"'


def text_of(sql):
    """Text exactly as `safe_cell` leaves it; empty text as an empty field, as the csv module writes it
    (COPY writes "" for an empty string, and nothing for NULL)."""
    return f"NULLIF({safe_cell_sql(sql)}, '')"


def text_from_choices(sql, choices):
    """A coded column shown through a fixed table (code → text, as `api.rows.label` does): each known
    code's text is made safe here, in Python; an unknown code is shown as itself, made safe in SQL."""
    cases = " ".join(
        f"WHEN {sql_text(code)} THEN {sql_text(safe_cell(shown)) if shown else 'NULL'}"
        for code, shown in choices.items()
    )
    return f"CASE {sql} {cases} WHEN '' THEN NULL ELSE {text_of(sql)} END"


def _formatted(name, kind):
    """How the Python path's converter (`api.paging.csv_converters`) writes a column of this type."""
    sql = column(name)
    if kind.startswith("list"):
        raise ValueError(f"{name}: a list column needs its SQL in copy_columns")
    if "bool" in kind:
        return f"CASE WHEN {sql} THEN 'true' WHEN NOT {sql} THEN 'false' END"
    if "datetime.datetime" in kind:
        # As Python writes an aware UTC time in ISO 8601: microseconds only when there are some.
        utc = f"({sql} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, CASE WHEN date_trunc('second', {utc}) = {utc} "
            'THEN \'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\' ELSE \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\' END)'
        )
    if "datetime.date" in kind:
        return f"to_char({sql}, 'YYYY-MM-DD')"
    if "str" in kind:
        return text_of(sql)
    if "int" in kind:
        return sql
    raise ValueError(f"{name}: no SQL format for {kind}")  # floats: Python and PostgreSQL differ


def copy_statement(resource, queryset):
    """(sql, params) of the COPY: the resource's columns, in order, over its queryset."""
    derived = resource.copy_columns()
    selected = []
    for name, info in resource.schema.model_fields.items():
        sql = derived.get(name) or _formatted(name, str(info.annotation))
        selected.append(f'{sql} AS "{name}"')
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    # The inner query is Django's, with its parameters; the rest is built here from the schema.
    select = f'SELECT {", ".join(selected)} FROM ({inner}) AS v ORDER BY v."id"'  # noqa: S608
    statement = f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)"
    return statement, tuple(params)


def copy_csv_chunks(resource, queryset, counted):
    """The CSV as byte chunks, header first; `counted(rows)` is told the data rows sent, at the end
    or when the client goes away."""
    sent = 0
    started = time.monotonic()
    try:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            # COPY takes no server-side parameters: merge them here (an empty tuple still turns %% into
            # %), then use the raw psycopg cursor, as Django's wrapper has no copy().
            statement = ClientCursor(cursor.cursor.connection).mogrify(*copy_statement(resource, queryset))
            with cursor.cursor.copy(statement) as copy:
                chunk = []
                for row in copy:
                    chunk.append(row[:-1])  # PostgreSQL ends a row with LF, the csv module with CRLF
                    if len(chunk) == ROWS_A_CHUNK:
                        sent += len(chunk)
                        yield b"\r\n".join(chunk) + b"\r\n"
                        chunk = []
                if chunk:
                    sent += len(chunk)
                    yield b"\r\n".join(chunk) + b"\r\n"
        if connection.queries_logged:  # so query counts (tests, the bench) see the COPY
            connection.queries_log.append({"sql": statement, "time": f"{time.monotonic() - started:.3f}"})
    finally:
        counted(max(sent - 1, 0))  # the header is the first row
