"""Requests for help, offers and acceptance: the services end to end."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carehomes.models import Assignment
from organisations.access import ORGANISATION_LEAD, SLT
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    user_with_role,
)
from workstreams import services
from workstreams.models import SupportOffer, SupportRequest

# E-mail goes through a Celery task: run it in-process so the outbox is checked in CI too.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def pcn():
    return PcnFactory(name="Chapeltown PCN")


@pytest.fixture
def requester(pcn):
    """The PCN's clinical director, an organisation lead."""
    return user_with_role(ORGANISATION_LEAD, username="pcn-lead", organisation=pcn)


@pytest.fixture
def trust():
    return OrganisationFactory(name="Leeds Teaching Hospitals")


@pytest.fixture
def offerer(trust):
    """The trust's lead, who offers staff time."""
    return user_with_role(ORGANISATION_LEAD, username="trust-lead", organisation=trust)


@pytest.fixture
def homes(pcn):
    return [CareHomeFactory(name="Aire View", pcn=pcn), CareHomeFactory(name="Beck House", pcn=pcn)]


def raise_request(by, organisation, homes, **fields):
    values = {
        "title": "Pharmacist for SMRs",
        "hours_per_week": Decimal("4"),
        "needed_by": timezone.localdate() + datetime.timedelta(days=10),
        "care_homes": homes,
    }
    values.update(fields)
    return services.support_request_create(by=by, organisation=organisation, **values)


def test_request_offer_accept_creates_support_assignments_split_across_homes(
    django_capture_on_commit_callbacks, pm_user, requester, offerer, pcn, trust, homes
):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, homes)
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("4"),
        starts_on=timezone.localdate(),
    )
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OFFERED
    assert offer.organisation == trust

    with django_capture_on_commit_callbacks(execute=True):
        services.support_offer_accept(by=pm_user, offer=offer)

    offer.refresh_from_db()
    support_request.refresh_from_db()
    assert offer.status == SupportOffer.Status.ACCEPTED
    assert support_request.status == SupportRequest.Status.MET
    assignments = Assignment.objects.filter(staff=pharmacist).order_by("care_home__name")
    assert [(a.care_home.name, a.role, a.hours_per_week) for a in assignments] == [
        ("Aire View", "support", Decimal("2.0")),
        ("Beck House", "support", Decimal("2.0")),
    ]
    assert set(offer.assignments.all()) == set(assignments)


def test_accept_refused_when_the_person_lacks_spare_hours(pm_user, requester, offerer, pcn, trust, homes):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("6"))
    support_request = raise_request(requester, pcn, homes)
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("4"),
        starts_on=timezone.localdate(),
    )
    # Meanwhile the pharmacist is given other work, leaving 2 hours spare.
    AssignmentFactory(staff=pharmacist, hours_per_week=Decimal("4"))

    with pytest.raises(ValidationError) as refused:
        services.support_offer_accept(by=pm_user, offer=offer)

    assert "spare" in " ".join(refused.value.message_dict["hours_per_week"])
    offer.refresh_from_db()
    assert offer.status == SupportOffer.Status.OFFERED
    assert offer.assignments.count() == 0
    assert Assignment.objects.filter(staff=pharmacist).count() == 1


def test_offer_of_more_than_spare_hours_is_refused_when_made(requester, offerer, pcn, trust, homes):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("2.5"))
    support_request = raise_request(requester, pcn, homes)

    with pytest.raises(ValidationError) as refused:
        services.support_offer_create(
            by=offerer,
            support_request=support_request,
            staff=pharmacist,
            hours_per_week=Decimal("4"),
            starts_on=timezone.localdate(),
        )

    assert "only 2.5 hours a week spare" in refused.value.message_dict["hours_per_week"][0]


def test_second_acceptance_of_the_same_offer_is_refused(pm_user, requester, offerer, pcn, trust, homes):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, homes)
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("4"),
        starts_on=timezone.localdate(),
    )
    services.support_offer_accept(by=pm_user, offer=offer)

    with pytest.raises(ValidationError) as refused:
        services.support_offer_accept(by=pm_user, offer=offer)

    assert refused.value.messages == ["This offer has already been accepted."]
    assert Assignment.objects.filter(staff=pharmacist).count() == 2


def test_partial_offer_leaves_request_open_for_more(pm_user, requester, offerer, pcn, trust, homes):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, homes[:1], hours_per_week=Decimal("8"))
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("3"),
        starts_on=timezone.localdate(),
    )

    services.support_offer_accept(by=pm_user, offer=offer)

    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.OPEN


def test_locality_request_needs_the_pm_to_choose_a_home(pm_user, requester, offerer, pcn, trust):
    home = CareHomeFactory(locality="Leeds East")
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, [], locality="Leeds East")
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("3"),
        starts_on=timezone.localdate(),
    )

    with pytest.raises(ValidationError) as refused:
        services.support_offer_accept(by=pm_user, offer=offer)
    assert "care_home" in refused.value.message_dict

    services.support_offer_accept(by=pm_user, offer=offer, care_home=home)
    assert Assignment.objects.get(staff=pharmacist).care_home == home


def test_emails_go_to_the_requester_and_the_slt(
    django_capture_on_commit_callbacks, pm_user, requester, offerer, pcn, trust, homes
):
    slt = user_with_role(SLT, username="chief")
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))

    with django_capture_on_commit_callbacks(execute=True):
        support_request = raise_request(requester, pcn, homes)
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {requester.email, slt.email}
    assert "Pharmacist for SMRs" in mail.outbox[0].subject

    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("4"),
        starts_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.support_offer_accept(by=pm_user, offer=offer)

    assert len(mail.outbox) == 2
    accepted = mail.outbox[1]
    assert set(accepted.to) == {requester.email, slt.email}
    assert pharmacist.name in accepted.body
    assert offerer.email not in accepted.to


