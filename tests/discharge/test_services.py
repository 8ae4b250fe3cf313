"""Every transition of a follow-up, who may make it, and what it refuses."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from discharge import services
from discharge.models import DischargeFollowUp
from discharge.states import State
from organisations.access import COMMUNITY_PHARMACY, TRUST_DISCHARGE_TEAM, staff_member_for
from tests.factories import (
    CareHomeFactory,
    CommunityPharmacyFactory,
    DischargeFollowUpFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return CareHomeFactory(name="Moor View")


@pytest.fixture
def trust_team(db):
    return user_with_role(TRUST_DISCHARGE_TEAM, username="tech")


@pytest.fixture
def chemist(home):
    return user_with_role(COMMUNITY_PHARMACY, username="chem", organisation=home.supplying_pharmacy)


def record(by, home, **overrides):
    fields = {
        "trust": staff_member_for(by).organisation,
        "reference": "PO-123456",
        "channel": "pharmoutcomes",
        "care_home": home,
        "discharged_on": timezone.localdate() - datetime.timedelta(days=1),
        "changes_band": "3-5",
        "reasons": ["stopped", "dose_change"],
    }
    return services.followup_record(by=by, **(fields | overrides))


def test_trust_team_records_a_discharge_to_the_homes_supplying_pharmacy(trust_team, home):
    follow_up = record(trust_team, home)
    assert follow_up.pharmacy == home.supplying_pharmacy
    assert follow_up.pcn == home.pcn
    assert follow_up.state == State.EXPECTED
    assert follow_up.reasons == ["Stopped medicine", "Dose change"]
    assert follow_up.history.first().history_user == trust_team


def test_trust_team_cannot_record_for_another_trust(trust_team, home):
    with pytest.raises(PermissionDenied):
        record(trust_team, home, trust=OrganisationFactory())


@pytest.mark.parametrize(
    "reference",
    ["943 476 5919", "9434765919", "Mrs Smith", "mr. jones 12", "Ms X", "PO 123 <script>"],
)
def test_reference_refuses_nhs_numbers_names_and_odd_characters(trust_team, home, reference):
    with pytest.raises(ValidationError) as error:
        record(trust_team, home, reference=reference)
    assert "reference" in error.value.message_dict
    assert not DischargeFollowUp.objects.exists()


def test_note_goes_through_the_patient_data_validator(trust_team, home):
    with pytest.raises(ValidationError) as error:
        record(trust_team, home, note="NHS no 943 476 5919")
    assert "note" in error.value.message_dict


def test_same_reference_twice_is_refused_with_the_existing_one(trust_team, home):
    first = record(trust_team, home)
    with pytest.raises(services.DuplicateReference) as refused:
        record(trust_team, home, reference="po-123456", channel="nhsmail")
    assert refused.value.existing == first


def test_same_home_trust_and_date_by_another_channel_asks_whether_to_merge(trust_team, home):
    first = record(trust_team, home)
    with pytest.raises(services.PossibleDuplicate) as asked:
        record(trust_team, home, reference="NM-77", channel="nhsmail")
    assert asked.value.existing == first
    merged = record(trust_team, home, reference="NM-77", channel="nhsmail", merge_with=first)
    assert merged.state == State.DUPLICATE and merged.duplicate_of == first
    separate = record(trust_team, home, reference="NM-78", channel="nhsmail", not_a_duplicate=True)
    assert separate.state == State.EXPECTED


def test_home_without_a_supplying_pharmacy_needs_one_chosen(trust_team):
    home = CareHomeFactory(supplying_pharmacy=None)
    with pytest.raises(ValidationError) as error:
        record(trust_team, home)
    assert "pharmacy" in error.value.message_dict
    chosen = CommunityPharmacyFactory()
    assert record(trust_team, home, pharmacy=chosen).pharmacy == chosen


def test_pharmacy_works_a_follow_up_through_every_stage(chemist, trust_team, home):
    follow_up = record(trust_team, home)
    follow_up = services.followup_acknowledge(by=chemist, follow_up=follow_up)
    assert follow_up.state == State.ACKNOWLEDGED and follow_up.acknowledged_at
    follow_up = services.followup_record_stage(
        by=chemist, follow_up=follow_up, stage=1, issues=["mar_not_updated"]
    )
    follow_up = services.followup_record_stage(by=chemist, follow_up=follow_up, stage=2)
    follow_up = services.followup_record_stage(
        by=chemist,
        follow_up=follow_up,
        stage=3,
        participants=["care_home_staff", "family"],
        onward_referral=True,
    )
    follow_up = services.followup_close_complete(by=chemist, follow_up=follow_up)
    assert follow_up.state == State.CLOSED_COMPLETE
    assert follow_up.issues == ["MAR not updated"]
    assert follow_up.participants == ["Care-home staff", "Family"]
    assert follow_up.onward_referral
    reasons = [h.history_change_reason for h in follow_up.history.order_by("history_date")]
    assert reasons == [
        "Recorded",
        "Acknowledged",
        "Stage 1 done",
        "Stage 2 done",
        "Stage 3 done",
        "Closed: complete",
    ]


def test_stages_cannot_be_skipped(chemist, trust_team, home):
    follow_up = record(trust_team, home)
    with pytest.raises(ValidationError):
        services.followup_record_stage(by=chemist, follow_up=follow_up, stage=2)
    with pytest.raises(ValidationError):
        services.followup_close_complete(by=chemist, follow_up=follow_up)


def test_another_pharmacy_and_the_trust_cannot_work_it(trust_team, home):
    follow_up = record(trust_team, home)
    stranger = user_with_role(COMMUNITY_PHARMACY, organisation=CommunityPharmacyFactory())
    for person in (stranger, trust_team):
        with pytest.raises(PermissionDenied):
            services.followup_acknowledge(by=person, follow_up=follow_up)


def test_partial_close_needs_a_reason_and_readmission_is_the_trusts_to_report(chemist, trust_team, home):
    follow_up = record(trust_team, home)
    with pytest.raises(ValidationError):
        services.followup_close_partial(by=chemist, follow_up=follow_up, reason="")
    follow_up = services.followup_close_partial(by=chemist, follow_up=follow_up, reason="not_contacted")
    assert follow_up.state == State.CLOSED_PARTIAL
    with pytest.raises(PermissionDenied):
        services.followup_report_readmission(by=chemist, follow_up=follow_up, readmitted="yes")
    follow_up = services.followup_report_readmission(by=trust_team, follow_up=follow_up, readmitted="yes")
    assert follow_up.readmitted == "yes"


def test_readmission_only_on_closed_follow_ups(trust_team, home):
    follow_up = record(trust_team, home)
    with pytest.raises(ValidationError):
        services.followup_report_readmission(by=trust_team, follow_up=follow_up, readmitted="no")


def test_hold_returns_to_where_it_was(chemist, trust_team, home):
    follow_up = services.followup_acknowledge(by=chemist, follow_up=record(trust_team, home))
    follow_up = services.followup_hold(by=chemist, follow_up=follow_up, note="Resident in respite")
    assert follow_up.state == State.ON_HOLD
    follow_up = services.followup_resume(by=chemist, follow_up=follow_up)
    assert follow_up.state == State.ACKNOWLEDGED


def test_redirect_sends_it_to_the_right_pharmacy_and_restarts_the_clock(chemist, trust_team, home):
    follow_up = record(trust_team, home)
    right = CommunityPharmacyFactory()
    follow_up = services.followup_redirect(by=chemist, follow_up=follow_up, pharmacy=right)
    assert follow_up.pharmacy == right and follow_up.misrouted_from == home.supplying_pharmacy
    assert follow_up.state == State.EXPECTED and follow_up.routed_at >= follow_up.received_at
    # The first pharmacy no longer works it; the right one does.
    with pytest.raises(PermissionDenied):
        services.followup_acknowledge(by=chemist, follow_up=follow_up)
    services.followup_acknowledge(
        by=user_with_role(COMMUNITY_PHARMACY, organisation=right), follow_up=follow_up
    )


def test_reopen_needs_a_reason_and_carries_on(chemist, trust_team, home):
    follow_up = services.followup_close_partial(
        by=chemist, follow_up=record(trust_team, home), reason="refused"
    )
    with pytest.raises(ValidationError):
        services.followup_reopen(by=trust_team, follow_up=follow_up, reason=" ")
    follow_up = services.followup_reopen(
        by=trust_team, follow_up=follow_up, reason="Resident changed their mind"
    )
    assert follow_up.state == State.REOPENED and follow_up.closed_at is None
    follow_up = services.followup_record_stage(by=chemist, follow_up=follow_up, stage=1)
    assert follow_up.state == State.STAGE1


def test_merge_keeps_both_and_points_at_the_one_to_track(chemist, trust_team, home):
    first = record(trust_team, home)
    second = record(trust_team, home, reference="NM-1", channel="nhsmail", not_a_duplicate=True)
    merged = services.followup_merge(by=chemist, follow_up=second, into=first)
    assert merged.state == State.DUPLICATE and merged.duplicate_of == first
    assert DischargeFollowUp.objects.count() == 2


def test_nothing_is_ever_deleted_by_a_transition(chemist, trust_team, home):
    follow_up = record(trust_team, home)
    services.followup_close_partial(by=chemist, follow_up=follow_up, reason="died")
    assert DischargeFollowUp.objects.filter(pk=follow_up.pk).exists()


def test_state_is_checked_under_the_lock_not_from_a_stale_copy(chemist, trust_team, home):
    follow_up = record(trust_team, home)
    stale = DischargeFollowUp.objects.get(pk=follow_up.pk)
    services.followup_acknowledge(by=chemist, follow_up=follow_up)
    with pytest.raises(ValidationError):
        services.followup_acknowledge(by=chemist, follow_up=stale)


def test_factory_builds_a_valid_follow_up():
    DischargeFollowUpFactory().full_clean()
