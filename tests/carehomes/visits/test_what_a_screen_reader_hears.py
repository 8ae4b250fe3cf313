"""What Orca read out on "Log a visit" (scripts/screen_reader_check.py, docs/accessibility/
screen-reader-check.md), fixed in the form:

- the counts are text boxes for whole numbers (inputmode numeric), not type="number": an empty
  number box is a spin button holding 0, read "Minutes spent 0.0 spin button required" for a box the
  user had not filled in (NHS.UK's guidance is a text input with inputmode="numeric"); the server
  still accepts whole numbers only;
- "Who made the visit" says what an empty box means: the type-ahead box offers people, and the
  select's "Yourself" is not among them.
"""

import re

import pytest

from organisations.access import PROJECT_MANAGER
from tests.factories import StaffMemberFactory, user_with_role

pytestmark = pytest.mark.django_db

COUNT_BOXES = ("residents_reviewed", "interventions_stopped", "interventions_dose_changed", "minutes_spent")


def test_the_count_boxes_are_numeric_text_boxes_not_spin_buttons(client_for, pharmacist, home):
    page = client_for(pharmacist).get(f"/visits/new/?care_home={home.pk}").content.decode()

    for name in COUNT_BOXES:
        (box,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'type="text"' in box, box
        assert 'inputmode="numeric"' in box, box
    assert 'type="number"' not in page


def test_a_count_that_is_not_a_whole_number_is_still_refused(client_for, pharmacist, home):
    refused = client_for(pharmacist).post(
        "/visits/new/", {"care_home": home.pk, "mode": "on_site", "minutes_spent": "2.5"}
    )

    assert refused.status_code == 400
    assert "Minutes spent must be a whole number, like 3." in refused.content.decode()


def test_who_made_the_visit_says_that_empty_means_you(client_for, home):
    StaffMemberFactory(name="Rory Hussain")
    page = client_for(user_with_role(PROJECT_MANAGER)).get("/visits/new/").content.decode()

    hint = re.search(r'<div class="nhsuk-hint" id="id_staff-hint">(.*?)</div>', page, re.S).group(1)
    assert " ".join(hint.split()) == (
        "Leave it empty if it was you. Project managers may log and correct visits for anyone."
    )


def test_hours_are_text_boxes_with_a_decimal_keyboard_not_spin_buttons(client_for, pm_user, home):
    """The hours a week on a care home's page (assign someone) are a text box with a decimal
    keyboard, not a spin button read as "0.0" while empty; hours like 7.5 are still accepted."""
    page = client_for(pm_user).get(f"/care-homes/{home.pk}/").content.decode()

    boxes = re.findall(r'<input[^>]*name="[^"]*hours[^"]*"[^>]*>', page)
    assert boxes, "the page has an hours box"
    for box in boxes:
        assert 'type="text"' in box, box
        assert 'inputmode="decimal"' in box, box
        assert "step=" not in box, box
    assert 'type="number"' not in page
