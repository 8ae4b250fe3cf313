"""The JSON pages skip pydantic validation and ninja's renderer for speed (api.paging.page_json), yet
answer exactly what ninja answers after validating the rows through the documented schema, and the
OpenAPI document still describes them."""

import datetime
import json

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from api.resources import RESOURCES
from api.services import api_token_create
from carehomes.gaps.rules import RULES
from carehomes.models import CareHome, Specialism
from organisations.models import StaffMember
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    DischargeFollowUpFactory,
    GapReportFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def city():
    """Homes with specialisms, odd names and times with and without microseconds."""
    homes = CareHomeFactory.create_batch(3)
    specialisms = list(Specialism.objects.order_by("code")[:2])
    homes[0].specialisms.set(specialisms)
    for home in homes:
        assignment = AssignmentFactory(care_home=home)
        VisitFactory(care_home=home, staff=assignment.staff, activity_audit=True)
        DischargeFollowUpFactory(care_home=home)
    StaffMember.objects.filter(pk=assignment.staff_id).update(name="Zoë O’Brien")
    ActionFactory()
    GapReportFactory(week="2026-W40")
    CareHome.objects.filter(pk=homes[2].pk).update(  # the first home of a page of two's second page
        name="Café “Ōakview” =SUM(A1)", updated_at=datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
    )


def as_ninja_writes(resource, body):
    """The page as ninja writes it when a view returns the data for it to validate and render."""
    results = [resource.schema.model_validate(row).model_dump() for row in body["results"]]
    return json.loads(json.dumps({**body, "results": results}, cls=NinjaJSONEncoder))


@pytest.mark.parametrize("name", list(RESOURCES))
def test_a_json_page_is_what_ninja_writes_after_validating_it(pm_user, name):
    city()
    _, secret = api_token_create(by=pm_user, name="Power BI", lifetime_days=30)
    resource = RESOURCES[name]

    response = Client().get(f"/api/v1/{name}?limit=2", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == as_ninja_writes(resource, body)
    for row in body["results"]:
        assert set(row) == set(resource.columns)
    # Codes come with their labels: a list of codes is followed by its labels, one for each code.
    columns = resource.columns
    for i, column in enumerate(columns):
        if column.endswith("_labels"):
            continue
        if str(resource.schema.model_fields[column].annotation).startswith("list"):
            assert columns[i + 1].endswith("_labels"), f"{column} has no labels beside it"
            for row in body["results"]:
                assert len(row[columns[i + 1]]) == len(row[column])
    if name == "visits":
        audited = [row for row in body["results"] if "audit" in row["activities"]]
        assert audited and all("Audit" in row["activity_labels"] for row in audited)
    if name == "care-homes":
        assert [list(row) for row in body["results"]] == [resource.columns] * len(body["results"])
        assert body["next"]
        assert body["results"][0]["specialisms"] == sorted(
            s.code for s in Specialism.objects.order_by("code")[:2]
        )
        assert body["results"][0]["specialism_labels"] == [
            s.name for s in Specialism.objects.order_by("code")[:2]
        ]
        for home in body["results"]:
            assert home["open_gap_labels"] == [RULES[code].name for code in home["open_gaps"]]
        later = Client().get(body["next"], headers={"Authorization": f"Bearer {secret}"}).json()
        assert later["results"][0]["updated_at"] == "2026-11-20T09:30:00Z"
        assert later["results"][0]["name"] == "Café “Ōakview” =SUM(A1)"


def test_the_openapi_document_describes_each_json_page_by_its_schema(client):
    document = client.get("/api/v1/openapi.json").json()

    schemas = document["components"]["schemas"]
    for name, resource in RESOURCES.items():
        answer = document["paths"][f"/api/v1/{name}"]["get"]["responses"]["200"]
        page = schemas[answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
        assert list(page["properties"]) == ["results", "next_cursor", "next", "limit"]
        assert page["properties"]["results"]["items"] == {
            "$ref": f"#/components/schemas/{resource.schema.__name__}"
        }
