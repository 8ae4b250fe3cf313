"""Journey (keyboard only): a project manager ends an assignment, through a confirmation step."""

import pytest
from playwright.sync_api import expect

from carehomes.models import Assignment
from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, AssignmentFactory, CareHomeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press(page, locator, key="Enter"):
    """Move the keyboard focus to an element and press a key on it: no mouse."""
    locator.focus()
    page.keyboard.press(key)


def test_pm_ends_an_assignment_after_a_confirmation_by_keyboard(page):
    # Given a care home with a named lead and a support pharmacist
    home = CareHomeFactory(name="Gledhow Lodge")
    AssignmentFactory(care_home=home, role="lead", staff__name="Asha Patel")
    support = AssignmentFactory(care_home=home, role="support", staff__name="Ben Okafor")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(f"/care-homes/{home.pk}/")
    expect(page.get_by_role("button", name="End assignment")).to_have_count(0)

    # When the PM chooses "End" on Ben's row, by keyboard
    press(page, page.get_by_role("link", name="End Ben Okafor's assignment"))

    # Then they are asked first, with what will happen, and nothing has changed yet
    page.get_by_role("heading", level=1, name="End Ben Okafor's assignment to Gledhow Lodge?").wait_for()
    expect(page.get_by_text("Ben Okafor will no longer support Gledhow Lodge")).to_be_visible()
    expect(page.get_by_role("group", name="End date")).to_be_visible()
    assert Assignment.objects.get(pk=support.pk).ends_on is None
    assert_accessible(page)

    # When they confirm
    press(page, page.get_by_role("button", name="End assignment"))

    # Then they are back on the home's page, focus on the success banner, and Ben's assignment has ended
    banner = page.locator(".nhsuk-notification-banner--success")
    expect(banner).to_contain_text("Ben Okafor's assignment to Gledhow Lodge ends on")
    expect(banner).to_be_focused()
    assert Assignment.objects.get(pk=support.pk).ends_on is not None
    assert_accessible(page)
    assert not page.js_errors


def test_pm_keeps_the_assignment_by_going_back(page):
    home = CareHomeFactory(name="Gledhow Lodge")
    support = AssignmentFactory(care_home=home, role="support", staff__name="Ben Okafor")
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)
    page.goto(f"/assignments/{support.pk}/end/?from=home")
    press(page, page.get_by_role("link", name="Keep the assignment"))
    page.get_by_role("heading", level=1, name="Gledhow Lodge").wait_for()
    assert Assignment.objects.get(pk=support.pk).ends_on is None
    assert_accessible(page)
