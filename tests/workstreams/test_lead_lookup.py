"""A workstream's "Lead person": a select the script enhances while the staff list is a city's size,
and past it a look-up of the active staff (for the SLT and the project manager only), which
without script still takes a GPhC number or exact name."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations import people_lookup
from organisations.models import StaffMember
from tests.factories import OrganisationFactory, StaffMemberFactory, WorkstreamFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db

URL = "/workstreams/leads/lookup/"


@pytest.fixture
def people():
    leeds = OrganisationFactory(name="Leeds North PCN")
    return {
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


def _post(client, url="/workstreams/new/", **fields):
    org = OrganisationFactory(name="Leeds South PCN")
    return client.post(
        url, {"name": "Falls reviews", "lead_organisation": org.pk, "status": "active", **fields}
    )


@pytest.mark.parametrize("role", ["pm_user", "slt_user"])
def test_leadership_finds_active_staff_of_any_role(request, client_for, role, people):
    client = client_for(request.getfixturevalue(role))
    assert texts(client.get(URL, {"q": "larch"})) == [
        "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)",
        f"Bob Larch – Clinical director, Leeds North PCN (hub {people['bob'].pk})",
    ]  # Cat Larch has left: not offered
    assert texts(client.get(URL, {"q": "20123"})) == [
        "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)"
    ]
    assert texts(client.get(URL, {"q": "l"})) == []  # two characters at least


@pytest.mark.parametrize(
    "role", ["pharmacist_user", "orglead_user", "trust_user", "chemist_user", "no_role_user"]
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
    page = client_for(pm_user).get("/workstreams/new/").content.decode()
    assert 'id="id_lead" name="lead" data-autocomplete="select"' in page
    assert '<option value="" selected>No lead yet</option>' in page  # a new workstream has no lead yet
    assert "Ann Larch" in page and URL not in page


def test_past_a_citys_size_a_look_up_box_and_no_list(client_for, pm_user, country):
    page = client_for(pm_user).get("/workstreams/new/").content.decode()
    assert f'data-lookup-url="{URL}"' in page and 'name="lead"' in page
    assert '<select class="nhsuk-select" id="id_lead"' not in page and "Ann Larch" not in page


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)", "ann"),  # a suggestion chosen
        ("2012345", "ann"),  # typed without script
        ("bob larch", "bob"),
    ],
)
def test_past_a_citys_size_the_lead_is_read_from_the_box(client_for, pm_user, country, typed, who):
    assert _post(client_for(pm_user), lead=typed).status_code == 302
    assert Workstream.objects.get().lead == country[who]


def test_a_chosen_suggestion_of_someone_with_no_gphc_number_names_them(client_for, pm_user, country):
    twin = StaffMemberFactory(name="Bob Larch", gphc_number=None, organisation=country["bob"].organisation)
    assert (
        _post(client_for(pm_user), lead=f"Bob Larch – Clinical director, X (hub {twin.pk})").status_code
        == 302
    )
    assert Workstream.objects.get().lead == twin


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nobody Here", "No active member of staff has the GPhC number or name “Nobody Here”."),
        ("Cat Larch", "No active member of staff has the GPhC number or name “Cat Larch”."),  # left
        ("Someone (hub 99999999)", "No active member of staff has the GPhC number or name"),
    ],
)
def test_a_lead_that_names_no_active_person_is_refused_with_what_was_typed_kept(
    client_for, pm_user, country, typed, message
):
    response = _post(client_for(pm_user), lead=typed, name="")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in page
    assert message in page and "Enter the name of the workstream." in page  # all errors in one round
    assert f'value="{typed}"' in page
    assert not Workstream.objects.exists()


def test_two_people_with_the_typed_name_are_told_apart_by_gphc_number(client_for, pm_user, country):
    StaffMemberFactory(name="Ann Larch", gphc_number="2054321")
    page = html.unescape(_post(client_for(pm_user), lead="Ann Larch").content.decode())
    assert (
        "More than one person has that name: enter their GPhC number, or choose them from the list." in page
    )


def test_editing_shows_the_lead_in_the_box_and_keeps_them(client_for, pm_user, country):
    workstream = WorkstreamFactory(lead=country["ann"])
    client = client_for(pm_user)
    page = html.unescape(client.get(f"/workstreams/{workstream.pk}/edit/").content.decode())
    assert 'value="Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)"' in page
    response = client.post(
        f"/workstreams/{workstream.pk}/edit/",
        {
            "name": "Renamed",
            "lead_organisation": workstream.lead_organisation_id,
            "status": "active",
            "lead": "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)",
        },
    )
    assert response.status_code == 302
    workstream.refresh_from_db()
    assert (workstream.name, workstream.lead) == ("Renamed", country["ann"])


def test_the_form_runs_the_same_queries_for_a_few_people_or_many(client_for, pm_user, country):
    workstream = WorkstreamFactory(lead=country["ann"])
    client = client_for(pm_user)
    url = f"/workstreams/{workstream.pk}/edit/"
    counts = []
    for extra in (0, 20):
        for _ in range(extra):
            StaffMemberFactory()
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        counts.append(len(context))
    assert counts[0] == counts[1]
