"""`updated_since` with any ISO 8601 offset is read as UTC: no offset PostgreSQL refuses becomes a 500."""

import pytest
from django.test import Client

from api.services import api_token_create
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def get(pm_user):
    _, secret = api_token_create(by=pm_user, name="Refresh", lifetime_days=30)
    return lambda path: Client().get(path, headers={"Authorization": f"Bearer {secret}"})


@pytest.mark.parametrize("path", ["/api/v1/visits", "/api/v1/visits.csv", "/api/v1/deletions"])
def test_an_offset_past_sixteen_hours_is_read_as_utc(get, path):
    VisitFactory()

    response = get(f"{path}?updated_since=1684-11-26T02%3A42%3A11.01-18%3A28")
    if response.streaming:
        body = b"".join(response.streaming_content).decode()
        assert body.count("\r\n") == 2  # the header and the visit, changed after 1684
    else:
        assert response.status_code == 200, response.content


def test_a_time_outside_the_calendar_once_made_utc_is_a_400(get):
    for path in ("/api/v1/visits", "/api/v1/visits.csv"):
        response = get(f"{path}?updated_since=0001-01-01T00%3A00%3A00%2B05%3A00")

        assert response.status_code == 400
        assert "updated_since" in response.json()["detail"]
