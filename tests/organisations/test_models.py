"""Invariants of organisations and staff, held by the database and by validation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organisations.models import StaffMember
from tests.factories import OrganisationFactory, PcnFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def test_ods_code_is_unique_when_present_but_many_may_have_none():
    OrganisationFactory(ods_code="RR8")
    OrganisationFactory(ods_code=None)
    OrganisationFactory(ods_code=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(ods_code="RR8")


def test_blank_ods_code_is_stored_as_none_by_validation():
    org = OrganisationFactory.build(ods_code="  ")
    org.full_clean()
    assert org.ods_code is None


@pytest.mark.parametrize("number", ["123456", "12345678", "12a4567"])
def test_gphc_number_must_be_seven_digits(number):
    member = StaffMemberFactory.build(gphc_number=number, organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as excinfo:
        member.full_clean()
    assert "7 digits" in str(excinfo.value.message_dict["gphc_number"])


def test_pharmacist_must_have_a_gphc_number():
    member = StaffMemberFactory.build(gphc_number="", organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as excinfo:
        member.full_clean()
    assert "registrants" in str(excinfo.value.message_dict["gphc_number"])


def test_project_manager_needs_no_gphc_number():
    member = StaffMemberFactory.build(
        gphc_number="", role=StaffMember.Role.PROJECT_MANAGER, organisation=OrganisationFactory()
    )
    member.full_clean()


def test_gphc_number_is_unique():
    StaffMemberFactory(gphc_number="2045678")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMemberFactory(gphc_number="2045678")


def test_hours_available_cannot_be_negative_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMemberFactory(hours_per_week=Decimal("-1"))


def test_pcn_committed_hours_cannot_be_negative_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PcnFactory(committed_hours=Decimal("-2"))


def test_only_a_pcn_has_an_engagement_status():
    org = OrganisationFactory.build(engagement="engaged")
    with pytest.raises(ValidationError) as excinfo:
        org.full_clean()
    assert "Only a PCN" in str(excinfo.value)


def test_second_organisation_must_differ():
    org = OrganisationFactory()
    member = StaffMemberFactory.build(organisation=org, second_organisation=org)
    with pytest.raises(ValidationError):
        member.full_clean()
