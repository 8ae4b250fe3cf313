"""An action's "Owner (person)": a select the script enhances while the staff list is a city's size,
and past it a look-up of the active staff (for the project manager only, who adds and changes
actions), which without script still takes a GPhC number or exact name (issue 14)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplan.models import Action, Section
from organisations import people_lookup
from organisations.models import StaffMember
from tests.factories import ActionFactory, OrganisationFactory, SectionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

URL = "/action-plan/owners/lookup/"
ANN = "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)"


@pytest.fixture
def people():
    leeds = OrganisationFactory(name="Leeds North PCN")
    SectionFactory()
    return {
        "leeds": leeds,
        "ann": StaffMemberFactory(name="Ann Larch", gphc_number="2012345", organisation=leeds),
        "bob": StaffMemberFactory(
            name="Bob Larch", gphc_number=None, role=StaffMember.Role.CLINICAL_DIRECTOR, organisation=leeds
        ),
        "gone": StaffMemberFactory(
            name="Cat Larch", gphc_number="2099999", is_active=False, organisation=leeds
        ),
    }


@pytest.fixture
def country(monkeypatch, people):
    """Past a city's size: more active people than the form may list."""
    monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 1)
    return people


def texts(response):
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


def _post(client, people, url="/action-plan/actions/new/", **fields):
    data = {
        "description": "Train care-home staff on covert administration",
        "owner_organisation": people["leeds"].pk,
        "due_on": "2026-12-31",
        "rag": "amber",
        "section": Section.objects.get().pk,
    }
    return client.post(url, data | fields)


def test_the_project_manager_finds_active_staff(client_for, pm_user, people):
    client = client_for(pm_user)
    assert texts(client.get(URL, {"q": "larch"})) == [
        ANN,
        f"Bob Larch – Clinical director, Leeds North PCN (hub {people['bob'].pk})",
    ]  # Cat Larch has left: not offered
    assert texts(client.get(URL, {"q": "20123"})) == [ANN]
    assert texts(client.get(URL, {"q": "l"})) == []  # two characters at least


@pytest.mark.parametrize(
    "role", ["slt_user", "pharmacist_user", "orglead_user", "trust_user", "chemist_user", "no_role_user"]
)
def test_others_are_refused(request, client_for, role, people):
    response = client_for(request.getfixturevalue(role)).get(URL, {"q": "larch"})
    assert response.status_code == 403
    assert b"Larch" not in response.content


def test_the_look_up_runs_the_same_queries_for_one_match_or_many(client_for, pm_user):
    client = client_for(pm_user)
    counts = []
    for size, surname in ((1, "Moor"), (6, "Fell")):
        for n in range(size):
            StaffMemberFactory(name=f"Dee {surname} {n}", organisation=OrganisationFactory())
        client.get(URL, {"q": surname})
        with CaptureQueriesContext(connection) as context:
            assert len(texts(client.get(URL, {"q": surname}))) == size
        counts.append(len(context))
    assert counts[0] == counts[1]


def test_a_citys_staff_are_a_select_the_script_enhances(client_for, pm_user, people):
    page = client_for(pm_user).get("/action-plan/actions/new/").content.decode()
    assert re.search(r'<select[^>]*name="owner"[^>]*data-autocomplete="select"', page)
    assert "Ann Larch" in page and URL not in page


def test_past_a_citys_size_a_look_up_box_and_no_list(client_for, pm_user, country):
    page = client_for(pm_user).get("/action-plan/actions/new/").content.decode()
    assert f'data-lookup-url="{URL}"' in page and 'name="owner"' in page
    assert not re.search(r'<select[^>]*name="owner"', page)
    assert "Ann Larch" not in page


@pytest.mark.parametrize(("typed", "who"), [(ANN, "ann"), ("2012345", "ann"), ("bob larch", "bob")])
def test_past_a_citys_size_the_owner_is_read_from_the_box(client_for, pm_user, country, typed, who):
    assert _post(client_for(pm_user), country, owner=typed).status_code == 302
    assert Action.objects.get().owner == country[who]


def test_past_a_citys_size_no_owner_is_no_named_person(client_for, pm_user, country):
    assert _post(client_for(pm_user), country, owner="").status_code == 302
    assert Action.objects.get().owner is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nobody Here", "No active member of staff has the GPhC number or name “Nobody Here”."),
        ("Cat Larch", "No active member of staff has the GPhC number or name “Cat Larch”."),  # left
    ],
)
def test_an_owner_who_is_no_active_person_is_refused_with_what_was_typed_kept(
    client_for, pm_user, country, typed, message
):
    response = _post(client_for(pm_user), country, owner=typed, description="")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in page
    assert message in page
    assert f'value="{typed}"' in page
    assert not Action.objects.exists()


def test_an_owner_from_another_organisation_is_still_refused(client_for, pm_user, country):
    other = StaffMemberFactory(name="Dan Oak", gphc_number="2077777", organisation=OrganisationFactory())
    response = _post(client_for(pm_user), country, owner=f"{other.name} (GPhC 2077777)")
    assert response.status_code == 200 and not Action.objects.exists()
    assert 'value="Dan Oak (GPhC 2077777)"' in html.unescape(response.content.decode())


def test_editing_shows_the_owner_in_the_box_and_keeps_them(client_for, pm_user, country):
    action = ActionFactory(owner=country["ann"], owner_organisation=country["leeds"])
    client = client_for(pm_user)
    url = f"/action-plan/actions/{action.pk}/edit/"
    page = html.unescape(client.get(url).content.decode())
    assert f'value="{ANN}"' in page
    response = client.post(
        url,
        {
            "description": "Renamed",
            "owner_organisation": country["leeds"].pk,
            "owner": ANN,
            "due_on": "2026-12-31",
            "rag": "red",
            "version": action.version,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.owner) == ("Renamed", country["ann"])


@pytest.mark.parametrize("size", ["city", "country"])
def test_the_form_runs_the_same_queries_for_a_few_people_or_many(
    request, client_for, pm_user, people, monkeypatch, size
):
    if size == "country":
        monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 1)
    action = ActionFactory(owner=people["ann"], owner_organisation=people["leeds"])
    client = client_for(pm_user)
    url = f"/action-plan/actions/{action.pk}/edit/"
    counts = []
    for extra in (0, 20):
        for _ in range(extra):
            StaffMemberFactory()
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        counts.append(len(context))
    assert counts[0] == counts[1]
