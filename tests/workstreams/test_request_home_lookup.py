"""The help-request form's care-home look-up: only the homes the organisation may ask help for,
and only for someone who may raise a request for that organisation."""

import pytest

from organisations.access import ORGANISATION_LEAD
from tests.factories import CareHomeFactory, PcnFactory, user_with_role
from workstreams import forms as workstream_forms

pytestmark = pytest.mark.django_db


def url(organisation_pk):
    return f"/help-requests/organisations/{organisation_pk}/homes/"


@pytest.fixture
def two_pcns():
    own = PcnFactory(name="Seacroft PCN", locality="Seacroft")
    other = PcnFactory(name="Otley PCN", locality="Otley")
    CareHomeFactory(
        name="Larch Court", pcn=own, locality="Seacroft", postcode="LS14 1AA", cqc_location_id="1-555000001"
    )
    CareHomeFactory(
        name="Larch Grange", pcn=other, locality="Otley", postcode="LS21 1AA", cqc_location_id="1-555000002"
    )
    lead = user_with_role(ORGANISATION_LEAD, username="seacroft-lead", organisation=own)
    return own, other, lead


def texts(response):
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


def test_a_lead_finds_only_their_organisations_homes(client_for, two_pcns):
    own, _, lead = two_pcns
    client = client_for(lead)
    assert texts(client.get(url(own.pk), {"q": "larch"})) == ["Larch Court, LS14 1AA (1-555000001)"]
    assert texts(client.get(url(own.pk), {"q": "1-555000002"})) == []  # another PCN's home, by its ID


def test_a_lead_may_not_look_up_another_organisations_homes(client_for, two_pcns):
    _, other, lead = two_pcns
    response = client_for(lead).get(url(other.pk), {"q": "larch"})
    assert response.status_code == 403
    assert b"Larch" not in response.content


def test_an_organisation_that_does_not_exist_is_not_found(client_for, two_pcns):
    _, _, lead = two_pcns
    assert client_for(lead).get(url(999999), {"q": "larch"}).status_code == 404


def test_the_project_manager_looks_up_any_organisations_homes(client_for, pm_user, two_pcns):
    _, other, _ = two_pcns
    assert texts(client_for(pm_user).get(url(other.pk), {"q": "larch"})) == [
        "Larch Grange, LS21 1AA (1-555000002)"
    ]


@pytest.mark.parametrize("role", ["pharmacist_user", "trust_user", "chemist_user", "no_role_user"])
def test_others_are_refused(request, client_for, role, two_pcns):
    own, _, _ = two_pcns
    response = client_for(request.getfixturevalue(role)).get(url(own.pk), {"q": "larch"})
    assert response.status_code == 403


def test_past_a_citys_size_the_form_uses_the_look_up_and_reads_typed_homes_in_scope(
    client_for, monkeypatch, two_pcns
):
    own, _, lead = two_pcns
    monkeypatch.setattr(workstream_forms, "HOME_SELECT_LIMIT", 0)
    client = client_for(lead)
    page = client.get("/help-requests/new/").content.decode()
    assert f'data-lookup-url="{url(own.pk)}"' in page
    response = client.post(
        "/help-requests/new/",
        {
            "title": "Reviews",
            "hours_per_week": "2",
            "care_homes_add": "Larch Grange",  # not this PCN's: refused
            "needed_by": "2099-01-31",
            "urgency": "routine",
        },
    )
    assert "No care home has the CQC location ID or name" in response.content.decode()
