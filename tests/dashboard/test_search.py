"""Search from the header: homes, staff, organisations, requests and actions, as far as each person may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    SectionFactory,
    StaffMemberFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db


def _search(client, q):
    response = client.get(reverse("dashboard:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_has_a_search_box_for_signed_in_people(client_for, pm_user):
    html = client_for(pm_user).get(reverse("organisations:list")).content.decode()
    assert f'action="{reverse("dashboard:search")}"' in html


def test_pm_finds_homes_staff_organisations_requests_and_actions(client_for, pm_user):
    # Given things in the city with "Roundhay" in their names
    home = CareHomeFactory(name="Roundhay Manor")
    person = StaffMemberFactory(name="Rita Roundhay")
    organisation = OrganisationFactory(name="Roundhay Medical Centre")
    request = SupportRequestFactory(title="SMRs for Roundhay homes")
    action = ActionFactory(description="Agree Roundhay cover")
    CareHomeFactory(name="Elsewhere House")

    # When the project manager searches for it
    html = _search(client_for(pm_user), "roundhay")

    # Then every kind is found, each linking to its page
    for heading in ("Care homes", "Staff", "Organisations", "Requests for help", "Actions"):
        assert f">{heading}</h2>" in html
    assert reverse("carehomes:detail", args=[home.pk]) in html
    assert reverse("carehomes:staff_detail", args=[person.pk]) in html
    assert reverse("organisations:detail", args=[organisation.pk]) in html
    assert reverse("workstreams:request_detail", args=[request.pk]) in html
    assert reverse("actionplan:action_detail", args=[action.pk]) in html
    assert "Elsewhere House" not in html


def test_an_action_is_found_by_its_reference(client_for, pm_user):
    action = ActionFactory(section=SectionFactory(code="PH"), description="Something else")
    html = _search(client_for(pm_user), f"ph-{action.number:02d}")
    assert reverse("actionplan:action_detail", args=[action.pk]) in html


def test_a_pharmacist_finds_only_their_own_homes_and_no_staff_or_actions(client_for, pharmacist_user):
    # Given two homes called Roundhay, one of them the pharmacist's
    mine = CareHomeFactory(name="Roundhay Manor")
    theirs = CareHomeFactory(name="Roundhay Court")
    AssignmentFactory(care_home=mine, staff=pharmacist_user.staff_member)
    StaffMemberFactory(name="Rita Roundhay")
    ActionFactory(description="Agree Roundhay cover")

    html = _search(client_for(pharmacist_user), "Roundhay")

    assert "Roundhay Manor" in html
    assert "Roundhay Court" not in html and reverse("carehomes:detail", args=[theirs.pk]) not in html
    assert "Rita Roundhay" not in html and ">Staff</h2>" not in html
    assert "Agree Roundhay cover" not in html and ">Actions</h2>" not in html


def test_an_organisation_lead_sees_no_care_homes_staff_or_actions(client_for, orglead_user):
    CareHomeFactory(name="Roundhay Manor")
    StaffMemberFactory(name="Rita Roundhay")
    html = _search(client_for(orglead_user), "Roundhay")
    assert "Roundhay Manor" not in html
    assert "Rita Roundhay" not in html
    assert "No results for" in html


def test_a_one_letter_search_asks_for_more(client_for, pm_user):
    html = _search(client_for(pm_user), "r")
    assert "Enter at least 2 letters or numbers" in html


def test_search_costs_the_same_queries_at_two_sizes(client_for, pm_user):
    client = client_for(pm_user)
    url = reverse("dashboard:search") + "?q=Roundhay"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    CareHomeFactory(name="Roundhay 1")
    StaffMemberFactory(name="Roundhay Person 1")
    small = count()
    CareHomeFactory.create_batch(15, name="Roundhay Many")
    StaffMemberFactory.create_batch(15, name="Roundhay People")
    ActionFactory.create_batch(3, description="Roundhay action")
    html = client.get(url).content.decode()
    assert count() == small
    assert "See every match in care homes" in html
