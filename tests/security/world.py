"""A small city with two sides, for walking every page as every kind of person.

"Own" people (slt, pm, pharmacist, orglead) belong to organisation A and its PCN; "other"
people (slt@other, ...) hold the same roles in organisation B. Every object a page can show
belongs to side A, so side B's pharmacist and organisation lead are the strangers the rules
must keep out.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from actionplan.gap_report_services import gap_report_generate
from actionplan.models import ChartImage
from api.services import api_token_create
from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
    staff_member_for,
)
from organisations.models import ImportRun, Organisation
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AssignmentFactory,
    CareHomeFactory,
    CommunityPharmacyFactory,
    DischargeFollowUpFactory,
    EngagementNoteFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PcnFactory,
    ProgressNoteFactory,
    SectionFactory,
    SupportOfferFactory,
    SupportRequestFactory,
    TeamFactory,
    VisitFactory,
    WorkstreamFactory,
    user_with_role,
)

ROLE_OF = {
    "slt": SLT,
    "pm": PROJECT_MANAGER,
    "pharmacist": PHARMACY_PROFESSIONAL,
    "orglead": ORGANISATION_LEAD,
    "trust": TRUST_DISCHARGE_TEAM,
    "chemist": COMMUNITY_PHARMACY,
}
OWN = tuple(ROLE_OF)
OTHER = tuple(f"{name}@other" for name in ROLE_OF)
ACTORS = OWN + OTHER

REPORT_WEEK = "2026-W47"
CHART_DIGEST = "0" * 40


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def weekly_report(week):
    """A real weekly gap report, so its pages have real figures."""
    return gap_report_generate(week=week)


def build_world():
    """Two organisations, each with the four roles; every page's object on organisation A's side."""
    world = World()
    for side in ("own", "other"):
        trust = OrganisationFactory(name=f"Trust {side}")
        pcn = PcnFactory(name=f"PCN {side}")
        pharmacy = CommunityPharmacyFactory(name=f"Pharmacy {side}")
        suffix = "" if side == "own" else "@other"
        employer = {"orglead": pcn, "chemist": pharmacy}
        for short, role in ROLE_OF.items():
            world.users[short + suffix] = user_with_role(
                role,
                username=f"{short}-{side}",
                organisation=employer.get(short, trust),
                hours_per_week=Decimal("0" if short in ("trust", "chemist") else "20"),
            )
        world.objects[f"pharmacy_{side}"] = pharmacy
        world.objects[f"trust_{side}"] = trust
        world.objects[f"pcn_{side}"] = pcn

    pharmacist = staff_member_for(world.users["pharmacist"])
    stranger = staff_member_for(world.users["pharmacist@other"])
    care_home = CareHomeFactory(
        name="Own Care Home", pcn=world.pcn_own, supplying_pharmacy=world.pharmacy_own
    )
    other_care_home = CareHomeFactory(
        name="Other Care Home", pcn=world.pcn_other, supplying_pharmacy=world.pharmacy_other
    )
    assignment = AssignmentFactory(staff=pharmacist, care_home=care_home)
    AssignmentFactory(staff=stranger, care_home=other_care_home)
    visit = VisitFactory(care_home=care_home, staff=pharmacist, created_by=world.users["pharmacist"])
    VisitFactory(care_home=other_care_home, staff=stranger, created_by=world.users["pharmacist@other"])

    team = TeamFactory()
    membership = MembershipFactory(team=team, staff=staff_member_for(world.users["slt"]))
    workstream = WorkstreamFactory(lead_organisation=world.trust_own)
    progress_note = ProgressNoteFactory(workstream=workstream)
    support_request = SupportRequestFactory(organisation=world.pcn_own)
    support_offer = SupportOfferFactory(
        request=support_request, staff=stranger, organisation=world.trust_other, hours_per_week=Decimal("2")
    )
    section = SectionFactory()
    action = ActionFactory(section=section, owner_organisation=world.trust_own)
    action_update = ActionUpdateFactory(action=action)
    meeting = MeetingFactory(held_on=timezone.localdate() + datetime.timedelta(days=3))
    gap_report = weekly_report(REPORT_WEEK)
    ChartImage.objects.get_or_create(digest=CHART_DIGEST, defaults={"png": b"\x89PNG\r\n\x1a\n"})
    engagement_note = EngagementNoteFactory(pcn=world.pcn_own)
    api_token, _ = api_token_create(
        by=world.users["pharmacist"], name="Pharmacist's report", lifetime_days=30
    )
    # A follow-up from the own trust to the own pharmacy, at the own pharmacist's home, with an
    # onward referral (so the PCN pharmacist sees it).
    follow_up = DischargeFollowUpFactory(trust=world.trust_own, care_home=care_home, onward_referral=True)
    DischargeFollowUpFactory(trust=world.trust_other, care_home=other_care_home, onward_referral=True)
    now = timezone.now()
    import_run = ImportRun.objects.create(
        source=ImportRun.Source.ODS,
        via=ImportRun.Via.TASK,
        outcome=ImportRun.Outcome.APPLIED,
        file_name="epraccur.csv",
        file_hash="0" * 64,
        started_at=now,
        finished_at=now,
    )
    new_trust = OrganisationFactory(name="New Trust", kind=Organisation.Kind.NHS_TRUST)

    world.objects.update(
        care_home=care_home,
        other_care_home=other_care_home,
        assignment=assignment,
        visit=visit,
        staff=pharmacist,
        team=team,
        membership=membership,
        workstream=workstream,
        progress_note=progress_note,
        support_request=support_request,
        support_offer=support_offer,
        section=section,
        action=action,
        action_update=action_update,
        meeting=meeting,
        gap_report=gap_report,
        engagement_note=engagement_note,
        follow_up=follow_up,
        organisation=world.pcn_own,
        pcn_staff=staff_member_for(world.users["orglead"]),
        api_token=api_token,
        import_run=import_run,
        new_trust=new_trust,
    )
    return world
