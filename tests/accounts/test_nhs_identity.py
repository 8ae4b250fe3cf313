"""Sign in with an NHS identity, for real, against local OpenID Connect providers on 127.0.0.1."""

import datetime
import html
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from joserfc.jwk import RSAKey

from accounts.models import Identity, Invitation, ProviderSession
from organisations.access import ORGANISATION_LEAD, PHARMACY_PROFESSIONAL, PROJECT_MANAGER
from organisations.models import StaffMember
from organisations.services import staff_member_leave
from organisations.signals import staff_left
from tests.factories import OrganisationFactory, StaffMemberFactory, user_with_role
from tests.oidc_provider import callback_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_in_process")]

TRUST_ODS = "RR8"


def cis2_claims(**overrides):
    """Claims shaped as NHS CIS2 gives them (ID token and userinfo)."""
    return {
        "name": "Priya Shah",
        "email": "priya.shah@nhs.net",
        "authentication_assurance_level": "3",
        "id_assurance_level": "3",
        "nhsid_useruid": "555123456789",
        "nhsid_user_orgs": [{"org_code": TRUST_ODS, "org_name": "Leeds Teaching Hospitals NHS Trust"}],
        "nhsid_nrbac_roles": [
            {
                "person_roleid": "555254242106",
                "org_code": TRUST_ODS,
                "role_name": '"Clinical":"Clinical Provision":"Pharmacist"',
                "role_code": "S8000:G8000:R8003",
            }
        ],
        **overrides,
    }


def entra_claims(oid, **overrides):
    """Claims shaped as NHSmail on Microsoft Entra ID gives them."""
    return {
        "oid": oid,
        "tid": "37c354b2-85b0-47f5-b222-07b48d774ee3",
        "preferred_username": "priya.shah@nhs.net",
        "name": "Priya Shah",
        **overrides,
    }


@pytest.fixture
def pharmacist(db):
    """A pharmacist of a trust with ODS code RR8, with a login and an e-mail address."""
    trust = OrganisationFactory(ods_code=TRUST_ODS, name="Leeds Teaching Hospitals NHS Trust")
    user = user_with_role(PHARMACY_PROFESSIONAL, username="priya", organisation=trust)
    user.staff_member.email = "priya.shah@nhs.net"
    user.staff_member.save()
    return user.staff_member


def invite(pm, member, capture):
    """The PM invites the member; the link from the e-mail."""
    client = Client()
    client.force_login(pm, backend="django.contrib.auth.backends.ModelBackend")
    before = len(mail.outbox)
    with capture(execute=True):
        response = client.post(f"/staff/{member.pk}/sign-in/invite/")
    assert response.status_code == 302, response.content[:500]
    assert len(mail.outbox) == before + 1
    return re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mail.outbox[-1].body).group(1)


def start(client, provider):
    response = client.get(f"/accounts/oidc/{provider}/login/")
    assert response.status_code == 302
    return response["Location"]


def sign_in_with(client, server, provider, sub, *, invitation=None):
    """The whole round trip: (invitation link,) the hub, the provider's sign-in, back to the hub."""
    if invitation:
        client.get(invitation)
    authorization_url = start(client, provider)
    return client.get(callback_path(server.approve(authorization_url, sub)))


# --- Invitation and binding ---------------------------------------------------------------------