def test_no_email_when_the_transaction_fails(django_capture_on_commit_callbacks, pm_user, requester, pcn):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        raise_request(requester, pcn, [], locality="")
    assert mail.outbox == []


def test_organisation_lead_cannot_accept_offers(requester, offerer, pcn, trust, homes):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, homes)
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("4"),
        starts_on=timezone.localdate(),
    )

    for lead in (requester, offerer):
        with pytest.raises(PermissionDenied):
            services.support_offer_accept(by=lead, offer=offer)
    assert not Assignment.objects.exists()


def test_organisation_lead_cannot_act_for_another_organisation(requester, offerer, pcn, trust, homes):
    other = OrganisationFactory()
    someone_elses = StaffMemberFactory(organisation=other, hours_per_week=Decimal("10"))

    with pytest.raises(PermissionDenied):
        raise_request(offerer, pcn, homes)

    support_request = raise_request(requester, pcn, homes)
    with pytest.raises(PermissionDenied):
        services.support_offer_create(
            by=offerer,
            support_request=support_request,
            staff=someone_elses,
            hours_per_week=Decimal("2"),
            starts_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied):
        services.support_request_withdraw(by=offerer, support_request=support_request)


def test_cross_sector_staff_may_be_offered_by_their_second_organisation(
    requester, offerer, pcn, trust, homes
):
    cross_sector = StaffMemberFactory(
        organisation=OrganisationFactory(), second_organisation=trust, hours_per_week=Decimal("5")
    )
    support_request = raise_request(requester, pcn, homes)

    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=cross_sector,
        hours_per_week=Decimal("2"),
        starts_on=timezone.localdate(),
    )

    assert offer.organisation == trust


def test_an_organisation_cannot_offer_to_its_own_request(requester, pcn, homes):
    own = StaffMemberFactory(organisation=pcn, hours_per_week=Decimal("5"))
    support_request = raise_request(requester, pcn, homes)

    with pytest.raises(ValidationError) as refused:
        services.support_offer_create(
            by=requester,
            support_request=support_request,
            staff=own,
            hours_per_week=Decimal("2"),
            starts_on=timezone.localdate(),
        )
    assert "staff" in refused.value.message_dict


def test_expired_request_takes_no_offers(requester, offerer, pcn, trust, homes, time_machine):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, homes)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=20))

    assert support_request.current_status() == SupportRequest.Status.EXPIRED
    with pytest.raises(ValidationError, match="expired"):
        services.support_offer_create(
            by=offerer,
            support_request=support_request,
            staff=pharmacist,
            hours_per_week=Decimal("2"),
            starts_on=timezone.localdate(),
        )


def test_withdrawing_a_request_declines_waiting_offers(requester, offerer, pcn, trust, homes):
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
    support_request = raise_request(requester, pcn, homes)
    offer = services.support_offer_create(
        by=offerer,
        support_request=support_request,
        staff=pharmacist,
        hours_per_week=Decimal("2"),
        starts_on=timezone.localdate(),
    )

    services.support_request_withdraw(by=requester, support_request=support_request)

    offer.refresh_from_db()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.WITHDRAWN
    assert offer.status == SupportOffer.Status.DECLINED


def test_split_hours_puts_the_remainder_on_the_first_home():
    assert services.split_hours(Decimal("5"), 3) == [Decimal("1.8"), Decimal("1.6"), Decimal("1.6")]
    with pytest.raises(ValidationError):
        services.split_hours(Decimal("1"), 3)


def test_slt_and_pm_create_workstreams_and_notes_others_cannot(slt_user, orglead_user):
    lead_org = OrganisationFactory()
    workstream = services.workstream_create(
        by=slt_user, name="End-of-life medicines", lead_organisation=lead_org
    )
    note = services.progress_note_create(
        by=slt_user, workstream=workstream, written_on=timezone.localdate(), text="Stock list agreed."
    )
    assert note.author == slt_user

    with pytest.raises(PermissionDenied):
        services.workstream_create(by=orglead_user, name="Other", lead_organisation=lead_org)
    with pytest.raises(ValidationError):
        services.progress_note_create(
            by=slt_user,
            workstream=workstream,
            written_on=timezone.localdate() + datetime.timedelta(days=1),
            text="Future",
        )


def _offer(by, support_request, staff, hours):
    return services.support_offer_create(
        by=by,
        support_request=support_request,
        staff=staff,
        hours_per_week=Decimal(hours),
        starts_on=timezone.localdate(),
    )


def test_offers_declined_in_bulk_each_have_a_history_row_with_who_and_why(
    pm_user, requester, offerer, pcn, trust, homes
):
    support_request = raise_request(requester, pcn, homes)
    accepted = _offer(
        offerer, support_request, StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10")), "4"
    )
    waiting = _offer(
        offerer, support_request, StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10")), "2"
    )

    services.support_offer_accept(by=pm_user, offer=accepted)

    latest = waiting.history.first()
    assert latest.status == SupportOffer.Status.DECLINED
    assert latest.history_user == pm_user
    assert latest.history_change_reason == "Request met by another offer"


def test_offers_declined_by_a_withdrawal_have_a_history_row(requester, offerer, pcn, trust, homes):
    support_request = raise_request(requester, pcn, homes)
    waiting = _offer(
        offerer, support_request, StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10")), "2"
    )

    services.support_request_withdraw(by=requester, support_request=support_request)

    latest = waiting.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        SupportOffer.Status.DECLINED,
        requester,
        "Request withdrawn",
    )
