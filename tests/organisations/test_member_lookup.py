"""A team's "Person" to seat: a select the script enhances while the staff list is a city's size, and
past it a look-up of the active staff not on the team (for whoever may give a seat on it: the PM on
an operational team, an SLT member on the SLT), which without script still takes a GPhC number or
exact name (issue 14)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations import people_lookup
from organisations.models import Membership, StaffMember, Team
from tests.factories import MembershipFactory, OrganisationFactory, StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db

ANN = "Ann Larch – Pharmacist, Leeds North PCN (GPhC 2012345)"


@pytest.fixture
def team():
    return TeamFactory(kind=Team.Kind.OPERATIONAL, name="Operational team")


@pytest.fixture
def people(team):
    leeds = OrganisationFactory(name="Leeds North PCN")
    people = {
        "ann": StaffMemberFactory(name="Ann Larch", gphc_number="2012345", organisation=leeds),
        "bob": StaffMemberFactory(
            name="Bob Larch", gphc_number=None, role=StaffMember.Role.CLINICAL_DIRECTOR, organisation=leeds
        ),
        "gone": StaffMemberFactory(
            name="Cat Larch", gphc_number="2099999", is_active=False, organisation=leeds
        ),
        "seated": StaffMemberFactory(name="Dot Larch", gphc_number="2088888", organisation=leeds),
    }
    MembershipFactory(team=team, staff=people["seated"], role=Membership.Role.MEMBER)
    return people


@pytest.fixture
def country(monkeypatch, people):
    """Past a city's size: more active people than the form may list."""
    monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 1)
    return people


def url(team):
    return f"/teams/{team.pk}/members/lookup/"


def texts(response):
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


def _post(client, team, **fields):
    return client.post(f"/teams/{team.pk}/members/", {"role": "member", **fields})


def test_the_project_manager_finds_active_staff_not_on_the_team(client_for, pm_user, team, people):
    client = client_for(pm_user)
    assert texts(client.get(url(team), {"q": "larch"})) == [
        ANN,
        f"Bob Larch – Clinical director, Leeds North PCN (hub {people['bob'].pk})",
    ]  # Cat Larch has left, Dot Larch is on the team already: not offered
    assert texts(client.get(url(team), {"q": "20123"})) == [ANN]
    assert texts(client.get(url(team), {"q": "l"})) == []  # two characters at least


@pytest.mark.parametrize("role", ["pharmacist_user", "orglead_user", "trust_user", "no_role_user"])
def test_others_are_refused(request, client_for, role, team, people):
    response = client_for(request.getfixturevalue(role)).get(url(team), {"q": "larch"})
    assert response.status_code == 403
    assert b"Larch" not in response.content


def test_on_the_slt_an_slt_member_looks_up(client_for, slt_user, people):
    slt = TeamFactory(kind=Team.Kind.SLT, name="Senior Leadership Team")
    assert ANN in texts(client_for(slt_user).get(url(slt), {"q": "larch"}))


def test_the_look_up_runs_the_same_queries_for_one_match_or_many(client_for, pm_user, team):
    client = client_for(pm_user)
    counts = []
    for size, surname in ((1, "Moor"), (6, "Fell")):
        for n in range(size):
            StaffMemberFactory(name=f"Dee {surname} {n}", organisation=OrganisationFactory())
        client.get(url(team), {"q": surname})
        with CaptureQueriesContext(connection) as context:
            assert len(texts(client.get(url(team), {"q": surname}))) == size
        counts.append(len(context))
    assert counts[0] == counts[1]


def test_a_citys_staff_are_a_select_the_script_enhances(client_for, pm_user, team, people):
    page = client_for(pm_user).get(f"/teams/{team.pk}/").content.decode()
    assert re.search(r'<select[^>]*name="staff"[^>]*data-autocomplete="select"', page)
    assert "Ann Larch" in page and url(team) not in page


def test_past_a_citys_size_a_look_up_box_and_no_list(client_for, pm_user, team, country):
    page = client_for(pm_user).get(f"/teams/{team.pk}/").content.decode()
    assert f'data-lookup-url="{url(team)}"' in page and 'name="staff"' in page
    assert not re.search(r'<select[^>]*name="staff"', page)
    assert "Ann Larch" not in page


@pytest.mark.parametrize(("typed", "who"), [(ANN, "ann"), ("2012345", "ann"), ("bob larch", "bob")])
def test_past_a_citys_size_the_person_is_read_from_the_box(client_for, pm_user, team, country, typed, who):
    assert _post(client_for(pm_user), team, staff=typed).status_code == 302
    assert Membership.objects.filter(team=team, staff=country[who]).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nobody Here", "“Nobody Here”"),
        ("Cat Larch", "“Cat Larch”"),  # left
        ("2088888", "“2088888”"),  # on the team already
    ],
)
def test_a_person_who_may_not_be_seated_is_refused_with_what_was_typed_kept(
    client_for, pm_user, team, country, typed, message
):
    response = _post(client_for(pm_user), team, staff=typed)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "There is a problem" in page
    assert "No active member of staff who is not on this team has the GPhC number or name " + message in page
    assert f'value="{typed}"' in page
    assert Membership.objects.filter(team=team).count() == 1


@pytest.mark.parametrize("size", ["city", "country"])
def test_the_team_page_runs_the_same_queries_for_a_few_people_or_many(
    client_for, pm_user, team, people, monkeypatch, size
):
    if size == "country":
        monkeypatch.setattr(people_lookup, "STAFF_SELECT_LIMIT", 1)
    client = client_for(pm_user)
    counts = []
    for extra in (0, 20):
        for _ in range(extra):
            StaffMemberFactory()
        client.get(f"/teams/{team.pk}/")
        with CaptureQueriesContext(connection) as context:
            client.get(f"/teams/{team.pk}/")
        counts.append(len(context))
    assert counts[0] == counts[1]
