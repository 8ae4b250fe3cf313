"""Every change to an audited record is in its history with who and when (issue 13 §3).

The audited models are read from the history library's own registry, so a model that gains a
history without a scenario here fails `test_every_audited_model_is_walked`. Each scenario calls
the real services (create, update, end, bulk changes) WITHOUT a request, as the command line, an
import or a Celery task would, so the acting user must come from the service itself, not from
the history library's request middleware. After each call every row the call touched has a new
history row naming the acting user, made during the call.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from simple_history.models import registered_models

from actionplan import services as actionplan_services
from carehomes import services as carehome_services
from carehomes.visits import services as visit_services
from discharge import services as discharge_services
from organisations import services as organisation_services
from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
)
from organisations.models import Membership, StaffMember, Team
from tests.conftest import FROZEN_TODAY
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    CommunityPharmacyFactory,
    OrganisationFactory,
    PcnFactory,
    SectionFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
    user_with_role,
)
from workstreams import services as workstream_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process", "frozen_today")]

TODAY = FROZEN_TODAY


class Walk:
    """The people and things the scenarios share, and the check they all make."""

    def __init__(self):
        self.slt = user_with_role(SLT, username="audit-slt")
        self.pm = user_with_role(PROJECT_MANAGER, username="audit-pm")
        self.pcn = PcnFactory(name="Chapeltown PCN")
        self.trust = OrganisationFactory(name="Leeds Teaching Hospitals", kind="acute_trust")
        self.home = CareHomeFactory(name="Aire View", pcn=self.pcn)
        self.other_home = CareHomeFactory(name="Beck House", pcn=self.pcn)
        self.pharmacist = user_with_role(
            PHARMACY_PROFESSIONAL, username="audit-pharmacist", organisation=self.pcn
        )
        AssignmentFactory(staff=self.pharmacist.staff_member, care_home=self.home)
        self.lead = user_with_role(ORGANISATION_LEAD, username="audit-lead", organisation=self.pcn)
        self.trust_lead = user_with_role(
            ORGANISATION_LEAD, username="audit-trust-lead", organisation=self.trust
        )
        self.checked = {}
        self.problems = []

    def changed(self, call, by, *, expect=None):
        """Run `call`; each audited row it touched has a new history row by `by`, made now.
        `expect`: the objects it must have touched (records of other models are checked too)."""
        before = {model: model.history.model.objects.count() for model in registered_models.values()}
        started = timezone.now()
        result = call()
        ended = timezone.now()
        new_rows = 0
        for model in registered_models.values():
            rows = list(model.history.model.objects.order_by("history_id")[before[model] :])
            for row in rows:
                if row.history_user_id != (by.pk if by else None) or not started <= row.history_date <= ended:
                    self.problems.append(
                        f"{model.__name__} {row.history_type} by {row.history_user_id}: {row}"
                    )
                self.checked.setdefault(model, set()).add(row.history_type)
            new_rows += len(rows)
        for obj in expect or ():
            model = type(obj)
            assert model.history.model.objects.filter(id=obj.pk, history_date__gte=started).exists(), obj
        assert new_rows, "the call left no history at all"
        return result


def staff_scenarios(w):
    member = w.changed(
        lambda: organisation_services.staff_member_add(
            by=w.pm,
            organisation=w.pcn,
            name="Jo Patel",
            role=StaffMember.Role.PHARMACIST,
            gphc_number="2012345",
            funding=StaffMember.Funding.PCN,
            hours_per_week=Decimal("30"),
        ),
        w.pm,
    )
    w.changed(
        lambda: carehome_services.staff_hours_update(by=w.pm, staff=member, hours_per_week=Decimal("20")),
        w.pm,
        expect=[member],
    )
    w.changed(
        lambda: organisation_services.staff_member_leave(by=w.pm, staff=member, left_on=TODAY),
        w.pm,
        expect=[member],
    )


def organisation_scenarios(w):
    w.changed(
        lambda: organisation_services.pcn_engagement_update(
            by=w.slt, pcn=w.pcn, engagement="hesitant", committed_hours=2
        ),
        w.slt,
        expect=[w.pcn],
    )
    note = w.changed(
        lambda: organisation_services.engagement_note_create(
            by=w.slt, pcn=w.pcn, held_on=TODAY, with_whom="Clinical director", summary="Agreed to try."
        ),
        w.slt,
    )
    assert note.history.exists()
    new_trust = OrganisationFactory(name="New Trust", kind="acute_trust")
    w.changed(
        lambda: organisation_services.trust_kind_choose(
            by=w.pm, organisation=new_trust, kind="community_trust"
        ),
        w.pm,
        expect=[new_trust],
    )


def team_scenarios(w):
    team = TeamFactory(kind=Team.Kind.OPERATIONAL, name="Operational team")
    person = StaffMemberFactory(user=UserFactory())
    seat = w.changed(
        lambda: organisation_services.membership_create(
            by=w.slt,
            team=team,
            staff=person,
            organisation=person.organisation,
            role=Membership.Role.PROJECT_MANAGER,
        ),
        w.slt,
    )
    w.changed(lambda: organisation_services.membership_end(by=w.slt, membership=seat), w.slt)


def care_home_scenarios(w):
    w.changed(
        lambda: carehome_services.carehome_outbreak_update(
            by=w.pm, care_home=w.home, status="confirmed", started_on=TODAY
        ),
        w.pm,
        expect=[w.home],
    )
    pharmacy = CommunityPharmacyFactory(name="Chapel Allerton Pharmacy")
    w.changed(
        lambda: carehome_services.carehome_set_supplying_pharmacy(
            by=w.pm, care_home=w.home, pharmacy=pharmacy
        ),
        w.pm,
        expect=[w.home],
    )
    # Changed and added by hand by the project manager (issue 14).
    w.changed(
        lambda: carehome_services.care_home_update(
            by=w.pm, care_home=w.home, name="Aire View House", beds=41
        ),
        w.pm,
        expect=[w.home],
    )
    w.changed(
        lambda: carehome_services.care_home_create_by_hand(
            by=w.pm, name="Chapel Lodge", postcode="LS7 4AA", locality="Leeds North", home_type="residential"
        ),
        w.pm,
    )


def assignment_scenarios(w):
    staff = StaffMemberFactory(organisation=w.pcn, hours_per_week=Decimal("37.5"))
    assignment = w.changed(
        lambda: carehome_services.assignment_create(
            by=w.pm,
            care_home=w.other_home,
            staff=staff,
            role="support",
            hours_per_week=Decimal("4"),
            starts_on=TODAY,
        ),
        w.pm,
    )
    w.changed(
        lambda: carehome_services.assignment_end(by=w.pm, assignment=assignment, ends_on=TODAY),
        w.pm,
        expect=[assignment],
    )
    newcomer = StaffMemberFactory(organisation=w.pcn, hours_per_week=Decimal("37.5"))
    w.changed(
        lambda: carehome_services.lead_hand_over(
            by=w.pm,
            care_home=w.home,
            staff=newcomer,
            hours_per_week=Decimal("4"),
            starts_on=TODAY + datetime.timedelta(days=1),
        ),
        w.pm,
    )


def visit_scenarios(w):
    visit = w.changed(
        lambda: visit_services.visit_create(
            by=w.pharmacist,
            care_home=w.home,
            submission_token=uuid.uuid4(),
            visited_on=TODAY,
            mode="on_site",
            activities=["smr"],
            residents_reviewed=4,
            interventions_stopped=2,
            minutes_spent=90,
            notes="Reviewed four residents' medicines.",
        ),
        w.pharmacist,
    )
    w.changed(
        lambda: visit_services.visit_update(by=w.pharmacist, visit=visit, residents_reviewed=5),
        w.pharmacist,
        expect=[visit],
    )
    w.changed(
        lambda: visit_services.visit_delete(by=w.pharmacist, visit=visit, reason="Logged twice."),
        w.pharmacist,
    )


def workstream_scenarios(w):
    workstream = w.changed(
        lambda: workstream_services.workstream_create(
            by=w.slt, name="End-of-life medicines", lead_organisation=w.trust
        ),
        w.slt,
    )
    w.changed(
        lambda: workstream_services.workstream_update(
            by=w.slt, workstream=workstream, name="End-of-life medicines at home", lead_organisation=w.trust
        ),
        w.slt,
        expect=[workstream],
    )


def support_scenarios(w):
    def raise_request():
        return workstream_services.support_request_create(
            by=w.lead,
            organisation=w.pcn,
            title="Pharmacist for SMRs",
            hours_per_week=Decimal("4"),
            needed_by=TODAY + datetime.timedelta(days=10),
            care_homes=[w.other_home],
        )

    request = w.changed(raise_request, w.lead)
    offers = []
    for name in ("Ana Lopes", "Ben Ode", "Cy Ray"):
        staff = StaffMemberFactory(name=name, organisation=w.trust, hours_per_week=Decimal("37.5"))
        offers.append(
            w.changed(
                lambda staff=staff: workstream_services.support_offer_create(
                    by=w.trust_lead,
                    support_request=request,
                    staff=staff,
                    hours_per_week=Decimal("4"),
                    starts_on=TODAY,
                ),
                w.trust_lead,
            )
        )
    w.changed(
        lambda: workstream_services.support_offer_decline(by=w.pm, offer=offers[2]), w.pm, expect=[offers[2]]
    )
    # Accepting one offer declines the others in bulk: each declined offer has its own history row.
    w.changed(
        lambda: workstream_services.support_offer_accept(by=w.pm, offer=offers[0]),
        w.pm,
        expect=[offers[0], offers[1], request],
    )
    second = w.changed(raise_request, w.lead)
    w.changed(
        lambda: workstream_services.support_request_withdraw(by=w.lead, support_request=second),
        w.lead,
        expect=[second],
    )


def discharge_scenarios(w):
    pharmacy = w.home.supplying_pharmacy or CommunityPharmacyFactory(name="Moor Pharmacy")
    if w.home.supplying_pharmacy is None:
        carehome_services.carehome_set_supplying_pharmacy(by=w.pm, care_home=w.home, pharmacy=pharmacy)
    team = user_with_role(TRUST_DISCHARGE_TEAM, username="audit-tech", organisation=w.trust)
    chemist = user_with_role(COMMUNITY_PHARMACY, username="audit-chem", organisation=pharmacy)
    other_pharmacy = CommunityPharmacyFactory(name="Other Pharmacy")

    def record(reference, **extra):
        return discharge_services.followup_record(
            by=team,
            trust=w.trust,
            reference=reference,
            channel="pharmoutcomes",
            care_home=w.home,
            discharged_on=TODAY - datetime.timedelta(days=1),
            changes_band="3-5",
            reasons=["stopped"],
            **extra,
        )

    follow_up = w.changed(lambda: record("PO-100001"), team)
    w.changed(
        lambda: discharge_services.followup_acknowledge(by=chemist, follow_up=follow_up),
        chemist,
        expect=[follow_up],
    )
    w.changed(
        lambda: discharge_services.followup_hold(by=chemist, follow_up=follow_up), chemist, expect=[follow_up]
    )
    w.changed(
        lambda: discharge_services.followup_resume(by=chemist, follow_up=follow_up),
        chemist,
        expect=[follow_up],
    )
    for stage in (1, 2, 3):
        w.changed(
            lambda stage=stage: discharge_services.followup_record_stage(
                by=chemist,
                follow_up=follow_up,
                stage=stage,
                participants=["care_home_staff"] if stage == 3 else (),
            ),
            chemist,
            expect=[follow_up],
        )
    w.changed(
        lambda: discharge_services.followup_close_complete(by=chemist, follow_up=follow_up),
        chemist,
        expect=[follow_up],
    )
    w.changed(
        lambda: discharge_services.followup_report_readmission(by=team, follow_up=follow_up, readmitted="no"),
        team,
        expect=[follow_up],
    )
    w.changed(
        lambda: discharge_services.followup_reopen(by=w.pm, follow_up=follow_up, reason="Closed in error."),
        w.pm,
        expect=[follow_up],
    )
    second = w.changed(lambda: record("PO-100002", not_a_duplicate=True), team)
    w.changed(
        lambda: discharge_services.followup_redirect(by=chemist, follow_up=second, pharmacy=other_pharmacy),
        chemist,
        expect=[second],
    )
    w.changed(
        lambda: discharge_services.followup_merge(by=w.pm, follow_up=second, into=follow_up),
        w.pm,
        expect=[second],
    )
    w.changed(
        lambda: discharge_services.pharmacy_set_opening_hours(
            by=w.pm, pharmacy=pharmacy, sessions=[(0, datetime.time(9), datetime.time(18))]
        ),
        w.pm,
    )
    w.changed(
        lambda: discharge_services.pharmacy_set_opening_hours(
            by=w.pm, pharmacy=pharmacy, sessions=[(1, datetime.time(9), datetime.time(17))]
        ),
        w.pm,
    )


def action_scenarios(w):
    section = SectionFactory()
    action = w.changed(
        lambda: actionplan_services.action_create(
            by=w.pm,
            section=section,
            description="Supply end-of-life medicines to every home.",
            owner_organisation=w.trust,
            due_on=TODAY + datetime.timedelta(days=30),
        ),
        w.pm,
    )
    action = w.changed(
        lambda: actionplan_services.action_update(
            by=w.pm, action=action, version=action.version, description="Changed."
        ),
        w.pm,
        expect=[action],
    )
    action = w.changed(
        lambda: actionplan_services.action_close(by=w.pm, action=action), w.pm, expect=[action]
    )
    w.changed(lambda: actionplan_services.action_reopen(by=w.pm, action=action), w.pm, expect=[action])


# Each audited model and the scenarios that change it through its services.
SCENARIOS = {
    "organisations.Organisation": organisation_scenarios,
    "organisations.StaffMember": staff_scenarios,
    "organisations.Membership": team_scenarios,
    "organisations.EngagementNote": organisation_scenarios,
    "carehomes.CareHome": care_home_scenarios,
    "carehomes.Assignment": assignment_scenarios,
    "carehomes.Visit": visit_scenarios,
    "workstreams.Workstream": workstream_scenarios,
    "workstreams.SupportRequest": support_scenarios,
    "workstreams.SupportOffer": support_scenarios,
    "discharge.DischargeFollowUp": discharge_scenarios,
    "discharge.PharmacyOpeningHours": discharge_scenarios,
    "actionplan.Action": action_scenarios,
}
# Audited models no service writes, and why (each still has its history through the admin).
NO_SERVICE = {
    "organisations.Team": "made by a data migration; its name and description are edited in the admin only",
}


def audited_models():
    return {f"{m._meta.app_label}.{m.__name__}" for m in registered_models.values()}


def test_every_audited_model_is_walked():
    assert audited_models() == set(SCENARIOS) | set(NO_SERVICE)


@pytest.mark.parametrize(
    "scenario",
    sorted({f.__name__: f for f in SCENARIOS.values()}.items()),
    ids=lambda s: s[0] if isinstance(s, tuple) else s,
)
def test_every_service_change_has_a_history_row_with_who_and_when(scenario):
    _, run = scenario
    walk = Walk()
    run(walk)
    assert walk.problems == []
    for label, scenario_run in SCENARIOS.items():
        if scenario_run is run:
            model = next(
                m for m in registered_models.values() if f"{m._meta.app_label}.{m.__name__}" == label
            )
            assert walk.checked.get(model), f"{label}: no history row made by its scenario"
