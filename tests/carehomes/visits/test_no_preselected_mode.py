"""No radio is chosen for the person where they must choose: "How was the visit made?" starts empty,
and leaving it empty is refused with its own message (the NHS.UK radios guidance)."""

import re

import pytest

from organisations.access import PHARMACY_PROFESSIONAL
from tests.factories import AssignmentFactory, CareHomeFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_how_the_visit_was_made_is_not_chosen_for_them(client_for):
    pharmacist = user_with_role(PHARMACY_PROFESSIONAL)
    home = CareHomeFactory()
    AssignmentFactory(staff=pharmacist.staff_member, care_home=home)
    client = client_for(pharmacist)

    page = client.get(f"/visits/new/?care_home={home.pk}").content.decode()
    mode_radios = re.findall(r'<input[^>]*name="mode"[^>]*>', page)
    assert len(mode_radios) == 3
    assert not [radio for radio in mode_radios if "checked" in radio]

    refused = client.post("/visits/new/", {"care_home": home.pk, "minutes_spent": "30"})
    assert refused.status_code == 400
    assert "Choose how the visit was made: on site, video or phone." in refused.content.decode()
