"""The SQL formula guard (`safe_cell_sql`, used when PostgreSQL writes CSV itself) leaves every value
exactly as the Python guard (`safe_cell`) does."""

import pytest
from django.db import connection

from config.exports import safe_cell, safe_cell_sql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+441132000000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "\n=1",
    "|calc",
    "%0A",
    "\x01=cmd",  # a control character hiding a formula: removed, then the formula is caught
    "\x1f\x0b+1",
    "\ufffe\uffff-1",
    "text\x07with\x08controls",
    "keeps\ttab and\r\nline breaks inside",
    "'=already quoted",
    "   =leading spaces",
    "é=not a trigger",
    "\x7fDEL and \x85NEL are printable enough for XML",
    "\u2028line separator",
    'quote " and , comma',
    "",
    "Meadow View Care Home",
    None,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_sql_guard_writes_what_the_python_guard_writes(value):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {safe_cell_sql('v')} FROM (SELECT %s::text AS v) AS t", [value])  # noqa: S608
        written = cursor.fetchone()[0]

    assert written == safe_cell(value)
