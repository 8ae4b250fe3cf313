"""Every list takes the pages' filters (locality, PCN, organisation, week) and each filter a
resource has narrows it to exactly the rows that match: two sides of a city, every filter asked
for side A, and every row answered is side A's."""

import datetime

import pytest
from django.test import Client

from api.services import api_token_create
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    DischargeFollowUpFactory,
    GapReportFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

WEEK_A, WEEK_B = "2026-W48", "2026-W47"
MONDAY_A, MONDAY_B = datetime.date(2026, 11, 23), datetime.date(2026, 11, 16)


def side(locality, monday, week):
    pcn = PcnFactory(locality=locality)
    employer = OrganisationFactory(locality=locality)
    trust = OrganisationFactory(kind="nhs_trust", locality=locality)
    home = CareHomeFactory(pcn=pcn, locality=locality)
    staff = StaffMemberFactory(organisation=employer)
    return {
        "pcn": pcn,
        "employer": employer,
        "trust": trust,
        "home": home,
        "assignment": AssignmentFactory(care_home=home, staff=staff, starts_on=monday),
        "visit": VisitFactory(care_home=home, staff=staff, visited_on=monday + datetime.timedelta(days=1)),
        "action": ActionFactory(owner_organisation=employer),
        "follow_up": DischargeFollowUpFactory(care_home=home, trust=trust, discharged_on=monday),
        "report": GapReportFactory(week=week),
        "week": week,
    }


@pytest.fixture
def city(pm_user):
    a = side("Leeds North", MONDAY_A, WEEK_A)
    b = side("Leeds South", MONDAY_B, WEEK_B)
    _, secret = api_token_create(by=pm_user, name="Filters", lifetime_days=30)

    def read(resource, **params):
        response = Client().get(
            f"/api/v1/{resource}", {"limit": 1000, **params}, headers={"Authorization": f"Bearer {secret}"}
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return a, b, read


def test_each_filter_narrows_each_resource_to_side_a(city):
    a, b, read = city
    by_place = {"locality": "Leeds North", "pcn": a["pcn"].pk}
    for name, value in by_place.items():
        assert {r["id"] for r in read("care-homes", **{name: value})} == {a["home"].pk}, name
        assert {r["id"] for r in read("assignments", **{name: value})} == {a["assignment"].pk}, name
        assert {r["id"] for r in read("visits", **{name: value})} == {a["visit"].pk}, name
        follow_ups = read("discharge-follow-ups", **{name: value})
        assert {r["care_home_id"] for r in follow_ups} == {a["home"].pk}, name
        gaps = read("gaps", **{name: value})
        assert gaps and {r["care_home_id"] for r in gaps} <= {a["home"].pk, None}, name
        assert {r["pcn_id"] for r in gaps} <= {a["pcn"].pk, None}, name
    assert {r["locality"] for r in read("organisations", locality="Leeds North")} == {"Leeds North"}
    assert a["pcn"].pk in {r["id"] for r in read("organisations", pcn=a["pcn"].pk)}
    assert b["pcn"].pk not in {r["id"] for r in read("organisations", pcn=a["pcn"].pk)}

    employer = a["employer"].pk
    assert {r["id"] for r in read("assignments", organisation=employer)} == {a["assignment"].pk}
    assert {r["id"] for r in read("visits", organisation=employer)} == {a["visit"].pk}
    assert {r["id"] for r in read("actions", organisation=employer)} == {a["action"].pk}
    assert {r["id"] for r in read("care-homes", organisation=employer)} == {a["home"].pk}
    assert {r["id"] for r in read("organisations", organisation=employer)} == {employer}
    assert {r["trust_id"] for r in read("discharge-follow-ups", organisation=a["trust"].pk)} == {
        a["trust"].pk
    }

    assert {r["id"] for r in read("visits", week=WEEK_A)} == {a["visit"].pk}
    assert {r["id"] for r in read("gap-reports", week=WEEK_A)} == {a["report"].pk}
    assert {r["week"] for r in read("discharge-follow-ups", week=WEEK_A)} == {WEEK_A}
    # Unfiltered, both sides are there (the filters did the narrowing).
    assert {r["id"] for r in read("care-homes")} == {a["home"].pk, b["home"].pk}
    assert {r["id"] for r in read("visits")} == {a["visit"].pk, b["visit"].pk}
