"""The API costs the same queries for a page of 2 rows as for a page of 60, and the same CSV queries
per chunk whatever the chunk holds (the COPY path's one query: tests/api/test_api_csv_copy.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from api.resources import RESOURCES
from api.services import api_token_create
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    DischargeFollowUpFactory,
    GapReportFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

QUERYSET_RESOURCES = [name for name, r in RESOURCES.items() if not r.computed]


def make_city(n):
    homes = CareHomeFactory.create_batch(n)
    for home in homes:
        AssignmentFactory(care_home=home)
        VisitFactory(care_home=home)
        ActionFactory()
        DischargeFollowUpFactory(care_home=home)
    for week in range(1, n + 1):
        GapReportFactory(week=f"2025-W{week:02d}")


def count(client, path, headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("name", QUERYSET_RESOURCES)
def test_a_page_costs_the_same_queries_at_two_sizes(pm_user, name):
    make_city(30)
    _, secret = api_token_create(by=pm_user, name="Counting", lifetime_days=30)
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    count(client, f"/api/v1/{name}?limit=1", headers)  # the window's first request also sweeps old counters

    small = count(client, f"/api/v1/{name}?limit=2", headers)
    large = count(client, f"/api/v1/{name}?limit=60", headers)

    assert small == large


def test_the_csv_costs_the_same_queries_per_chunk(pm_user, monkeypatch):
    from api import paging

    make_city(20)
    _, secret = api_token_create(by=pm_user, name="Counting", lifetime_days=30)
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    count(client, "/api/v1/organisations", headers)

    monkeypatch.setattr(paging, "written_by_postgres", lambda resource, token: False)  # the Python path
    monkeypatch.setattr(paging, "CSV_CHUNK", 5)
    five_chunks = count(client, "/api/v1/visits.csv", headers)  # 20 visits: 4 chunks and an empty read
    monkeypatch.setattr(paging, "CSV_CHUNK", 10)
    three_chunks = count(client, "/api/v1/visits.csv", headers)

    assert five_chunks - three_chunks == 2


def test_the_served_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")

    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    paths = set(document["paths"])
    for name in RESOURCES:
        assert {f"/api/v1/{name}", f"/api/v1/{name}.csv"} <= paths
    assert {"BearerToken", "BasicToken"} <= set(document["components"]["securitySchemes"])
    schemas = document["components"]["schemas"]
    for resource in RESOURCES.values():
        assert list(schemas[resource.schema.__name__]["properties"]) == resource.columns
    # Every field of every answer, and every query parameter, is described.
    undescribed = [
        f"{schema}.{name}"
        for schema, spec in schemas.items()
        for name, field in spec.get("properties", {}).items()
        if not field.get("description")
    ] + [
        f"{path} ?{parameter['name']}"
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if not (parameter.get("description") or parameter["schema"].get("description"))
    ]
    assert not undescribed, f"no description: {undescribed}"


def test_the_docs_page_uses_only_the_hubs_own_assets(client):
    response = client.get("/api/v1/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html  # no third-party or inline script
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_data_dictionary_lists_every_column(client):
    response = client.get("/api/v1/data-dictionary.csv")

    lines = response.content.decode().splitlines()
    assert lines[0] == "resource,column,type,description"
    listed = {tuple(line.split(",")[:2]) for line in lines[1:]}
    for name, resource in RESOURCES.items():
        assert {(name, column) for column in resource.columns} <= listed
    assert {("deletions", column) for column in ("resource", "id", "deleted_at")} <= listed
