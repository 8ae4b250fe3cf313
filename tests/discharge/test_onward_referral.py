"""A PCN pharmacist's visit with a post-discharge review closes the home's onward referrals."""

import uuid

import pytest
from django.utils import timezone

from carehomes.visits.services import visit_create
from discharge.states import State
from organisations.access import PHARMACY_PROFESSIONAL, staff_member_for
from tests.factories import AssignmentFactory, DischargeFollowUpFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


def log_visit(by, home, activities):
    return visit_create(
        by=by,
        care_home=home,
        submission_token=uuid.uuid4(),
        visited_on=timezone.localdate(),
        mode="on_site",
        activities=activities,
        minutes_spent=60,
    )


@pytest.fixture
def pcn_pharmacist():
    return user_with_role(PHARMACY_PROFESSIONAL, username="pcn-pharm")


def referred(home):
    now = timezone.now()
    return DischargeFollowUpFactory(
        care_home=home,
        state=State.CLOSED_COMPLETE,
        acknowledged_at=now,
        stage1_at=now,
        stage2_at=now,
        stage3_at=now,
        closed_at=now,
        onward_referral=True,
    )


def test_post_discharge_review_visit_closes_the_onward_referral(pcn_pharmacist):
    follow_up = referred(home=AssignmentFactory(staff=staff_member_for(pcn_pharmacist)).care_home)
    visit = log_visit(pcn_pharmacist, follow_up.care_home, ["post_discharge_review"])
    follow_up.refresh_from_db()
    assert follow_up.onward_closed_at is not None
    assert follow_up.onward_visit == visit
    assert follow_up.history.first().history_user == pcn_pharmacist


def test_a_visit_without_the_review_leaves_it_open(pcn_pharmacist):
    follow_up = referred(home=AssignmentFactory(staff=staff_member_for(pcn_pharmacist)).care_home)
    log_visit(pcn_pharmacist, follow_up.care_home, ["smr"])
    follow_up.refresh_from_db()
    assert follow_up.onward_closed_at is None


def test_a_review_at_another_home_leaves_it_open(pcn_pharmacist):
    follow_up = referred(home=AssignmentFactory().care_home)
    own_home = AssignmentFactory(staff=staff_member_for(pcn_pharmacist)).care_home
    log_visit(pcn_pharmacist, own_home, ["post_discharge_review"])
    follow_up.refresh_from_db()
    assert follow_up.onward_closed_at is None
