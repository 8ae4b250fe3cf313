"""The look-ups behind the person and care-home autocomplete boxes answer only what the user may see."""

import datetime

import pytest
from django.utils import timezone

from carehomes.forms import HomeChoiceField, StaffLookupField, assignable_staff
from config.forms import lookup_key
from tests.factories import AssignmentFactory, CareHomeFactory, StaffMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db

HOME_LOOKUP = "/care-homes/lookup/"
STAFF_LOOKUP = "/staff/lookup/"


def texts(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    return [row["text"] for row in response.json()["results"]]


@pytest.fixture
def larches():
    return {
        "own": CareHomeFactory(name="Larch Court", postcode="LS6 2AB", cqc_location_id="1-555000001"),
        "cover": CareHomeFactory(name="Larch Grange", postcode="LS7 3CD", cqc_location_id="1-555000002"),
        "old_cover": CareHomeFactory(name="Larch House", postcode="LS8 4EF", cqc_location_id="1-555000003"),
        "other": CareHomeFactory(name="Larchfield", postcode="LS9 5GH", cqc_location_id="1-555000004"),
    }


def test_a_pharmacist_finds_only_their_own_homes_and_recent_cover(client_for, pharmacist_user, larches):
    member = pharmacist_user.staff_member
    AssignmentFactory(staff=member, care_home=larches["own"])
    VisitFactory(staff=member, care_home=larches["cover"])
    VisitFactory(
        staff=member,
        care_home=larches["old_cover"],
        visited_on=timezone.localdate() - datetime.timedelta(days=90),
    )
    client = client_for(pharmacist_user)

    found = texts(client.get(HOME_LOOKUP, {"q": "larch"}))

    assert found == ["Larch Court, LS6 2AB (1-555000001)", "Larch Grange, LS7 3CD (1-555000002)"]
    # Not by CQC ID or postcode either
    assert texts(client.get(HOME_LOOKUP, {"q": "1-555000004"})) == []
    assert texts(client.get(HOME_LOOKUP, {"q": "LS9"})) == []


def test_leadership_finds_any_home_by_name_cqc_id_or_postcode(client_for, pm_user, larches):
    client = client_for(pm_user)
    assert len(texts(client.get(HOME_LOOKUP, {"q": "larch"}))) == 4
    assert texts(client.get(HOME_LOOKUP, {"q": "1-555000004"})) == ["Larchfield, LS9 5GH (1-555000004)"]
    assert texts(client.get(HOME_LOOKUP, {"q": "ls9"})) == ["Larchfield, LS9 5GH (1-555000004)"]
    assert texts(client.get(HOME_LOOKUP, {"q": "l"})) == []  # two characters at least


@pytest.mark.parametrize("role", ["orglead_user", "trust_user", "chemist_user", "no_role_user"])
def test_people_who_cannot_see_care_homes_are_refused_the_home_look_up(request, client_for, role, larches):
    response = client_for(request.getfixturevalue(role)).get(HOME_LOOKUP, {"q": "larch"})
    assert response.status_code == 403
    assert b"Larch" not in response.content


def test_the_staff_look_up_is_for_leadership_only(request, client_for, pm_user, slt_user):
    StaffMemberFactory(name="Asha Patel", gphc_number="2099001")
    StaffMemberFactory(name="Asha Old", gphc_number="2099002", is_active=False)
    for user in (pm_user, slt_user):
        found = texts(client_for(user).get(STAFF_LOOKUP, {"q": "asha"}))
        assert (
            len(found) == 1 and found[0].startswith("Asha Patel – ") and found[0].endswith("(GPhC 2099001)")
        )
    for role in ("pharmacist_user", "orglead_user", "trust_user", "chemist_user"):
        response = client_for(request.getfixturevalue(role)).get(STAFF_LOOKUP, {"q": "asha"})
        assert response.status_code == 403
        assert b"Asha" not in response.content


def test_the_look_ups_refuse_post(client_for, pm_user):
    client = client_for(pm_user)
    assert client.post(HOME_LOOKUP, {"q": "larch"}).status_code == 405
    assert client.post(STAFF_LOOKUP, {"q": "larch"}).status_code == 405


def test_a_suggestion_posted_back_is_read_by_its_key(larches):
    # Two homes may share a name; the suggestion's CQC ID in brackets says which one was chosen.
    twin = CareHomeFactory(name="Larch Court", postcode="LS1 1AA", cqc_location_id="1-555000009")
    assert HomeChoiceField().clean("Larch Court, LS1 1AA (1-555000009)") == twin
    assert HomeChoiceField().clean("1-555000004") == larches["other"]  # typing the ID still works
    person = StaffMemberFactory(name="Asha Patel", gphc_number="2099003")
    StaffMemberFactory(name="Asha Patel", gphc_number="2099004")
    field = StaffLookupField(queryset=assignable_staff())
    assert field.clean("Asha Patel – Pharmacist, Somewhere (GPhC 2099003)") == person
    assert lookup_key("St Mary's (Nursing)", "GPhC") is None


def test_a_home_added_by_hand_is_chosen_from_the_look_up_by_its_hub_number(client_for, pm_user):
    # A home not yet in the CQC file has no CQC ID: its suggestion ends with its hub number, and
    # choosing it is read back to that home even when another home has the same name.
    by_hand = CareHomeFactory(name="Rowan Lodge", postcode="LS2 7EW", cqc_location_id=None)
    CareHomeFactory(name="Rowan Lodge", postcode="LS2 7EW", cqc_location_id=None)
    suggestion = f"Rowan Lodge, LS2 7EW (hub {by_hand.pk})"

    assert suggestion in texts(client_for(pm_user).get(HOME_LOOKUP, {"q": "rowan"}))
    assert HomeChoiceField().clean(suggestion) == by_hand
