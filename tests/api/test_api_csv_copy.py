"""On PostgreSQL the visits CSV is written by the database (`COPY … TO STDOUT`, api/csv_copy.py):
byte for byte the CSV the Python path writes, for the same person, filters and hostile data; one
query however many rows; and the token's use log still counts the rows."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api import csv_copy, paging
from api.models import ApiTokenUse
from api.services import api_token_create
from carehomes.models import CareHome, Visit
from organisations.models import StaffMember
from tests.factories import CareHomeFactory, PcnFactory, StaffMemberFactory, VisitFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example","click")',
    "+441132000000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "|calc",
    "%0A",
    "\x01=cmd",
    "text\x07with\x08controls",
    'line\r\nbreak, comma and "quote"',
    "'=already quoted",
    "Café ☕ Care Home",
]


def city():
    """Visits to homes and by staff with every kind of hostile name (stored past the form's checks,
    as old or imported data could be), in every mode, some with odd codes and whole-second times."""
    pcn = PcnFactory()
    visits = []
    for i, name in enumerate(HOSTILE_NAMES):
        home = CareHomeFactory(pcn=pcn if i % 2 else None, locality="Leeds North" if i % 3 else "Leeds South")
        staff = StaffMemberFactory()
        CareHome.objects.filter(pk=home.pk).update(name=name)
        StaffMember.objects.filter(pk=staff.pk).update(name=name[::-1])
        visits.append(
            VisitFactory(
                care_home=home,
                staff=staff,
                visited_on=datetime.date(2026, 11, 16) + datetime.timedelta(days=i),
                mode=list(Visit.Mode)[i % 3],
                activity_smr=i % 2 == 0,
                activity_audit=i % 3 == 0,
                activity_other=i % 4 == 0,
                interventions_switched=i,
                is_cover=i % 2 == 1,
                minutes_spent=1 + i,
            )
        )
    Visit.objects.filter(pk=visits[0].pk).update(mode="")
    Visit.objects.filter(pk=visits[1].pk).update(mode="=1+1")
    Visit.objects.filter(pk=visits[2].pk).update(
        updated_at=datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
    )
    return visits


def get_csv(client, path, secret):
    response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def both_paths(monkeypatch, path, secret):
    """(CSV written by PostgreSQL, CSV written through Python) for the same request."""
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        copied = get_csv(client, path, secret)
    assert any(q["sql"].startswith("COPY (") for q in queries.captured_queries), "the COPY path was not taken"
    with monkeypatch.context() as patch:
        patch.setattr(paging, "written_by_postgres", lambda resource, token: False)
        written = get_csv(client, path, secret)
    return copied, written


def test_the_copy_csv_is_the_python_csv_byte_for_byte(pm_user, monkeypatch):
    visits = city()
    _, secret = api_token_create(by=pm_user, name="Power BI", lifetime_days=30)

    copied, written = both_paths(monkeypatch, "/api/v1/visits.csv", secret)

    assert copied == written
    lines = copied.decode().split("\r\n")
    assert len(lines) == 1 + len(visits) + 2  # header, a row a visit (one holding a line break), final CRLF
    assert "'=HYPERLINK" in copied.decode() and ",=HYPERLINK" not in copied.decode()
    assert "\x01" not in copied.decode() and "'=cmd" in copied.decode()
    assert "2026-11-20T09:30:00+00:00" in copied.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?week=2026-W48",
        "?locality=Leeds%20North",
        "?pcn={pcn}",
        "?organisation={organisation}",
        "?updated_since=2026-11-20T09:00:00Z&week=2026-W47",
    ],
)
def test_filters_narrow_the_copy_csv_as_they_narrow_the_python_csv(pm_user, monkeypatch, query):
    visits = city()
    home = CareHome.objects.get(pk=visits[1].care_home_id)
    path = "/api/v1/visits.csv" + query.format(pcn=home.pcn_id, organisation=visits[3].staff.organisation_id)
    _, secret = api_token_create(by=pm_user, name="Power BI", lifetime_days=30)

    copied, written = both_paths(monkeypatch, path, secret)

    assert copied == written
    assert 1 < copied.count(b"\r\n") < len(visits) + 1  # some rows, not all


def test_a_pharmacists_copy_csv_holds_only_their_own_visits(pharmacist_user, monkeypatch):
    city()
    own = VisitFactory.create_batch(2, staff=pharmacist_user.staff_member)
    _, secret = api_token_create(by=pharmacist_user, name="Mine", lifetime_days=30)

    copied, written = both_paths(monkeypatch, "/api/v1/visits.csv", secret)

    assert copied == written
    ids = [line.split(b",")[0] for line in copied.split(b"\r\n")[1:-1]]
    assert ids == [str(v.pk).encode() for v in own]


def test_the_copy_csv_costs_the_same_queries_at_two_sizes_and_logs_its_rows(pm_user, monkeypatch):
    monkeypatch.setattr(csv_copy, "ROWS_A_CHUNK", 4)  # several chunks
    _, secret = api_token_create(by=pm_user, name="Counting", lifetime_days=30)
    client = Client()
    get_csv(
        client, "/api/v1/organisations.csv", secret
    )  # the window's first request also sweeps old counters

    VisitFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        get_csv(client, "/api/v1/visits.csv", secret)
    VisitFactory.create_batch(27)
    with CaptureQueriesContext(connection) as many:
        table = get_csv(client, "/api/v1/visits.csv", secret)

    assert len(few) == len(many)
    assert table.count(b"\r\n") == 31
    assert list(
        ApiTokenUse.objects.filter(resource="/api/v1/visits.csv")
        .order_by("pk")
        .values_list("rows", flat=True)
    ) == [3, 30]


@pytest.mark.django_db(transaction=True)  # as served: autocommit, so the COPY is its own transaction
def test_a_client_that_leaves_early_stops_the_copy_and_its_rows_so_far_are_logged(pm_user, monkeypatch):
    monkeypatch.setattr(csv_copy, "ROWS_A_CHUNK", 5)
    VisitFactory.create_batch(12)
    _, secret = api_token_create(by=pm_user, name="Leaves", lifetime_days=30)
    response = Client().get("/api/v1/visits.csv", headers={"Authorization": f"Bearer {secret}"})

    stream = iter(response.streaming_content)
    first = next(stream)
    response.close()  # what the WSGI server does when the client goes: closes the generator mid-COPY

    assert first.count(b"\r\n") == 5  # the header and 4 visits
    assert ApiTokenUse.objects.get(resource="/api/v1/visits.csv").rows == 4
    with connection.cursor() as cursor:  # the connection is usable again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
