"""Invariants of care homes, assignments and visits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from carehomes.models import normalise_postcode
from config.patient_data import contains_nhs_number, is_valid_nhs_number
from tests.factories import AssignmentFactory, CareHomeFactory, PcnFactory, StaffMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cqc_id", ["1-", "2-123456", "1-12345678901234", "1-12a"])
def test_cqc_location_id_format(cqc_id):
    home = CareHomeFactory.build(cqc_location_id=cqc_id, pcn=PcnFactory())
    with pytest.raises(ValidationError) as excinfo:
        home.full_clean()
    assert "1- followed by" in str(excinfo.value.message_dict["cqc_location_id"])


def test_cqc_location_id_is_unique():
    CareHomeFactory(cqc_location_id="1-101234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        CareHomeFactory(cqc_location_id="1-101234567")


@pytest.mark.parametrize(
    ("typed", "stored"), [("ls13ex", "LS1 3EX"), ("LS7  3EX", "LS7 3EX"), ("ls16 6qb", "LS16 6QB")]
)
def test_postcode_is_normalised_and_accepted(typed, stored):
    home = CareHomeFactory.build(postcode=typed, pcn=PcnFactory())
    home.full_clean()
    assert home.postcode == stored
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("postcode", ["LS1", "12345", "QQ1 1QQ"])
def test_postcode_must_be_a_uk_postcode(postcode):
    home = CareHomeFactory.build(postcode=postcode, pcn=PcnFactory())
    with pytest.raises(ValidationError) as excinfo:
        home.full_clean()
    assert "UK postcode" in str(excinfo.value.message_dict["postcode"])


def test_outbreak_needs_a_start_date_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CareHomeFactory(outbreak_status="confirmed", outbreak_started_on=None)


def test_at_most_one_open_lead_per_home():
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, role="lead")
    AssignmentFactory(care_home=home, role="support")
    AssignmentFactory(care_home=home, role="lead", ends_on=datetime.date(2026, 12, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(care_home=home, role="lead")


def test_assignment_end_date_must_follow_start_in_validation_and_database():
    assignment = AssignmentFactory.build(
        care_home=CareHomeFactory(),
        staff=StaffMemberFactory(),
        starts_on=datetime.date(2026, 5, 2),
        ends_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        assignment.full_clean()
    assert "on or after the start date" in str(excinfo.value.message_dict["ends_on"])
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save()


@pytest.mark.parametrize("field", ["residents_reviewed", "interventions_stopped", "issues_escalated"])
def test_visit_counts_cannot_be_negative_in_the_database(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(**{field: -1})


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (720, True), (721, False)])
def test_visit_minutes_between_1_and_720_in_the_database(minutes, ok):
    if ok:
        VisitFactory(minutes_spent=minutes)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            VisitFactory(minutes_spent=minutes)


@pytest.mark.parametrize(
    ("number", "valid"),
    [("9434765919", True), ("9434765918", False), ("4010232137", True), ("1234567890", False)],
)
def test_nhs_number_modulus_11(number, valid):
    assert is_valid_nhs_number(number) is valid


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("seen 943 476 5919 today", True),
        ("943-476-5919", True),
        ("9434765919", True),
        ("943 476 5918", False),
        ("phone 0113 243 3144", False),
        ("ref 19434765919", False),
    ],
)
def test_notes_with_an_nhs_number_are_found(text, found):
    assert contains_nhs_number(text) is found


def test_visit_notes_with_an_nhs_number_are_refused_with_advice():
    visit = VisitFactory.build(notes="Resident 943 476 5919 reviewed")
    with pytest.raises(ValidationError) as excinfo:
        visit.clean_fields(exclude={f.name for f in visit._meta.fields} - {"notes"})
    message = " ".join(excinfo.value.message_dict["notes"])
    assert "NHS number" in message
    assert "patient-identifiable" in message
