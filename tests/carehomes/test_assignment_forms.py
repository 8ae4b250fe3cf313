"""The assignment forms show every error in one round (issue 14): a field left empty or wrong, and a
person without the hours, in the error summary and by the fields at once; the service still guards."""

import datetime
from decimal import Decimal

import lxml.html
import pytest
from django.core.exceptions import ValidationError

from carehomes import services
from carehomes.models import Assignment
from tests.conftest import FROZEN_TODAY
from tests.factories import AssignmentFactory, CareHomeFactory, StaffMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = FROZEN_TODAY


def errors_shown(html):
    """{summary link: (the summary's words, the words by the field it goes to)}."""
    tree = lxml.html.fromstring(html)
    shown = {}
    for link in tree.xpath("//*[contains(@class, 'nhsuk-error-summary__list')]//a"):
        target = tree.get_element_by_id(link.get("href")[1:])
        groups = (g for g in target.iterancestors() if "nhsuk-form-group" in (g.get("class") or ""))
        by_field = next(
            found for g in groups if (found := g.xpath(".//*[contains(@class, 'nhsuk-error-message')]"))
        )
        shown[link.get("href")] = (link.text_content().strip(), by_field[0].text_content().strip())
    return shown


def date(prefix, value):
    return {f"{prefix}[day]": value.day, f"{prefix}[month]": value.month, f"{prefix}[year]": value.year}


def test_assign_shows_a_missing_choice_and_too_many_hours_together(client_for, pm_user):
    # Given a person with 2.5 hours a week spare
    home = CareHomeFactory()
    person = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("4"))
    AssignmentFactory(staff=person, role="support", hours_per_week=Decimal("1.5"))

    # When the PM asks for 4 hours and forgets to choose lead or support
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {"staff": person.pk, "hours_per_week": "4", **date("starts_on", TODAY)},
    )

    # Then both errors are in the summary and by their fields, in the one answer
    assert response.status_code == 400
    shown = errors_shown(response.content.decode())
    hours_message = "Asha Patel has only 2.5 hours a week spare; enter 2.5 or fewer."
    assert shown["#id_hours_per_week"] == (hours_message, f"Error: {hours_message}")
    assert "#id_role" in shown
    assert home.assignments.count() == 0


def test_assign_as_lead_shows_the_second_lead_with_a_wrong_date(client_for, pm_user):
    home = CareHomeFactory(name="Larch Court")
    AssignmentFactory(care_home=home, role="lead", staff__name="Old Lead")
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {
            "staff": StaffMemberFactory().pk,
            "role": "lead",
            "hours_per_week": "2",
            **date("starts_on", TODAY),
            "ends_on[day]": "31",
            "ends_on[month]": "2",
            "ends_on[year]": "2027",
        },
    )
    shown = errors_shown(response.content.decode())
    assert "Larch Court already has a named lead (Old Lead)" in shown["#id_role"][0]
    assert "#id_ends_on-day" in shown


def test_assign_from_a_persons_page_shows_a_missing_home_and_too_many_hours_together(client_for, pm_user):
    person = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("2"))
    response = client_for(pm_user).post(
        f"/staff/{person.pk}/assignments/",
        {"care_home": "", "role": "support", "hours_per_week": "3", **date("starts_on", TODAY)},
    )
    assert response.status_code == 400
    shown = errors_shown(response.content.decode())
    assert shown["#id_hours_per_week"][0] == "Asha Patel has only 2 hours a week spare; enter 2 or fewer."
    assert shown["#id_care_home"][0] == "Enter the care home's CQC location ID or name."


def test_hand_over_shows_a_wrong_start_date_and_too_many_hours_together(client_for, pm_user):
    # Given a home with a lead, and a person fully assigned with no end in sight
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, role="lead")
    person = StaffMemberFactory(name="Ben Okoro", hours_per_week=Decimal("3"))
    AssignmentFactory(staff=person, role="support", hours_per_week=Decimal("3"))

    # When the PM hands the lead to them with a start date that is not a date
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/hand-over/",
        {
            "handover-staff": person.pk,
            "handover-hours_per_week": "2",
            "handover-starts_on[day]": "31",
            "handover-starts_on[month]": "2",
            "handover-starts_on[year]": "2027",
        },
    )

    # Then the date and the hours are both refused before the "Hand the lead…?" question
    assert response.status_code == 400
    shown = errors_shown(response.content.decode())
    assert (
        shown["#id_handover-hours_per_week"][0]
        == "Ben Okoro has no hours a week spare: they are fully assigned."
    )
    assert "#id_handover-starts_on-day" in shown
    assert "Hand the lead for" not in response.content.decode()


def test_hand_over_is_refused_before_the_question_when_the_person_lacks_the_hours(client_for, pm_user):
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, role="lead")
    person = StaffMemberFactory(name="Ben Okoro", hours_per_week=Decimal("1"))
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/hand-over/",
        {"handover-staff": person.pk, "handover-hours_per_week": "2", **date("handover-starts_on", TODAY)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ben Okoro has only 1 hour a week spare; enter 1 or fewer." in html
    assert "Hand the lead for" not in html


def test_with_the_start_unknown_only_hours_committed_whatever_the_start_count(client_for, pm_user):
    """A refusal in the first round is never one the second would lift: hours that end before the
    (unknown) start do not count against the person."""
    home = CareHomeFactory()
    person = StaffMemberFactory(hours_per_week=Decimal("3"))
    AssignmentFactory(
        staff=person, role="support", hours_per_week=Decimal("3"), ends_on=TODAY + datetime.timedelta(days=7)
    )
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {"staff": person.pk, "role": "support", "hours_per_week": "2", "starts_on[day]": "40"},
    )
    shown = errors_shown(response.content.decode())
    assert "#id_starts_on-day" in shown
    assert "#id_hours_per_week" not in shown


def test_the_service_still_refuses_too_many_hours_when_no_form_asked(pm_user):
    home = CareHomeFactory()
    person = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("2"))
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(
            by=pm_user, care_home=home, staff=person, role="support", hours_per_week=3, starts_on=TODAY
        )
    assert refused.value.message_dict["hours_per_week"] == [
        "Asha Patel has only 2 hours a week spare; enter 2 or fewer."
    ]
    assert not Assignment.objects.exists()
