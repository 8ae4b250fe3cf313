"""The workstreams, requests-for-help and organisation pages."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carehomes.models import Assignment
from organisations.access import ORGANISATION_LEAD
from organisations.models import Organisation
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    EngagementNoteFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    SupportOfferFactory,
    SupportRequestFactory,
    UserFactory,
    WorkstreamFactory,
    user_with_role,
)
from workstreams.models import SupportOffer, SupportRequest, Workstream

# E-mail goes through a Celery task: run it in-process so the outbox is checked in CI too.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def make_workstreams(n):
    for _ in range(n):
        w = WorkstreamFactory()
        w.participating_organisations.add(OrganisationFactory())
        w.care_homes.add(CareHomeFactory())


def make_requests(n):
    for _ in range(n):
        r = SupportRequestFactory()
        r.care_homes.add(CareHomeFactory(pcn=r.organisation))
        SupportOfferFactory(request=r)


def make_organisations(n):
    for _ in range(n):
        pcn = PcnFactory()
        staff = StaffMemberFactory(organisation=pcn)
        AssignmentFactory(staff=staff, care_home=CareHomeFactory(pcn=pcn))


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/workstreams/", make_workstreams),
        ("/help-requests/", make_requests),
        ("/help-requests/?show=all", make_requests),
        ("/organisations/", make_organisations),
        ("/organisations/?kind=pcn", make_organisations),
    ],
)
def test_list_pages_cost_the_same_queries_at_two_sizes(client_for, slt_user, url, make):
    client = client_for(slt_user)
    make(2)
    small = query_count(client, url)
    make(12)
    large = query_count(client, url)
    assert small == large


def test_team_page_costs_the_same_queries_at_two_sizes(client_for, pm_user):
    from organisations import services
    from tests.factories import TeamFactory

    team = TeamFactory(kind="operational", name="Operational team")  # the PM's own seats to give
    client = client_for(pm_user)

    def add(n):
        for _ in range(n):
            services.membership_create(
                by=pm_user, team=team, staff=StaffMemberFactory(), organisation=OrganisationFactory()
            )

    add(2)
    small = query_count(client, f"/teams/{team.pk}/")
    add(10)
    assert query_count(client, f"/teams/{team.pk}/") == small


def test_organisation_page_costs_the_same_queries_at_two_sizes(client_for, slt_user):
    pcn = PcnFactory()
    client = client_for(slt_user)

    def grow(n):
        for _ in range(n):
            staff = StaffMemberFactory(organisation=pcn)
            AssignmentFactory(staff=staff, care_home=CareHomeFactory(pcn=pcn))
            SupportRequestFactory(organisation=pcn)
            EngagementNoteFactory(pcn=pcn)

    grow(1)
    small = query_count(client, f"/organisations/{pcn.pk}/")
    grow(8)
    assert query_count(client, f"/organisations/{pcn.pk}/") == small


def test_pcn_page_shows_fair_share_formula_and_gap(client_for, slt_user):
    engaged = PcnFactory(committed_hours=Decimal("12"))
    CareHomeFactory(pcn=engaged, beds=60)
    quiet = PcnFactory(name="Quiet PCN", committed_hours=Decimal("0"), engagement="hesitant")
    CareHomeFactory(pcn=quiet, beds=30)
    client = client_for(slt_user)

    html = client.get(f"/organisations/{quiet.pk}/").content.decode()

    assert "beds in all PCN-aligned care homes (90)" in html
    assert "= 4 hours a week" in html  # 30 / 90 × 12
    assert "Gap: no committed hours" in html
    listing = client.get("/organisations/").content.decode()
    assert "PCNs with homes and no committed hours" in listing
    assert "Quiet PCN" in listing


def test_pm_records_pcn_engagement_and_a_conversation(client_for, pm_user):
    pcn = PcnFactory()
    client = client_for(pm_user)

    response = client.post(
        f"/organisations/{pcn.pk}/engagement/", {"engagement": "hesitant", "committed_hours": "3.5"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/organisations/{pcn.pk}/conversations/",
        {
            "held_on": timezone.localdate().isoformat(),
            "with_whom": "Dr Shah",
            "summary": "Worried about cover.",
        },
    )
    assert response.status_code == 302
    pcn.refresh_from_db()
    assert (pcn.engagement, pcn.committed_hours) == ("hesitant", Decimal("3.5"))
    assert "Worried about cover." in client.get(f"/organisations/{pcn.pk}/").content.decode()


def test_organisation_lead_cannot_change_pcn_engagement(client_for, orglead_user):
    pcn = Organisation.objects.get(staff__user=orglead_user)
    response = client_for(orglead_user).post(
        f"/organisations/{pcn.pk}/engagement/", {"engagement": "engaged", "committed_hours": "40"}
    )
    assert response.status_code == 403


def test_lead_raises_offers_and_pm_accepts_through_the_pages(client, settings, pm_user):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    pcn = PcnFactory()
    home = CareHomeFactory(pcn=pcn, name="Roundhay Grange")
    requester = user_with_role(ORGANISATION_LEAD, organisation=pcn)
    trust = OrganisationFactory()
    offerer = user_with_role(ORGANISATION_LEAD, organisation=trust)
    pharmacist = StaffMemberFactory(organisation=trust, name="Asha Patel", hours_per_week=Decimal("8"))
    login = lambda user: client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # noqa: E731

    login(requester)
    form_page = client.get("/help-requests/new/")
    assert "Roundhay Grange" in form_page.content.decode()
    response = client.post(
        "/help-requests/new/",
        {
            "organisation": pcn.pk,
            "title": "Cover for SMRs",
            "hours_per_week": "3",
            "care_homes": [home.pk],
            "needed_by": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "urgency": "soon",
        },
        headers={"x-test": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    support_request = SupportRequest.objects.get()

    login(offerer)
    page = client.get(f"/help-requests/{support_request.pk}/").content.decode()
    assert "Asha Patel" in page
    response = client.post(
        f"/help-requests/{support_request.pk}/offer/",
        {"staff": pharmacist.pk, "hours_per_week": "3", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    offer = SupportOffer.objects.get()

    # An organisation lead may not accept.
    assert client.post(f"/help-requests/offers/{offer.pk}/accept/").status_code == 403

    login(pm_user)
    response = client.post(f"/help-requests/offers/{offer.pk}/accept/")
    assert response.status_code == 302
    assert Assignment.objects.get(staff=pharmacist).care_home == home
    page = client.get(f"/help-requests/{support_request.pk}/").content.decode()
    assert "Met" in page and "Assigned to" in page

    again = client.post(f"/help-requests/offers/{offer.pk}/accept/")
    assert "This offer has already been accepted" in again.content.decode()
    assert len(mail.outbox) == 0  # the test client's transaction never commits; services test the emails


def test_pm_sees_the_spare_hours_refusal(client_for, pm_user):
    trust = OrganisationFactory()
    pharmacist = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("4"))
    support_request = SupportRequestFactory()
    support_request.care_homes.add(CareHomeFactory())
    offer = SupportOfferFactory(request=support_request, staff=pharmacist, hours_per_week=Decimal("3"))
    AssignmentFactory(staff=pharmacist, hours_per_week=Decimal("2"))

    response = client_for(pm_user).post(f"/help-requests/offers/{offer.pk}/accept/")

    assert response.status_code == 400
    assert "spare" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == SupportOffer.Status.OFFERED


def test_lead_posts_for_another_organisation_are_forbidden(client_for, orglead_user):
    other = OrganisationFactory()
    someone_elses = StaffMemberFactory(organisation=other)
    support_request = SupportRequestFactory(organisation=PcnFactory())
    client = client_for(orglead_user)

    assert client.get(f"/help-requests/new/?organisation={other.pk}").status_code == 403
    response = client.post(
        "/help-requests/new/",
        {
            "organisation": other.pk,
            "title": "x",
            "hours_per_week": "2",
            "locality": "Leeds",
            "needed_by": timezone.localdate().isoformat(),
            "urgency": "soon",
        },
    )
    assert response.status_code == 403
    response = client.post(
        f"/help-requests/{support_request.pk}/offer/",
        {"staff": someone_elses.pk, "hours_per_week": "2", "starts_on": timezone.localdate().isoformat()},
    )
    # Another organisation's person is not among those the lead may offer: refused by the form.
    assert response.status_code == 400
    assert "Choose one of the people listed" in response.content.decode()
    assert client.post(f"/help-requests/{support_request.pk}/withdraw/").status_code == 403
    assert not SupportOffer.objects.exists()


def test_pm_chooses_the_organisation_before_raising(client_for, pm_user):
    pcn = PcnFactory(name="Seacroft PCN")
    client = client_for(pm_user)

    assert "Which organisation needs help?" in client.get("/help-requests/new/").content.decode()
    assert "Seacroft PCN" in client.get(f"/help-requests/new/?organisation={pcn.pk}").content.decode()


def test_workstream_create_edit_and_note(client_for, pm_user, pharmacist_user):
    org = OrganisationFactory()
    home = CareHomeFactory()
    client = client_for(pm_user)
    response = client.post(
        "/workstreams/new/",
        {
            "name": "Discharge follow-up",
            "lead_organisation": org.pk,
            "status": "active",
            "participating_organisations": [org.pk],
            "care_homes": [home.pk],
        },
    )
    assert response.status_code == 302
    workstream = Workstream.objects.get()
    assert list(workstream.care_homes.all()) == [home]
    response = client.post(
        f"/workstreams/{workstream.pk}/notes/",
        {"written_on": timezone.localdate().isoformat(), "text": "First homes signed up."},
    )
    assert response.status_code == 302
    assert "First homes signed up." in client.get(f"/workstreams/{workstream.pk}/").content.decode()

    other = client_for(pharmacist_user)
    assert other.get(f"/workstreams/{workstream.pk}/").status_code == 200
    assert other.get(f"/workstreams/{workstream.pk}/edit/").status_code == 403


def test_request_list_shows_expired_requests_under_closed(client_for, slt_user):
    SupportRequestFactory(title="Old need", needed_by=timezone.localdate() - datetime.timedelta(days=1))
    client = client_for(slt_user)

    assert "Old need" not in client.get("/help-requests/").content.decode()
    closed = client.get("/help-requests/?show=closed").content.decode()
    assert "Old need" in closed and "Expired" in closed


def test_pm_sees_who_changed_a_workstream_request_and_organisation(client_for, pm_user, orglead_user):
    """Audit: each object's page shows the PM every change with who and when; others don't see it."""
    from tests.factories import PcnFactory, SupportRequestFactory, WorkstreamFactory

    workstream = WorkstreamFactory(name="Discharge follow-up")
    workstream.status = "paused"
    workstream._history_user = pm_user
    workstream.save()
    request = SupportRequestFactory()
    pcn = PcnFactory()
    pcn.committed_hours = 12
    pcn._history_user = pm_user
    pcn.save()
    pm = client_for(pm_user)

    html = pm.get(f"/workstreams/{workstream.pk}/").content.decode()
    assert "<h2>History</h2>" in html
    assert "Status: Active → Paused" in html
    assert pm_user.get_full_name() in html
    assert "<h2>History</h2>" in pm.get(f"/help-requests/{request.pk}/").content.decode()
    assert "Committed hours: 10.0 → 12" in pm.get(f"/organisations/{pcn.pk}/").content.decode()

    lead = client_for(orglead_user)
    assert "<h2>History</h2>" not in lead.get(f"/workstreams/{workstream.pk}/").content.decode()
    assert "<h2>History</h2>" not in lead.get(f"/organisations/{pcn.pk}/").content.decode()


def test_lead_without_a_staff_record_is_told_what_to_ask_the_project_manager(client_for, pm_user):
    lead = UserFactory(username="new-lead", roles=[ORGANISATION_LEAD])
    pm = pm_user.staff_member

    response = client_for(lead).get("/organisations/mine/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ask the project manager to link your login to your staff record" in page
    assert "new-lead" in page
    assert pm.name in page
    assert "This page is being built" not in page
