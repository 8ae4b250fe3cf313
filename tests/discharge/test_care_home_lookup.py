"""The discharge form's care-home look-up: a trust's discharge team finds the home a resident went
back to by name, postcode or CQC ID, and learns no more of it than a discharge needs."""

import pytest

from carehomes.models import CareHome
from discharge.forms import CareHomeField
from tests.factories import CareHomeFactory

pytestmark = pytest.mark.django_db

LOOKUP = "/discharges/care-homes/lookup/"


def results(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def texts(response):
    return [row["text"] for row in results(response)]


@pytest.fixture
def larches():
    return {
        "court": CareHomeFactory(
            name="Larch Court", locality="Leeds", postcode="LS6 2AB", cqc_location_id="1-555000001"
        ),
        "grange": CareHomeFactory(
            name="Larch Grange", locality="Wakefield", postcode="WF1 3CD", cqc_location_id="1-555000002"
        ),
        "missing": CareHomeFactory(
            name="Larch House",
            locality="Leeds",
            postcode="LS8 4EF",
            cqc_location_id="1-555000003",
            registration_status=CareHome.Registration.MISSING,
        ),
        "closed": CareHomeFactory(
            name="Larchfield",
            locality="Leeds",
            postcode="LS9 5GH",
            cqc_location_id="1-555000004",
            registration_status=CareHome.Registration.DEREGISTERED,
        ),
        "by_hand": CareHomeFactory(
            name="Larch Lodge", locality="Otley", postcode="LS21 1AA", cqc_location_id=None
        ),
    }


def test_a_trust_team_finds_homes_by_name_with_town_and_postcode(client_for, trust_user, larches):
    found = texts(client_for(trust_user).get(LOOKUP, {"q": "larch"}))

    assert found == [
        "Larch Court, Leeds, LS6 2AB (1-555000001)",
        "Larch Grange, Wakefield, WF1 3CD (1-555000002)",
        "Larch House, Leeds, LS8 4EF (1-555000003)",  # missing from the CQC file: may still be open
        f"Larch Lodge, Otley, LS21 1AA (hub {larches['by_hand'].pk})",  # no CQC ID yet
    ]


def test_a_deregistered_home_is_never_offered(client_for, trust_user, larches):
    client = client_for(trust_user)
    for search in ("larchfield", "1-555000004", "LS9"):
        assert texts(client.get(LOOKUP, {"q": search})) == []


def test_by_cqc_id_or_postcode_and_two_characters_at_least(client_for, trust_user, larches):
    client = client_for(trust_user)
    assert texts(client.get(LOOKUP, {"q": "1-555000002"})) == [
        "Larch Grange, Wakefield, WF1 3CD (1-555000002)"
    ]
    assert texts(client.get(LOOKUP, {"q": "wf1"})) == ["Larch Grange, Wakefield, WF1 3CD (1-555000002)"]
    assert texts(client.get(LOOKUP, {"q": "l"})) == []
    assert texts(client.get(LOOKUP, {"q": "x" * 500})) == []  # too long a search is no search


def test_the_answer_says_only_what_a_discharge_needs(client_for, trust_user, larches):
    home = larches["court"]
    body = client_for(trust_user).get(LOOKUP, {"q": "larch court"})
    assert results(body) == [{"id": home.pk, "text": "Larch Court, Leeds, LS6 2AB (1-555000001)"}]
    # Not the home's address, phone, lead or pharmacy
    for private in (home.address, home.supplying_pharmacy.name, home.pcn.name):
        assert private not in body.content.decode()


def test_the_project_manager_may_use_it_too(client_for, pm_user, larches):
    assert len(texts(client_for(pm_user).get(LOOKUP, {"q": "larch"}))) == 4


@pytest.mark.parametrize("role", ["pharmacist_user", "orglead_user", "chemist_user", "no_role_user"])
def test_people_who_do_not_record_discharges_are_refused(request, client_for, role, larches):
    response = client_for(request.getfixturevalue(role)).get(LOOKUP, {"q": "larch"})
    assert response.status_code == 403
    assert b"Larch" not in response.content


def test_signed_out_is_sent_to_sign_in_and_post_is_refused(client, client_for, trust_user, larches):
    response = client.get(LOOKUP, {"q": "larch"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(trust_user).post(LOOKUP, {"q": "larch"}).status_code == 405


@pytest.mark.parametrize("size", [3, 30])
def test_the_look_up_runs_a_fixed_number_of_queries(client_for, trust_user, django_assert_num_queries, size):
    CareHomeFactory.create_batch(size, name=factory_name())
    client = client_for(trust_user)
    client.get(LOOKUP, {"q": "rowan"})

    # session, user, their groups, the homes (the session's expiry was renewed by the first load,
    # so this one, within the minute, writes nothing: accounts/session_renewal.py)
    with django_assert_num_queries(4):
        response = client.get(LOOKUP, {"q": "rowan"})

    assert len(texts(response)) == min(size, 20)


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"Rowan House {n:03}")


def test_a_chosen_suggestion_is_read_back_by_its_key(larches):
    # Two homes may share a name: the key in brackets says which one was chosen
    twin = CareHomeFactory(
        name="Larch Court", locality="Ilkley", postcode="LS29 1AA", cqc_location_id="1-555000009"
    )
    field = CareHomeField()
    assert field.clean("Larch Court, Ilkley, LS29 1AA (1-555000009)") == twin
    assert field.clean(f"Larch Lodge, Otley, LS21 1AA (hub {larches['by_hand'].pk})") == larches["by_hand"]
    # A hub number is only a key for a home with no CQC ID
    court = larches["court"]
    with pytest.raises(Exception, match="No care home"):
        field.clean(f"Anything (hub {court.pk})")
    # Typing the ID or exact name still works, as before
    assert field.clean("1-555000002") == larches["grange"]
    assert field.clean("larch grange") == larches["grange"]
