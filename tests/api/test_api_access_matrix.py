"""The access matrix, extended to the API: each role's token reads exactly what that role reads in
the pages. The same city as tests/security (tests/city.py: two sides, every role on each side).

For each resource: a token is refused (403) exactly where its owner's page refuses, and where
the page shows rows, the token gets the same rows (care homes, visits, discharge follow-ups)."""

import re

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from api.resources import RESOURCES
from api.services import api_token_create
from carehomes.models import Assignment
from tests.city import ACTORS, build_city
from tests.security.test_access_matrix import ACCESS

pytestmark = pytest.mark.django_db(transaction=True)

# The page each resource mirrors: the same permission, the same selector.
PAGE_OF = {
    "organisations": "organisations:list",
    "care-homes": "carehomes:list",
    "assignments": "carehomes:list",
    "gaps": "dashboard:gaps",
    "visits": "carehomes:visit_list",
    "gap-reports": "actionplan:report_list",
    "actions": "actionplan:index",
    "discharge-follow-ups": "discharge:list",
}
# Row-scoped resources: the ids a page links to, read from its HTML.
LINKS = {
    "care-homes": r'href="/care-homes/(\d+)/"',
    "visits": r'href="/visits/(\d+)/"',
}


def test_every_resource_is_in_the_matrix():
    assert set(PAGE_OF) == set(RESOURCES)


def page_ids(client, resource):
    html = client.get(reverse(PAGE_OF[resource])).content.decode()
    return {int(i) for i in re.findall(LINKS[resource], html)}


def test_each_roles_token_reads_what_the_role_reads_in_the_pages(live_server, role_groups):
    city = build_city()
    failures = []
    non_empty = set()
    for actor in ACTORS:
        user = city.users[actor]
        _, secret = api_token_create(by=user, name=f"{actor} feed", lifetime_days=30)
        api = httpx.Client(
            base_url=f"{live_server.url}/api/v1", headers={"Authorization": f"Bearer {secret}"}, timeout=30
        )
        pages = Client()
        pages.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for name in RESOURCES:
            allowed = actor in ACCESS[PAGE_OF[name]].get
            for path in (f"/{name}?limit=1000", f"/{name}.csv"):
                status = api.get(path).status_code
                if status != (200 if allowed else 403):
                    failures.append(f"{actor} {path}: expected {200 if allowed else 403}, got {status}")
            if allowed and name in LINKS:
                got = {r["id"] for r in api.get(f"/{name}", params={"limit": 1000}).json()["results"]}
                shown = page_ids(pages, name)
                if got:
                    non_empty.add((actor.split("@")[0], name))
                if got != shown:
                    failures.append(f"{actor} {name}: API {sorted(got)} but the page shows {sorted(shown)}")
            if allowed and name == "assignments":
                # The assignments of exactly the homes the role sees (a home's page lists them).
                got = {r["id"] for r in api.get(f"/{name}", params={"limit": 1000}).json()["results"]}
                homes = page_ids(pages, "care-homes")
                expected = set(Assignment.objects.filter(care_home__in=homes).values_list("pk", flat=True))
                if got:
                    non_empty.add((actor.split("@")[0], name))
                if got != expected:
                    failures.append(
                        f"{actor} {name}: API {sorted(got)} but the homes shown hold {sorted(expected)}"
                    )
            if allowed and name == "discharge-follow-ups":
                rows = api.get(f"/{name}", params={"limit": 1000}).json()["results"]
                html = pages.get(reverse("discharge:list")).content.decode()
                shown = len(set(re.findall(r'href="/discharges/(\d+)/"', html)))
                if shown:
                    non_empty.add((actor.split("@")[0], name))
                if sum(r["follow_ups"] or 0 for r in rows) != shown:
                    failures.append(f"{actor} {name}: API counts {rows} but the page lists {shown}")
        api.close()
    assert not failures, "\n".join(failures)
    # Not vacuous: each row-scoped resource had rows to compare for the roles that read it.
    assert {
        ("pm", "care-homes"),
        ("pharmacist", "care-homes"),
        ("pm", "assignments"),
        ("pharmacist", "assignments"),
        ("pm", "visits"),
        ("pharmacist", "visits"),
    } <= non_empty
    assert {
        ("pm", "discharge-follow-ups"),
        ("trust", "discharge-follow-ups"),
        ("chemist", "discharge-follow-ups"),
    } <= non_empty
