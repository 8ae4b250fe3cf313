"""Team membership grants the matching role; PCN engagement is kept by the PM and SLT."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from organisations import services
from organisations.access import PROJECT_MANAGER, SLT, role_names
from organisations.models import Membership, Team
from tests.factories import OrganisationFactory, PcnFactory, StaffMemberFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slt_team():
    return TeamFactory(kind=Team.Kind.SLT, name="Senior Leadership Team")


@pytest.fixture
def operational_team():
    return TeamFactory(kind=Team.Kind.OPERATIONAL, name="Operational team")


def roles_of(user):
    user = type(user).objects.get(pk=user.pk)  # fresh: role names are cached on the object
    return role_names(user)


def test_slt_seat_grants_the_slt_role_and_removal_takes_it_away(slt_user, slt_team):
    staff = StaffMemberFactory(user=UserFactory())

    membership = services.membership_create(
        by=slt_user, team=slt_team, staff=staff, organisation=staff.organisation, role=Membership.Role.CHAIR
    )
    assert SLT in roles_of(staff.user)

    services.membership_end(by=slt_user, membership=membership)
    assert SLT not in roles_of(staff.user)
    assert not Membership.objects.exists()


def test_project_manager_seat_grants_the_pm_role_but_a_member_seat_does_not(
    slt_user, pm_user, operational_team
):
    pm = StaffMemberFactory(user=UserFactory())
    member = StaffMemberFactory(user=UserFactory())

    services.membership_create(
        by=slt_user,
        team=operational_team,
        staff=pm,
        organisation=pm.organisation,
        role=Membership.Role.PROJECT_MANAGER,
    )
    services.membership_create(
        by=pm_user, team=operational_team, staff=member, organisation=member.organisation
    )

    assert PROJECT_MANAGER in roles_of(pm.user)
    assert roles_of(member.user) == frozenset()


def test_role_stays_while_another_seat_still_grants_it(slt_user, slt_team, operational_team):
    staff = StaffMemberFactory(user=UserFactory())
    first = services.membership_create(
        by=slt_user,
        team=operational_team,
        staff=staff,
        organisation=staff.organisation,
        role=Membership.Role.PROJECT_MANAGER,
    )
    services.membership_create(by=slt_user, team=slt_team, staff=staff, organisation=staff.organisation)

    services.membership_end(by=slt_user, membership=first)

    assert roles_of(staff.user) == {SLT}


def test_a_person_sits_on_a_team_once(slt_user, slt_team):
    staff = StaffMemberFactory()
    services.membership_create(by=slt_user, team=slt_team, staff=staff, organisation=staff.organisation)

    with pytest.raises(ValidationError):
        services.membership_create(
            by=slt_user, team=slt_team, staff=staff, organisation=OrganisationFactory()
        )


def test_only_the_project_manager_keeps_ordinary_seats(slt_user, orglead_user, operational_team):
    staff = StaffMemberFactory()
    for user in (slt_user, orglead_user):
        with pytest.raises(PermissionDenied):
            services.membership_create(
                by=user, team=operational_team, staff=staff, organisation=staff.organisation
            )


def test_membership_pages_add_and_remove(client_for, slt_user, slt_team):
    staff = StaffMemberFactory(name="Priya Raman", user=UserFactory())
    client = client_for(slt_user)

    response = client.post(f"/teams/{slt_team.pk}/members/", {"staff": staff.pk, "role": "member"})
    assert response.status_code == 302
    page = client.get(f"/teams/{slt_team.pk}/").content.decode()
    assert "Priya Raman" in page and staff.organisation.name in page
    membership = Membership.objects.get()
    assert membership.organisation == staff.organisation  # blank means their employer

    assert client.post(f"/teams/members/{membership.pk}/end/").status_code == 302
    assert not Membership.objects.exists()


def test_pcn_engagement_and_notes(slt_user, orglead_user):
    pcn = PcnFactory()
    services.pcn_engagement_update(by=slt_user, pcn=pcn, engagement="hesitant", committed_hours=2)
    note = services.engagement_note_create(
        by=slt_user,
        pcn=pcn,
        held_on=timezone.localdate(),
        with_whom="Clinical director",
        summary="Agreed to try.",
    )
    pcn.refresh_from_db()
    assert pcn.engagement == "hesitant"
    assert note.recorded_by == slt_user
    with pytest.raises(PermissionDenied):
        services.pcn_engagement_update(by=orglead_user, pcn=pcn, engagement="engaged", committed_hours=20)
    with pytest.raises(ValidationError):
        services.pcn_engagement_update(
            by=slt_user, pcn=OrganisationFactory(), engagement="engaged", committed_hours=1
        )


def test_team_list_shows_each_team(client_for, orglead_user, slt_team, operational_team):
    page = client_for(orglead_user).get("/teams/").content.decode()
    assert "Senior Leadership Team" in page and "Operational team" in page
    assert client_for(orglead_user).post(f"/teams/{slt_team.pk}/members/", {}).status_code == 403
