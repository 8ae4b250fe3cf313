"""The gaps and discharge aggregates page from the cursor on: every row exactly once across pages,
and a small page reads about what it shows, not every gap or group."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.aggregates import gap_key
from api.services import api_token_create
from carehomes import gaps as gap_rules
from tests.factories import CareHomeFactory, DischargeFollowUpFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db]


def pages(secret, resource, limit):
    """Every page of a resource, following next_cursor: [[key, ...], ...]."""
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    found, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        body = client.get(f"/api/v1/{resource}", params, headers=headers).json()
        found.append(body["results"])
        cursor = body["next_cursor"]
        if not cursor:
            return found


@pytest.fixture
def secret(pm_user):
    return api_token_create(by=pm_user, name="Paging", lifetime_days=30)[1]


def test_gap_pages_hold_every_gap_exactly_once(secret):
    CareHomeFactory.create_batch(7)  # no lead, never visited: two gaps each, and their PCNs' gaps
    for _ in range(2):  # trusts that stopped referring: gaps about neither a home nor a PCN
        DischargeFollowUpFactory(received_at=timezone.now() - datetime.timedelta(days=60))
    every = gap_rules.current_gaps()
    assert {"no_lead", "no_recent_visit", "discharge_trust_drop_off"} <= {gap.rule.code for gap in every}

    paged = pages(secret, "gaps", limit=3)

    keys = [row["key"] for page in paged for row in page]
    assert len(keys) == len(set(keys)) == len(every)
    assert set(keys) == {gap_key(gap) for gap in every}
    assert all(len(page) == 3 for page in paged[:-1])


def test_a_small_gap_page_looks_at_only_a_few_homes(secret, monkeypatch):
    CareHomeFactory.create_batch(12)
    looked_at = []
    real = gap_rules.gaps_for_home
    monkeypatch.setattr(
        gap_rules, "gaps_for_home", lambda home, **kw: looked_at.append(home.pk) or real(home, **kw)
    )

    first = Client().get("/api/v1/gaps", {"limit": 2}, headers={"Authorization": f"Bearer {secret}"}).json()

    assert len(first["results"]) == 2 and first["next_cursor"]
    assert len(looked_at) <= 3  # the page and one more, of 24 gaps


def test_discharge_pages_hold_every_group_once_in_order(secret):
    trusts = [OrganisationFactory(kind="nhs_trust") for _ in range(2)]
    homes = CareHomeFactory.create_batch(2)
    start = timezone.localdate() - datetime.timedelta(weeks=12)
    for week in range(0, 12, 2):  # across several of the query's week windows
        for trust in trusts:
            for home in homes:
                DischargeFollowUpFactory(
                    trust=trust, care_home=home, discharged_on=start + datetime.timedelta(weeks=week)
                )
    whole = pages(secret, "discharge-follow-ups", limit=1000)
    assert len(whole) == 1 and len(whole[0]) == 6 * 2 * 2

    paged = pages(secret, "discharge-follow-ups", limit=5)

    rows = [row for page in paged for row in page]
    assert [r["key"] for r in rows] == [r["key"] for r in whole[0]]
    assert rows == whole[0]
    assert sum(r["follow_ups"] for r in rows) == 24
    weeks = [r["week"] for r in rows]
    assert weeks == sorted(weeks)


def test_a_cursor_this_api_did_not_give_is_refused(secret):
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    for resource in ("gaps", "discharge-follow-ups"):
        response = client.get(f"/api/v1/{resource}", {"cursor": "bm9uc2Vuc2U"}, headers=headers)
        assert response.status_code == 400, resource
        assert "cursor" in response.json()["detail"]
