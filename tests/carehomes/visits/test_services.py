"""visit_create / visit_update / visit_delete: each rule at its edges, duplicates, permissions, history."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from carehomes.models import Visit
from carehomes.visits.services import DuplicateVisit, visit_create, visit_delete, visit_update
from config.patient_data import contains_nhs_number, is_valid_nhs_number
from tests.conftest import FROZEN_TODAY
from tests.factories import CareHomeFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY
DAY = datetime.timedelta(days=1)


def refused(field, **kwargs):
    with pytest.raises(ValidationError) as caught:
        visit_create(**kwargs)
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def test_pharmacist_logs_a_visit_to_their_home(pharmacist, home, visit_fields):
    visit = visit_create(by=pharmacist, **visit_fields(activities=["smr", "home_round"]))
    assert visit.staff == pharmacist.staff_member
    assert visit.created_by == pharmacist
    assert visit.activities == ["smr", "home_round"]
    assert visit.is_cover is False
    assert visit.history.get().history_user == pharmacist


def test_a_visit_to_a_home_not_assigned_is_allowed_and_marked_cover(pharmacist, visit_fields):
    other_home = CareHomeFactory()
    visit = visit_create(by=pharmacist, **visit_fields(care_home=other_home))
    assert visit.is_cover is True


@pytest.mark.parametrize(("offset", "ok"), [(0, True), (1, False)])
def test_date_today_is_allowed_tomorrow_is_not(pharmacist, visit_fields, offset, ok):
    fields = visit_fields(visited_on=TODAY + offset * DAY)
    if ok:
        assert visit_create(by=pharmacist, **fields).pk
    else:
        assert "today or in the past" in refused("visited_on", by=pharmacist, **fields)


@pytest.mark.parametrize(("offset", "ok"), [(0, True), (-1, False)])
def test_date_on_registration_day_is_allowed_the_day_before_is_not(
    pharmacist, home, visit_fields, offset, ok
):
    home.registered_on = TODAY - 10 * DAY
    home.save()
    fields = visit_fields(visited_on=home.registered_on + offset * DAY)
    if ok:
        assert visit_create(by=pharmacist, **fields).pk
    else:
        assert "registered with the CQC" in refused("visited_on", by=pharmacist, **fields)


@pytest.mark.parametrize("field", ["residents_reviewed", "interventions_dose_changed", "issues_escalated"])
def test_negative_counts_are_refused_zero_is_allowed(pharmacist, visit_fields, field):
    assert visit_create(by=pharmacist, **visit_fields(**{field: 0})).pk
    assert "0 or more" in refused(field, by=pharmacist, **visit_fields(**{field: -1}))


def test_residents_reviewed_up_to_the_homes_beds(pharmacist, home, visit_fields):
    assert visit_create(by=pharmacist, **visit_fields(residents_reviewed=home.beds)).pk
    message = refused("residents_reviewed", by=pharmacist, **visit_fields(residents_reviewed=home.beds + 1))
    assert "no more than 40" in message


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (720, True), (721, False)])
def test_minutes_from_1_to_720(pharmacist, visit_fields, minutes, ok):
    fields = visit_fields(minutes_spent=minutes)
    if ok:
        assert visit_create(by=pharmacist, **fields).minutes_spent == minutes
    else:
        assert "1 to 720" in refused("minutes_spent", by=pharmacist, **fields)


def test_at_least_one_activity(pharmacist, visit_fields):
    assert "at least one activity" in refused("activities", by=pharmacist, **visit_fields(activities=[]))


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),
        ("943 476 5919", True),
        ("943-476-5919", True),
        ("9434765918", False),
        ("943 476 5918", False),
        ("94347659190", False),
    ],
)
def test_nhs_number_check_digit(number, valid):
    assert contains_nhs_number(f"Resident {number} reviewed") is valid


def test_nhs_number_whose_check_digit_would_be_ten_is_never_valid():
    # 1234567890: the weighted sum gives a check digit of 10, which no NHS number has.
    assert is_valid_nhs_number("1234567890") is False


def test_notes_with_an_nhs_number_are_refused_with_what_to_write_instead(pharmacist, visit_fields):
    message = refused("notes", by=pharmacist, **visit_fields(notes="Reviewed 943 476 5919 today"))
    assert "NHS number" in message
    assert "resident A" in message


def test_notes_with_an_invalid_check_digit_are_kept(pharmacist, visit_fields):
    visit = visit_create(by=pharmacist, **visit_fields(notes="Called the surgery on 943 476 5918"))
    assert visit.notes.endswith("5918")


def test_same_person_home_date_and_mode_is_a_duplicate_unless_confirmed(pharmacist, visit_fields):
    first = visit_create(by=pharmacist, **visit_fields())
    with pytest.raises(DuplicateVisit) as caught:
        visit_create(by=pharmacist, **visit_fields())
    assert caught.value.existing == first
    second = visit_create(by=pharmacist, confirm_duplicate=True, **visit_fields())
    assert second.pk != first.pk


def test_another_mode_the_same_day_is_not_a_duplicate(pharmacist, visit_fields):
    visit_create(by=pharmacist, **visit_fields())
    assert visit_create(by=pharmacist, **visit_fields(mode="phone")).pk


def test_resubmitted_form_returns_the_first_visit(pharmacist, visit_fields):
    fields = visit_fields()
    first = visit_create(by=pharmacist, **fields)
    again = visit_create(by=pharmacist, **fields)
    assert again.pk == first.pk
    assert again.already_saved is True
    assert Visit.objects.count() == 1


def test_unique_submission_token_is_held_by_the_database(pharmacist):
    token = uuid.uuid4()
    VisitFactory(submission_token=token)
    with pytest.raises(IntegrityError):
        VisitFactory(submission_token=token)


def test_someone_elses_token_is_refused(pharmacist, other_pharmacist, visit_fields):
    fields = visit_fields()
    visit_create(by=pharmacist, **fields)
    with pytest.raises(PermissionDenied):
        visit_create(by=other_pharmacist, **fields)


def test_pharmacist_cannot_log_for_someone_else(pharmacist, other_pharmacist, visit_fields):
    with pytest.raises(PermissionDenied):
        visit_create(by=pharmacist, staff=other_pharmacist.staff_member, **visit_fields())


def test_project_manager_logs_for_anyone(pm_user, pharmacist, visit_fields):
    visit = visit_create(by=pm_user, staff=pharmacist.staff_member, **visit_fields())
    assert visit.staff == pharmacist.staff_member
    assert visit.created_by == pm_user


def test_slt_cannot_log_visits(slt_user, visit_fields):
    with pytest.raises(PermissionDenied):
        visit_create(by=slt_user, **visit_fields())


# Changing and deleting


def age(visit, days):
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    visit.refresh_from_db()
    return visit


def test_visitor_changes_their_visit_within_seven_days_without_a_reason(pharmacist, visit_fields):
    visit = age(visit_create(by=pharmacist, **visit_fields()), 6)
    visit_update(by=pharmacist, visit=visit, minutes_spent=60)
    latest = visit.history.first()
    assert latest.minutes_spent == 60
    assert latest.history_user == pharmacist


def test_visitor_cannot_change_after_seven_days(pharmacist, visit_fields):
    visit = age(visit_create(by=pharmacist, **visit_fields()), 8)
    with pytest.raises(PermissionDenied):
        visit_update(by=pharmacist, visit=visit, minutes_spent=60)
    with pytest.raises(PermissionDenied):
        visit_delete(by=pharmacist, visit=visit)


def test_another_professional_cannot_change_or_delete(pharmacist, other_pharmacist, visit_fields):
    visit = visit_create(by=pharmacist, **visit_fields())
    with pytest.raises(PermissionDenied):
        visit_update(by=other_pharmacist, visit=visit, minutes_spent=60)
    with pytest.raises(PermissionDenied):
        visit_delete(by=other_pharmacist, visit=visit)


def test_project_manager_corrects_an_old_visit_giving_a_reason(pm_user, pharmacist, visit_fields):
    visit = age(visit_create(by=pharmacist, **visit_fields()), 30)
    with pytest.raises(ValidationError) as caught:
        visit_update(by=pm_user, visit=visit, minutes_spent=60)
    assert "reason" in caught.value.message_dict
    visit_update(by=pm_user, visit=visit, minutes_spent=60, reason="Typed 90 for 60")
    latest = visit.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.minutes_spent) == (
        pm_user,
        "Typed 90 for 60",
        60,
    )


def test_a_change_is_checked_by_the_same_rules(pharmacist, visit_fields):
    visit = visit_create(by=pharmacist, **visit_fields())
    with pytest.raises(ValidationError) as caught:
        visit_update(by=pharmacist, visit=visit, visited_on=TODAY + DAY)
    assert "visited_on" in caught.value.message_dict


def test_visitor_deletes_within_the_window_and_history_keeps_it(pharmacist, visit_fields):
    visit = visit_create(by=pharmacist, **visit_fields())
    pk = visit.pk
    visit_delete(by=pharmacist, visit=visit)
    assert not Visit.objects.filter(pk=pk).exists()
    deleted = Visit.history.filter(id=pk).first()
    assert deleted.history_type == "-"
    assert deleted.history_user == pharmacist


def test_project_manager_deletes_with_a_reason(pm_user, pharmacist, visit_fields):
    visit = age(visit_create(by=pharmacist, **visit_fields()), 30)
    with pytest.raises(ValidationError):
        visit_delete(by=pm_user, visit=visit)
    visit_delete(by=pm_user, visit=visit, reason="Logged twice")
    assert Visit.history.filter(id=visit.pk).first().history_change_reason == "Logged twice"
