"""The README's read-API section stays true: a sample query for every resource, each of which the
API answers, and the Power BI, Excel and curl steps it promises."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from api.resources import RESOURCES
from api.services import api_token_create
from tests.factories import CareHomeFactory, GapReportFactory, VisitFactory

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def api_section():
    text = README.read_text(encoding="utf-8")
    start = text.index("## Reading the hub's figures: the read API")
    return text[start : text.index("\n## ", start + 1)]


def sample_queries():
    """{resource: sample URL} from the section's table (first cell's name, last cell's URL)."""
    samples = {}
    for line in api_section().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and (name := re.match(r"`([a-z-]+)`", cells[0])):
            samples[name[1]] = re.search(r"`(/api/v1/[^`]+)`", cells[2])[1]
    return samples


def test_every_resource_has_a_sample_query_that_the_api_answers(pm_user):
    CareHomeFactory.create_batch(2)
    VisitFactory()
    GapReportFactory(week="2026-W47")
    _, secret = api_token_create(by=pm_user, name="README", lifetime_days=30)
    samples = sample_queries()

    assert set(samples) == set(RESOURCES) | {"deletions"}
    for name, url in samples.items():
        path = urlsplit(url).path
        assert path in (f"/api/v1/{name}", f"/api/v1/{name}.csv"), url
        response = Client().get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, (url, response.content[:300])


def test_the_power_bi_excel_and_curl_steps_are_there():
    section = api_section()
    for promise in (
        "### Power BI Desktop, step by step",
        "**Get data → Web**",
        "**Basic**",
        "the token as the **password**",
        "RelativePath",  # the static base URL that keeps scheduled refresh working in the service
        "scheduled refresh",
        "### Excel (Power Query)",
        "### curl",
        'curl -u "analyst:$HUB_TOKEN"',
        "Authorization: Bearer",
    ):
        assert promise in section, promise
