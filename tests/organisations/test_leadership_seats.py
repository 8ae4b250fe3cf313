"""Seating someone on the SLT or as project manager grants that role: only a superuser or an SLT
member may do it, never the project manager alone, and every SLT member is e-mailed who was seated,
by whom and when, whichever way the role was given (issue 13 §3)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied

from api.services import api_token_create
from organisations import services
from organisations.access import (
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    acting_as,
    role_names,
)
from organisations.models import Membership, Team
from tests.factories import MembershipFactory, StaffMemberFactory, TeamFactory, UserFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]

SLT_SEAT = ("slt", Membership.Role.MEMBER)
PM_SEAT = ("operational", Membership.Role.PROJECT_MANAGER)
ORDINARY_SEAT = ("operational", Membership.Role.MEMBER)

# Who may give each seat, by the Teams page (the access-matrix rows of this action).
SEATING = {
    SLT_SEAT: {"superuser", "slt"},
    PM_SEAT: {"superuser", "slt"},
    ORDINARY_SEAT: {"superuser", "pm"},
}
ROLES = {"slt": SLT, "pm": PROJECT_MANAGER, "pharmacist": PHARMACY_PROFESSIONAL, "orglead": ORGANISATION_LEAD}


@pytest.fixture
def teams():
    return {
        "slt": TeamFactory(kind=Team.Kind.SLT, name="Senior Leadership Team"),
        "operational": TeamFactory(kind=Team.Kind.OPERATIONAL, name="Operational team"),
    }


@pytest.fixture
def slt_members():
    """Two SLT members with logins, and one seated on the SLT with no login yet."""
    chief = user_with_role(SLT, username="chief", email="chief@example.nhs.uk")
    deputy = user_with_role(SLT, username="deputy", email="deputy@example.nhs.uk")
    seated = StaffMemberFactory(name="Ada Okafor", email="ada.okafor@example.nhs.uk")
    MembershipFactory(team=TeamFactory(kind=Team.Kind.SLT), staff=seated)
    return {chief.email, deputy.email, seated.email}


def actor(name):
    if name == "superuser":
        user = UserFactory(username="root", first_name="Root", last_name="Admin")
        user.is_superuser = user.is_staff = True
        user.save()
        return user
    return user_with_role(ROLES[name], username=f"{name}-actor")


def roles_of(user):
    return role_names(type(user).objects.get(pk=user.pk))


@pytest.mark.parametrize("seat", list(SEATING), ids=["slt-seat", "pm-seat", "ordinary-seat"])
@pytest.mark.parametrize("who", ["superuser", "slt", "pm", "pharmacist", "orglead"])
def test_who_may_give_each_seat_on_the_teams_page(
    client_for, teams, seat, who, django_capture_on_commit_callbacks
):
    team_kind, role = seat
    person = StaffMemberFactory(name="Sam Reid", user=UserFactory(username="sam"))
    client = client_for(actor(who))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/teams/{teams[team_kind].pk}/members/", {"staff": person.pk, "role": role})
    seated = Membership.objects.filter(staff=person).exists()
    if who in SEATING[seat]:
        assert response.status_code == 302
        assert seated
    else:
        assert response.status_code == 403
        assert not seated
        assert roles_of(person.user) == frozenset()


def test_the_project_manager_cannot_seat_a_project_manager_or_the_slt(pm_user, teams):
    person = StaffMemberFactory(user=UserFactory())
    for team_kind, role in (SLT_SEAT, PM_SEAT):
        with pytest.raises(PermissionDenied):
            services.membership_create(
                by=pm_user, team=teams[team_kind], staff=person, organisation=person.organisation, role=role
            )
    assert roles_of(person.user) == frozenset()


def test_the_project_manager_cannot_unseat_the_slt_or_a_project_manager(pm_user, slt_user, teams):
    person = StaffMemberFactory(user=UserFactory())
    seat = services.membership_create(
        by=slt_user, team=teams["slt"], staff=person, organisation=person.organisation
    )
    with pytest.raises(PermissionDenied):
        services.membership_end(by=pm_user, membership=seat)
    assert SLT in roles_of(person.user)
    services.membership_end(by=slt_user, membership=seat)
    assert SLT not in roles_of(person.user)


def test_the_team_page_offers_each_person_only_the_seats_they_may_give(client_for, pm_user, slt_user, teams):
    operational = f"/teams/{teams['operational'].pk}/"
    pm_page = client_for(pm_user).get(operational).content.decode()
    assert 'value="member"' in pm_page and 'value="project_manager"' not in pm_page
    assert "Add a member" not in client_for(pm_user).get(f"/teams/{teams['slt'].pk}/").content.decode()
    slt_page = client_for(slt_user).get(operational).content.decode()
    assert 'value="project_manager"' in slt_page and 'value="member"' not in slt_page


@pytest.mark.parametrize("seat", [SLT_SEAT, PM_SEAT], ids=["slt-seat", "pm-seat"])
def test_every_slt_member_is_emailed_who_was_seated_by_whom_and_when(
    client_for, slt_user, teams, slt_members, seat, django_capture_on_commit_callbacks
):
    team_kind, role = seat
    person = StaffMemberFactory(name="Sam Reid", user=UserFactory(username="sam"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(slt_user).post(
            f"/teams/{teams[team_kind].pk}/members/", {"staff": person.pk, "role": role}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    granted = SLT if team_kind == "slt" else PROJECT_MANAGER
    assert f"Sam Reid was given the {granted} role" in message.subject
    assert slt_members | {slt_user.email} <= set(message.to)
    assert f"By: {slt_user.staff_member.name}" in message.body
    assert "When: " in message.body and "/teams/" in message.body


def test_a_role_given_in_the_admin_or_a_shell_is_announced_too(
    slt_members, django_capture_on_commit_callbacks
):
    root = actor("superuser")
    person = UserFactory(username="sam", first_name="Sam", last_name="Reid")
    with django_capture_on_commit_callbacks(execute=True):
        with acting_as(root):  # as the admin's user page does when a superuser saves the groups
            person.groups.add(Group.objects.get(name=PROJECT_MANAGER))
        Group.objects.get(name=SLT).user_set.add(
            UserFactory(username="kim", first_name="Kim", last_name="Lee")
        )
        person.groups.add(Group.objects.get(name=PHARMACY_PROFESSIONAL))  # not a leadership role: no e-mail
    first, second = mail.outbox
    assert "Sam Reid (login sam) was given the Project manager role" in first.subject
    assert "By: Root Admin (superuser)" in first.body
    assert "Kim Lee (login kim) was given the SLT member role" in second.subject
    assert "By: someone outside the hub's pages" in second.body
    assert slt_members <= set(first.to)


def test_the_admin_user_page_names_the_superuser(client, slt_members, django_capture_on_commit_callbacks):
    root = actor("superuser")
    person = UserFactory(username="sam", first_name="Sam", last_name="Reid", email="sam@example.nhs.uk")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    form = {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Reid",
        "email": "sam@example.nhs.uk",
        "is_active": "on",
        "groups": [Group.objects.get(name=SLT).pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/auth/user/{person.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SLT in roles_of(person)
    (message,) = mail.outbox
    assert "Sam Reid (login sam) was given the SLT member role" in message.subject
    assert "By: Root Admin (superuser)" in message.body


def test_seats_cannot_be_given_in_the_admin(client):
    root = actor("superuser")
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/organisations/membership/add/").status_code == 403


def test_a_service_account_with_a_leadership_role_is_announced(
    slt_members, django_capture_on_commit_callbacks
):
    root = actor("superuser")
    with django_capture_on_commit_callbacks(execute=True):
        api_token_create(
            by=root, name="Board pack", lifetime_days=30, service_account="Board pack", service_role=SLT
        )
    (message,) = mail.outbox
    assert "was given the SLT member role" in message.subject
    assert "By: Root Admin (superuser)" in message.body