def test_invited_pharmacist_binds_cis2_identity_and_lands_on_their_page(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    cis2_server.set_user("cis2-priya", **cis2_claims())
    link = invite(pm_user, pharmacist, django_capture_on_commit_callbacks)
    client = Client()

    response = sign_in_with(client, cis2_server, "cis2", "cis2-priya", invitation=link)

    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == "/my-care-homes/"
    identity = Identity.objects.get()
    assert (identity.user, identity.provider, identity.issuer, identity.subject) == (
        pharmacist.user,
        "cis2",
        cis2_server.url,
        "cis2-priya",
    )
    assert identity.role_codes[0]["role_code"] == "S8000:G8000:R8003"
    assert Invitation.objects.get().used_at is not None
    account = client.get("/account/").content.decode()
    assert "NHS Care Identity" in account
    assert "S8000:G8000:R8003" in account


def test_authorization_request_uses_pkce_state_nonce_and_cis2_scopes(providers_on, client):
    query = parse_qs(urlsplit(start(client, "cis2")).query)

    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["state"][0] and query["nonce"][0]
    assert query["response_type"] == ["code"]
    assert query["acr_values"] == ["AAL2_OR_AAL3_ANY"]
    assert query["scope"][0].split() == [
        "openid",
        "profile",
        "email",
        "nhsperson",
        "associatedorgs",
        "nationalrbacaccess",
    ]


def test_second_sign_in_needs_no_invitation(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    cis2_server.set_user("cis2-priya", **cis2_claims())
    sign_in_with(
        Client(),
        cis2_server,
        "cis2",
        "cis2-priya",
        invitation=invite(pm_user, pharmacist, django_capture_on_commit_callbacks),
    )
    later = Client()

    response = sign_in_with(later, cis2_server, "cis2", "cis2-priya")

    assert response.status_code == 302
    assert later.session["_auth_user_id"] == str(pharmacist.user.pk)
    assert Identity.objects.count() == 1


def test_no_invitation_asks_for_one_logs_and_creates_nothing(providers_on, cis2_server, caplog, pharmacist):
    caplog.set_level(logging.INFO, logger="hub.security")
    cis2_server.set_user("cis2-stranger", **cis2_claims())
    users_before = get_user_model().objects.count()
    client = Client()

    response = sign_in_with(client, cis2_server, "cis2", "cis2-stranger")

    assert response.status_code == 403
    assert "Ask your project manager for an invitation" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Identity.objects.count() == 0
    assert get_user_model().objects.count() == users_before
    assert any(
        "no_invitation" in r.getMessage() and "cis2-stranger" in r.getMessage() for r in caplog.records
    )


def test_expired_invitation_is_refused(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    cis2_server.set_user("cis2-priya", **cis2_claims())
    link = invite(pm_user, pharmacist, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        late_link = Client().get(link)
    # Opened in time, but it ran out while the person was at the provider.
    client = Client()
    assert client.get(link).status_code == 200
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = sign_in_with(client, cis2_server, "cis2", "cis2-priya")

    assert late_link.status_code == 410
    assert "This invitation has expired" in late_link.content.decode()
    assert response.status_code == 403
    assert "Your invitation has expired" in response.content.decode()
    assert Identity.objects.count() == 0


def test_invitation_works_once(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    cis2_server.set_user("cis2-priya", **cis2_claims())
    cis2_server.set_user("cis2-someone-else", **cis2_claims())
    link = invite(pm_user, pharmacist, django_capture_on_commit_callbacks)
    first, second = Client(), Client()
    first.get(link)
    second.get(link)
    sign_in_with(first, cis2_server, "cis2", "cis2-priya")

    response = sign_in_with(second, cis2_server, "cis2", "cis2-someone-else")

    assert response.status_code == 403
    assert "already been used" in response.content.decode()
    assert list(Identity.objects.values_list("subject", flat=True)) == ["cis2-priya"]


def test_same_person_cannot_bind_a_second_identity_from_the_same_provider(
    providers_on, cis2_server, nhsmail_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    cis2_server.set_user("cis2-priya", **cis2_claims())
    cis2_server.set_user("cis2-priya-second", **cis2_claims())
    nhsmail_server.set_user("entra-sub", **entra_claims("oid-priya"))
    sign_in_with(
        Client(),
        cis2_server,
        "cis2",
        "cis2-priya",
        invitation=invite(pm_user, pharmacist, django_capture_on_commit_callbacks),
    )

    second_link = invite(pm_user, pharmacist, django_capture_on_commit_callbacks)
    refused = sign_in_with(Client(), cis2_server, "cis2", "cis2-priya-second", invitation=second_link)
    other_provider = sign_in_with(Client(), nhsmail_server, "nhsmail", "entra-sub", invitation=second_link)

    assert refused.status_code == 403
    assert "You already have a NHS Care Identity identity here" in refused.content.decode()
    assert other_provider.status_code == 302  # one identity per provider: NHSmail may still be bound
    assert sorted(Identity.objects.filter(user=pharmacist.user).values_list("provider", "subject")) == [
        ("cis2", "cis2-priya"),
        ("nhsmail", "oid-priya"),
    ]


def test_invitation_for_a_staff_member_without_a_login_makes_one_with_their_role(
    providers_on, cis2_server, pm_user, django_capture_on_commit_callbacks
):
    member = StaffMemberFactory(user=None, email="new.tech@nhs.net", role=StaffMember.Role.TECHNICIAN)
    cis2_server.set_user("cis2-new", **cis2_claims())
    client = Client()

    response = sign_in_with(
        client,
        cis2_server,
        "cis2",
        "cis2-new",
        invitation=invite(pm_user, member, django_capture_on_commit_callbacks),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user is not None
    assert not member.user.has_usable_password()
    assert list(member.user.groups.values_list("name", flat=True)) == [PHARMACY_PROFESSIONAL]


# --- What the provider says ---------------------------------------------------------------------


def test_wrong_nonce_is_refused(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    """A code issued for one request, returned with another's state: its ID token's nonce is wrong."""
    cis2_server.set_user("cis2-priya", **cis2_claims())
    client = Client()
    client.get(invite(pm_user, pharmacist, django_capture_on_commit_callbacks))
    first = cis2_server.approve(start(client, "cis2"), "cis2-priya")
    second = cis2_server.approve(start(client, "cis2"), "cis2-priya")
    code_of_first = parse_qs(urlsplit(first).query)["code"][0]
    state_of_second = parse_qs(urlsplit(second).query)["state"][0]

    response = client.get(f"/accounts/oidc/cis2/callback/?code={code_of_first}&state={state_of_second}")

    assert response.status_code == 400
    assert "Sign-in did not complete" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Identity.objects.count() == 0


def test_forged_state_is_refused(providers_on, client):
    start(client, "cis2")

    response = client.get("/accounts/oidc/cis2/callback/?code=anything&state=forged")

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("acr_values", "claims", "heading"),
    [
        (
            "AAL2_OR_AAL3_ANY",
            {"authentication_assurance_level": "1"},
            "Sign in with your smartcard or authenticator app",
        ),
        (
            "AAL3_ANY",
            {"authentication_assurance_level": "2"},
            "Sign in with your smartcard or authenticator app",
        ),
        (
            "AAL2_OR_AAL3_ANY",
            {"id_assurance_level": "2"},
            "Your identity has not been checked closely enough",
        ),
        (
            "AAL2_OR_AAL3_ANY",
            {"id_assurance_level": None},
            "Your identity has not been checked closely enough",
        ),
    ],
)
def test_low_assurance_is_refused_in_plain_english(
    providers_on,
    cis2_server,
    pm_user,
    pharmacist,
    django_capture_on_commit_callbacks,
    acr_values,
    claims,
    heading,
):
    providers_on.OIDC_PROVIDERS["cis2"]["acr_values"] = acr_values
    cis2_server.set_user("cis2-low", **cis2_claims(**claims))
    client = Client()
    client.get(invite(pm_user, pharmacist, django_capture_on_commit_callbacks))
    authorization_url = start(client, "cis2")
    assert parse_qs(urlsplit(authorization_url).query)["acr_values"] == [acr_values]

    response = client.get(callback_path(cis2_server.approve(authorization_url, "cis2-low")))

    assert response.status_code == 403
    assert heading in response.content.decode()
    assert Identity.objects.count() == 0
    assert Invitation.objects.get().used_at is None


def test_aal2_is_enough_when_the_setting_allows_it(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    cis2_server.set_user("cis2-aal2", **cis2_claims(authentication_assurance_level="2"))

    response = sign_in_with(
        Client(),
        cis2_server,
        "cis2",
        "cis2-aal2",
        invitation=invite(pm_user, pharmacist, django_capture_on_commit_callbacks),
    )

    assert response.status_code == 302


def test_entra_identity_is_the_object_id_not_the_per_application_sub(
    providers_on, nhsmail_server, pm_user, pharmacist, django_capture_on_commit_callbacks
):
    nhsmail_server.set_user("per-app-sub-1", **entra_claims("7d9e1b2a-oid"))

    response = sign_in_with(
        Client(),
        nhsmail_server,
        "nhsmail",
        "per-app-sub-1",
        invitation=invite(pm_user, pharmacist, django_capture_on_commit_callbacks),
    )

    assert response.status_code == 302
    identity = Identity.objects.get()
    assert (identity.provider, identity.issuer, identity.subject) == (
        "nhsmail",
        nhsmail_server.url,
        "7d9e1b2a-oid",
    )


def test_entra_sign_in_without_an_object_id_is_refused(providers_on, nhsmail_server):
    nhsmail_server.set_user("no-oid", name="Someone")

    response = sign_in_with(Client(), nhsmail_server, "nhsmail", "no-oid")

    assert response.status_code == 403
    assert Identity.objects.count() == 0


def test_cis2_organisation_differing_from_the_hubs_is_flagged_to_the_pm(
    providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks, client_for
):
    cis2_server.set_user(
        "cis2-elsewhere",
        **cis2_claims(nhsid_user_orgs=[{"org_code": "RAE", "org_name": "Bradford Teaching Hospitals"}]),
    )
    sign_in_with(
        Client(),
        cis2_server,
        "cis2",
        "cis2-elsewhere",
        invitation=invite(pm_user, pharmacist, django_capture_on_commit_callbacks),
    )

    page = client_for(pm_user).get(f"/staff/{pharmacist.pk}/sign-in/").content.decode()

    assert "Organisation differs" in page
    assert "Bradford Teaching Hospitals (RAE)" in page
    listed = client_for(pm_user).get("/staff/sign-in-checks/").content.decode()
    assert html.escape(pharmacist.name) in listed
    assert "Bradford Teaching Hospitals (RAE)" in listed


@pytest.mark.parametrize("size", [2, 10])
def test_mismatch_list_runs_a_fixed_number_of_queries(client_for, pm_user, django_assert_num_queries, size):
    for n in range(size):
        user = user_with_role(PHARMACY_PROFESSIONAL)
        Identity.objects.create(
            user=user,
            provider="cis2",
            issuer="https://cis2.example",
            subject=f"s{n}",
            org_codes=[{"org_code": "RAE", "org_name": "Elsewhere"}],
            organisation_mismatch=True,
        )
    client = client_for(pm_user)
    client.get("/staff/sign-in-checks/")  # renews the session: the next load writes nothing

    with django_assert_num_queries(4):
        response = client.get("/staff/sign-in-checks/")

    assert response.content.decode().count("Elsewhere (RAE)") == size


# --- Signing out --------------------------------------------------------------------------------


@pytest.fixture
def signed_in(providers_on, cis2_server, pm_user, pharmacist, django_capture_on_commit_callbacks):
    """Priya signed in with CIS2 in a provider session `sid-priya-1`: her client."""
    cis2_server.set_user("cis2-priya", **cis2_claims(sid="sid-priya-1"))
    client = Client()
    sign_in_with(
        client,
        cis2_server,
        "cis2",
        "cis2-priya",
        invitation=invite(pm_user, pharmacist, django_capture_on_commit_callbacks),
    )
    assert client.get("/my-care-homes/").status_code == 200
    return client


def test_sign_out_ends_the_hub_session_and_the_provider_session(signed_in, cis2_server):
    response = signed_in.post("/accounts/logout/")

    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == cis2_server.url
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert signed_in.get("/my-care-homes/").status_code == 302
    # The provider's own end-session page answers the link.
    assert (
        cis2_server.approve.__self__
        and __import__("requests").get(response["Location"], timeout=5).status_code == 200
    )


def test_back_channel_logout_by_sid_ends_that_hub_session(signed_in, cis2_server):
    # Priya also signed in on another machine: another provider session.
    cis2_server.set_user("cis2-priya", **cis2_claims(sid="sid-priya-2"))
    other_session = Client()
    sign_in_with(other_session, cis2_server, "cis2", "cis2-priya")

    response = Client().post(
        "/accounts/oidc/cis2/backchannel-logout/",
        {"logout_token": cis2_server.logout_token(sid="sid-priya-1")},
    )

    assert response.status_code == 200
    assert (
        response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )  # never_cache
    assert signed_in.get("/my-care-homes/").status_code == 302
    assert other_session.get("/my-care-homes/").status_code == 200


def test_back_channel_logout_by_subject_ends_every_session_of_that_identity(signed_in, cis2_server):
    response = Client().post(
        "/accounts/oidc/cis2/backchannel-logout/",
        {"logout_token": cis2_server.logout_token(sub="cis2-priya")},
    )

    assert response.status_code == 200
    assert signed_in.get("/my-care-homes/").status_code == 302


@pytest.mark.parametrize(
    "forge",
    [
        lambda server: server.logout_token(sid="sid-priya-1", key=RSAKey.generate_key(2048)),
        lambda server: server.logout_token(sid="sid-priya-1", audience="some-other-client"),
        lambda server: server.logout_token(sid="sid-priya-1", issuer="http://127.0.0.1:1"),
        lambda server: server.logout_token(sid="sid-priya-1", nonce="not-allowed"),
        lambda server: server.logout_token(sid="sid-priya-1", events={}),
        lambda server: "not-a-token",
    ],
    ids=["other key", "other audience", "other issuer", "nonce", "no logout event", "junk"],
)
def test_back_channel_logout_refuses_a_token_it_cannot_trust(signed_in, cis2_server, forge):
    response = Client().post("/accounts/oidc/cis2/backchannel-logout/", {"logout_token": forge(cis2_server)})

    assert response.status_code == 400
    assert signed_in.get("/my-care-homes/").status_code == 200


def test_the_session_map_keeps_nothing_older_than_the_session_limit(signed_in, cis2_server):
    assert ProviderSession.objects.count() == 1

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=12, minutes=5)):
        sign_in_with(Client(), cis2_server, "cis2", "cis2-priya")

    assert ProviderSession.objects.count() == 1


def test_a_leaver_loses_their_identities_and_sessions(signed_in, pharmacist, cis2_server, pm_user):
    staff_member_leave(by=pm_user, staff=pharmacist)

    assert Identity.objects.filter(user=pharmacist.user).count() == 0
    assert signed_in.get("/my-care-homes/").status_code == 302
    refused = sign_in_with(Client(), cis2_server, "cis2", "cis2-priya")
    assert refused.status_code == 403
    assert "Ask your project manager for an invitation" in refused.content.decode()


def test_staff_left_signal_unbinds_identities(signed_in, pharmacist):
    staff_left.send(sender=StaffMember, staff=pharmacist)

    assert Identity.objects.filter(user=pharmacist.user).count() == 0
    assert signed_in.get("/my-care-homes/").status_code == 302


# --- The sign-in page and who may invite -------------------------------------------------------


def test_sign_in_page_shows_the_providers_switched_on(providers_on, client):
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with NHS Care Identity" in page
    assert "Sign in with NHSmail" in page
    assert 'href="/accounts/oidc/cis2/login/"' in page


def test_sign_in_page_without_providers_shows_only_the_password_form(settings, client):
    settings.OIDC_PROVIDERS = {
        "cis2": {"issuer": "", "client_id": ""},
        "nhsmail": {"issuer": "", "client_id": ""},
    }
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with" not in page
    assert 'name="password"' in page
    assert client.get("/accounts/oidc/cis2/login/").status_code == 404


def test_local_passwords_off_leaves_only_the_providers(providers_on, client, pharmacist_user, password):
    providers_on.LOCAL_PASSWORDS = False

    page = client.get("/accounts/login/").content.decode()
    refused = client.post("/accounts/login/", {"username": pharmacist_user.username, "password": password})

    assert 'name="password"' not in page
    assert "Sign in with NHS Care Identity" in page
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/password/reset/").status_code == 404


def test_local_passwords_off_admin_signs_in_superusers_only(settings, client, superuser, password):
    settings.LOCAL_PASSWORDS = False
    staff_user = user_with_role(PROJECT_MANAGER, username="staff-admin")
    staff_user.is_staff = True
    staff_user.save()

    client.post("/admin/login/", {"username": "staff-admin", "password": password})
    assert "_auth_user_id" not in client.session
    client.post("/admin/login/", {"username": superuser.username, "password": password})
    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_organisation_lead_invites_their_own_staff_not_anothers(
    client_for, django_capture_on_commit_callbacks
):
    pcn = OrganisationFactory()
    lead = user_with_role(ORGANISATION_LEAD, organisation=pcn)
    own = StaffMemberFactory(organisation=pcn, email="own@nhs.net")
    other = StaffMemberFactory(email="other@nhs.net")
    client = client_for(lead)

    with django_capture_on_commit_callbacks(execute=True):
        allowed = client.post(f"/staff/{own.pk}/sign-in/invite/", {"back": "organisation"})
        refused = client.post(f"/staff/{other.pk}/sign-in/invite/")

    assert allowed.status_code == 302
    assert allowed["Location"] == f"/organisations/{pcn.pk}/sign-in/"
    assert refused.status_code == 403
    assert [m.to for m in mail.outbox] == [["own@nhs.net"]]
    assert client.get(f"/organisations/{pcn.pk}/sign-in/").status_code == 200
    assert client.get(f"/organisations/{other.organisation_id}/sign-in/").status_code == 403


def test_invitation_without_an_email_address_says_what_to_do(client_for, pm_user):
    member = StaffMemberFactory(user=None, email="")

    response = client_for(pm_user).post(f"/staff/{member.pk}/sign-in/invite/")

    assert response.status_code == 400
    assert "Add an email address for" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_unknown_invitation_link_says_it_does_not_work(client):
    response = client.get("/accounts/invitation/not-a-real-token/")

    assert response.status_code == 404
    assert "This invitation does not work" in response.content.decode()


@pytest.mark.parametrize("size", [3, 12])
def test_organisation_sign_in_page_runs_a_fixed_number_of_queries(
    client_for, pm_user, django_assert_num_queries, size
):
    pcn = OrganisationFactory()
    for n in range(size):
        member = StaffMemberFactory(organisation=pcn, email=f"s{n}@nhs.net")
        Invitation.objects.create(
            staff=member,
            email=member.email,
            token_hash=f"{n:064d}",
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    client = client_for(pm_user)
    client.get(f"/organisations/{pcn.pk}/sign-in/")  # warm the session (and renew it: no write next)

    with django_assert_num_queries(6):
        response = client.get(f"/organisations/{pcn.pk}/sign-in/")

    assert response.status_code == 200
    assert response.content.decode().count("Invite<span") == size
