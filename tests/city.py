"""The one small city the tests walk: every page's object, every role, on two sides.

"Own" people (slt, pm, pharmacist, orglead, trust, chemist) work for side A: Leeds Teaching
Hospitals, Chapeltown PCN and Chapel Allerton Pharmacy. "Other" people (slt@other, ...) hold the
same roles on side B (another trust, Seacroft PCN, another pharmacy), so side B's pharmacist and
organisation lead are the strangers the rules must keep out. Every object an access-matrix row
points at belongs to side A; a few objects of side B are there for the forms to choose from
(a home without a lead, another PCN's request for help and an offer to it).

Built from the factories in tests/factories.py. Used by the access matrix, the hostile-input and
patient-data property tests (through the module-scoped `city` fixture in tests/security/conftest.py,
built once per test module) and by the header, backup and API access tests (`build_city()`).

Objects are reached by name, `city.care_home` or `city.objects["care_home"]`. The hostile-input
FORMS table still names some of them as it always has (`home`, `trust`, `pcn`, `pharmacist`...):
ALIASES maps those names onto the same objects.
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
    StaffMemberFactory,
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

# Each side's organisations: (trust, PCN, community pharmacy).
SIDES = {
    "own": ("Leeds Teaching Hospitals", "Chapeltown PCN", "Chapel Allerton Pharmacy"),
    "other": ("Mid Yorkshire Teaching Hospitals", "Seacroft PCN", "Seacroft Pharmacy"),
}
# The names the hostile-input tables use for objects the city names otherwise.
ALIASES = {
    "home": "care_home",
    "trust": "trust_own",
    "pcn": "pcn_own",
    "other_pcn": "pcn_other",
    "pharmacy": "pharmacy_own",
    "pharmacist": "staff",
    "own_request": "support_request",
}


@dataclass
class City:
    users: dict = field(default_factory=dict)  # actor ("pm", "pm@other", ...) -> User
    objects: dict = field(default_factory=dict)  # name -> model instance

    def __repr__(self):  # Hypothesis prints its arguments: the whole city would drown the example
        return "City()"

    def __getattr__(self, name):
        try:
            return self.objects[ALIASES.get(name, name)]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_city():
    """Two sides with every role; every page's object on side A's side, and what the forms choose from."""
    city = City()
    today = timezone.localdate()
    for side, (trust_name, pcn_name, pharmacy_name) in SIDES.items():
        trust = OrganisationFactory(name=trust_name)
        pcn = PcnFactory(name=pcn_name)
        pharmacy = CommunityPharmacyFactory(name=pharmacy_name)
        suffix = "" if side == "own" else "@other"
        employer = {"orglead": pcn, "chemist": pharmacy}
        for short, role in ROLE_OF.items():
            city.users[short + suffix] = user_with_role(
                role,
                username=f"{short}-{side}",
                organisation=employer.get(short, trust),
                hours_per_week=Decimal("0" if short in ("trust", "chemist") else "20"),
            )
        city.objects.update({f"trust_{side}": trust, f"pcn_{side}": pcn, f"pharmacy_{side}": pharmacy})
    trust, pcn, other_pcn = city.trust_own, city.pcn_own, city.pcn_other
    pharmacist = staff_member_for(city.users["pharmacist"])
    stranger = staff_member_for(city.users["pharmacist@other"])

    # Side A's home, led by the own pharmacist, and side B's, led by the stranger.
    care_home = CareHomeFactory(
        name="Moor View Care Home", pcn=pcn, locality="Leeds North", supplying_pharmacy=city.pharmacy_own
    )
    other_care_home = CareHomeFactory(
        name="Other Care Home", pcn=other_pcn, supplying_pharmacy=city.pharmacy_other
    )
    assignment = AssignmentFactory(staff=pharmacist, care_home=care_home, hours_per_week=Decimal("3"))
    AssignmentFactory(staff=stranger, care_home=other_care_home)
    visit = VisitFactory(
        care_home=care_home,
        staff=pharmacist,
        created_by=city.users["pharmacist"],
        visited_on=today - datetime.timedelta(days=1),
    )
    VisitFactory(care_home=other_care_home, staff=stranger, created_by=city.users["pharmacist@other"])
    # People and homes the forms choose from: a second person on side A's home, a PCN pharmacist,
    # a home with no lead in the own PCN and one in the other PCN.
    support = StaffMemberFactory(name="Sam Support", organisation=trust, hours_per_week=Decimal("20"))
    pcn_pharmacist = StaffMemberFactory(name="Pat PCN", organisation=pcn, hours_per_week=Decimal("10"))
    no_lead_home = CareHomeFactory(name="Harehills Lodge", pcn=pcn, locality="Leeds North")
    other_home = CareHomeFactory(name="Seacroft Grange", pcn=other_pcn, locality="Leeds East")
    support_assignment = AssignmentFactory(
        staff=support, care_home=care_home, role="support", hours_per_week=Decimal("2")
    )

    team = TeamFactory()
    membership = MembershipFactory(team=team, staff=staff_member_for(city.users["slt"]))
    workstream = WorkstreamFactory(name="End-of-life medicines", lead_organisation=trust)
    progress_note = ProgressNoteFactory(workstream=workstream)
    # The own PCN's request (offered by the stranger), and the other PCN's (offered by side A).
    support_request = SupportRequestFactory(
        organisation=pcn, locality="Leeds North", raised_by=city.users["orglead"]
    )
    support_offer = SupportOfferFactory(
        request=support_request, staff=stranger, organisation=city.trust_other, hours_per_week=Decimal("2")
    )
    other_request = SupportRequestFactory(organisation=other_pcn, locality="Leeds North")
    offer = SupportOfferFactory(
        request=other_request, staff=support, organisation=trust, hours_per_week=Decimal("2")
    )
    section = SectionFactory()
    action = ActionFactory(section=section, owner_organisation=trust)
    action_update = ActionUpdateFactory(action=action)
    meeting = MeetingFactory(held_on=today + datetime.timedelta(days=3))
    # A real weekly gap report, so its pages have real figures.
    gap_report = gap_report_generate(week=REPORT_WEEK)
    ChartImage.objects.get_or_create(digest=CHART_DIGEST, defaults={"png": b"\x89PNG\r\n\x1a\n"})
    engagement_note = EngagementNoteFactory(pcn=pcn)
    api_token, _ = api_token_create(by=city.users["pharmacist"], name="Pharmacist's report", lifetime_days=30)
    # A follow-up from the own trust to the own pharmacy, at the own pharmacist's home, with an
    # onward referral (so the PCN pharmacist sees it).
    follow_up = DischargeFollowUpFactory(trust=trust, care_home=care_home, onward_referral=True)
    DischargeFollowUpFactory(trust=city.trust_other, care_home=other_care_home, onward_referral=True)
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

    city.objects.update(
        care_home=care_home,
        other_care_home=other_care_home,
        assignment=assignment,
        visit=visit,
        staff=pharmacist,
        support=support,
        pcn_pharmacist=pcn_pharmacist,
        no_lead_home=no_lead_home,
        other_home=other_home,
        support_assignment=support_assignment,
        team=team,
        membership=membership,
        workstream=workstream,
        progress_note=progress_note,
        support_request=support_request,
        support_offer=support_offer,
        other_request=other_request,
        offer=offer,
        section=section,
        action=action,
        action_update=action_update,
        meeting=meeting,
        gap_report=gap_report,
        engagement_note=engagement_note,
        follow_up=follow_up,
        organisation=pcn,
        pcn_staff=staff_member_for(city.users["orglead"]),
        api_token=api_token,
        import_run=import_run,
        new_trust=new_trust,
    )
    return city
