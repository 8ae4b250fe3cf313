"""One factory per model (factory-boy). Valid by default; override what a test is about."""

import datetime
import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from actionplan.models import Action, ActionPlan, ActionUpdate, GapReport, Meeting, Rag, Section
from carehomes.models import Assignment, CareHome, Specialism, Visit
from discharge.models import ChangesBand, Channel, DischargeFollowUp, PharmacyOpeningHours
from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
    leadership_announced,
)
from organisations.models import EngagementNote, Membership, Organisation, StaffMember, Team
from workstreams.models import ProgressNote, SupportOffer, SupportRequest, Workstream

PASSWORD = "a-long-test-password-1"


class PlainName(factory.Faker):
    """A Faker name without apostrophes ("O'Donnell"), which pages escape as &#39;.

    Tests compare a person's name with page text, so a random apostrophe made them fail now and
    then. Names with apostrophes are tested on purpose, with a fixed name, where escaping matters.
    """

    def evaluate(self, instance, step, extra):
        return super().evaluate(instance, step, extra).replace("'", "")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = PlainName("first_name", locale="en_GB")
    last_name = PlainName("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # Test data, not a seating: nobody to tell (organisations/seats.py is tested on its own).
            with leadership_announced():
                for name in extracted:
                    self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    ods_code = factory.Sequence(lambda n: f"R{n:04d}")
    kind = Organisation.Kind.ACUTE_TRUST
    sector = "secondary"
    locality = "Leeds North"


class PcnFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"PCN {n}")
    ods_code = factory.Sequence(lambda n: f"U{n:05d}")
    kind = Organisation.Kind.PCN
    sector = "primary_care"
    engagement = Organisation.Engagement.ENGAGED
    committed_hours = Decimal("10")


class PracticeFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Practice {n}")
    ods_code = factory.Sequence(lambda n: f"B{n:05d}")
    kind = Organisation.Kind.GP_PRACTICE
    sector = "primary_care"
    parent = factory.SubFactory(PcnFactory)


class CommunityPharmacyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Chapel Allerton Pharmacy {n}")
    ods_code = factory.Sequence(lambda n: f"F{n:04d}")
    kind = Organisation.Kind.COMMUNITY_PHARMACY
    sector = "community_pharmacy"


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    name = PlainName("name", locale="en_GB")
    role = StaffMember.Role.PHARMACIST
    gphc_number = factory.Sequence(lambda n: f"{2000000 + n:07d}")
    organisation = factory.SubFactory(OrganisationFactory)
    funding = StaffMember.Funding.SECONDARY_CARE
    hours_per_week = Decimal("15")
    is_active = True


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("kind",)

    name = "Senior Leadership Team"
    kind = Team.Kind.SLT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    staff = factory.SubFactory(StaffMemberFactory)
    organisation = factory.SelfAttribute("staff.organisation")
    role = Membership.Role.MEMBER


class EngagementNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementNote

    pcn = factory.SubFactory(PcnFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    with_whom = "Clinical director"
    summary = "Discussed care-home support."


class SpecialismFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialism
        django_get_or_create = ("code",)

    code = "dementia"
    name = "Dementia"


class CareHomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareHome

    name = factory.Sequence(lambda n: f"Meadow View {n} Care Home")
    cqc_location_id = factory.Sequence(lambda n: f"1-{100000000 + n}")
    address = factory.Sequence(lambda n: f"{n} Moor Road, Leeds")
    postcode = "LS7 3EX"
    locality = "Leeds North"
    beds = 40
    home_type = CareHome.HomeType.RESIDENTIAL
    pcn = factory.SubFactory(PcnFactory)
    supplying_pharmacy = factory.SubFactory(CommunityPharmacyFactory)
    registered_on = datetime.date(2015, 1, 1)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    staff = factory.SubFactory(StaffMemberFactory)
    care_home = factory.SubFactory(CareHomeFactory)
    role = Assignment.Role.LEAD
    hours_per_week = Decimal("3")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    ends_on = None


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    care_home = factory.SubFactory(CareHomeFactory)
    staff = factory.SubFactory(StaffMemberFactory)
    visited_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    mode = Visit.Mode.ON_SITE
    activity_smr = True
    residents_reviewed = 5
    interventions_stopped = 1
    minutes_spent = 90
    notes = "Reviewed medicines for five residents."
    submission_token = factory.LazyFunction(uuid.uuid4)


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    name = factory.Sequence(lambda n: f"Workstream {n}")
    description = "Shared work across organisations."
    lead_organisation = factory.SubFactory(OrganisationFactory)
    status = Workstream.Status.ACTIVE


class ProgressNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressNote

    workstream = factory.SubFactory(WorkstreamFactory)
    written_on = factory.LazyFunction(timezone.localdate)
    text = "Progress this week."


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    organisation = factory.SubFactory(PcnFactory)
    title = "Pharmacist cover for care homes"
    hours_per_week = Decimal("6")
    skills = "Structured medication reviews"
    locality = "Leeds North"
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    urgency = SupportRequest.Urgency.SOON


class SupportOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportOffer

    request = factory.SubFactory(SupportRequestFactory)
    staff = factory.SubFactory(StaffMemberFactory)
    organisation = factory.SelfAttribute("staff.organisation")
    hours_per_week = Decimal("3")
    starts_on = factory.LazyFunction(timezone.localdate)


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan
        django_get_or_create = ("name",)

    name = "Silver Command care-home action plan"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("plan", "code")

    plan = factory.SubFactory(ActionPlanFactory)
    name = "Pharmacy support"
    code = "PH"
    position = 1


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    description = "Make end-of-life medicines available in every care home."
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    rag = Rag.AMBER


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionFactory)
    written_on = factory.LazyFunction(timezone.localdate)
    text = "On track."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    held_on = factory.Sequence(lambda n: timezone.localdate() + datetime.timedelta(days=7 * n))


class GapReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GapReport

    week = "2026-W47"
    generated_at = factory.LazyFunction(timezone.now)
    data = factory.LazyFunction(dict)


class PharmacyOpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PharmacyOpeningHours

    pharmacy = factory.SubFactory(CommunityPharmacyFactory)
    weekday = 0
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(18, 0)


class DischargeFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DischargeFollowUp

    trust = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"PO-{100000 + n}")
    channel = Channel.PHARMOUTCOMES
    care_home = factory.SubFactory(CareHomeFactory)
    pharmacy = factory.SelfAttribute("care_home.supplying_pharmacy")
    pcn = factory.SelfAttribute("care_home.pcn")
    discharged_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    reason_stopped = True
    changes_band = ChangesBand.ONE_TO_TWO
    received_at = factory.LazyFunction(timezone.now)
    routed_at = factory.SelfAttribute("received_at")


def user_with_role(role, *, username=None, organisation=None, staff_role=None, **staff_fields):
    """A login with a role and a StaffMember record (employed by `organisation`)."""
    user = UserFactory(username=username or f"{role.split()[0].lower()}-{uuid.uuid4().hex[:6]}", roles=[role])
    default_staff_role = {
        SLT: StaffMember.Role.CHIEF_PHARMACIST,
        PROJECT_MANAGER: StaffMember.Role.PROJECT_MANAGER,
        PHARMACY_PROFESSIONAL: StaffMember.Role.PHARMACIST,
        ORGANISATION_LEAD: StaffMember.Role.CLINICAL_DIRECTOR,
        TRUST_DISCHARGE_TEAM: StaffMember.Role.TECHNICIAN,
        COMMUNITY_PHARMACY: StaffMember.Role.PHARMACIST,
    }[role]
    if role in (TRUST_DISCHARGE_TEAM, COMMUNITY_PHARMACY):
        staff_fields.setdefault("hours_per_week", Decimal("0"))
    StaffMemberFactory(
        user=user,
        name=user.get_full_name(),
        role=staff_role or default_staff_role,
        organisation=organisation or OrganisationFactory(),
        **staff_fields,
    )
    return user
