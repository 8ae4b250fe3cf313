"""Given a project manager and a pharmacist, when the PM invites the pharmacist and the pharmacist signs
in with an NHS identity at a local OpenID Connect provider, then they land on their own page; a second
identity from the same provider is refused."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, OrganisationFactory, user_with_role
from tests.oidc_provider import local_provider

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_in_process"),
]

CIS2_PHARMACIST = {
    "name": "Priya Shah",
    "email": "priya.shah@nhs.net",
    "authentication_assurance_level": "3",
    "id_assurance_level": "3",
    "nhsid_user_orgs": [{"org_code": "RR8", "org_name": "Leeds Teaching Hospitals NHS Trust"}],
    "nhsid_nrbac_roles": [{"org_code": "RR8", "role_code": "S8000:G8000:R8003", "role_name": "Pharmacist"}],
}


@pytest.fixture(scope="module")
def cis2_server():
    with local_provider() as provider:
        yield provider


@pytest.fixture
def cis2_on(settings, cis2_server):
    settings.OIDC_PROVIDERS = {
        "cis2": cis2_server.settings_for(acr_values="AAL2_OR_AAL3_ANY"),
        "nhsmail": {"issuer": "", "client_id": ""},
    }
    return cis2_server


def invite_through_the_pages(page, pharmacist):
    page.goto(f"/staff/{pharmacist.pk}/")
    page.get_by_role("link", name=f"Sign-in for {pharmacist.name}").click()
    assert_accessible(page)
    before = len(mail.outbox)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {pharmacist.email}")).to_be_visible()
    assert len(mail.outbox) == before + 1
    # The e-mail's link is absolute (SITE_URL); the browser follows its path on the live server.
    return re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mail.outbox[-1].body).group(1)


def sign_in_at_the_provider(page, link, sub):
    page.goto(link)
    page.get_by_role("button", name="Sign in with NHS Care Identity").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def test_pm_invites_a_pharmacist_who_signs_in_with_nhs_care_identity(browser, live_server, page, cis2_on):
    trust = OrganisationFactory(ods_code="RR8", name="Leeds Teaching Hospitals NHS Trust")
    pm = user_with_role(PROJECT_MANAGER)
    pharmacist_user = user_with_role(PHARMACY_PROFESSIONAL, organisation=trust)
    pharmacist = pharmacist_user.staff_member
    pharmacist.email = "priya.shah@nhs.net"
    pharmacist.save()
    cis2_on.set_user("cis2-priya", **CIS2_PHARMACIST)
    cis2_on.set_user("cis2-priya-second-card", **CIS2_PHARMACIST)

    # Given the PM has sent an invitation from the pharmacist's sign-in page
    sign_in(page, pm.username, PASSWORD)
    link = invite_through_the_pages(page, pharmacist)

    # When the pharmacist opens it in their own browser and signs in at the provider
    context = browser.new_context(base_url=live_server.url)
    person = context.new_page()
    person.goto(link)
    expect(person.get_by_text(f"You have been invited to sign in as {pharmacist.name}")).to_be_visible()
    assert_accessible(person)
    sign_in_at_the_provider(person, link, "cis2-priya")

    # Then they land on their own page, and their account shows the identity and its role codes
    expect(person).to_have_url(re.compile(r"/my-care-homes/$"))
    assert_accessible(person)
    person.goto("/account/")
    expect(person.get_by_text("S8000:G8000:R8003")).to_be_visible()
    assert_accessible(person)

    # And signing out ends the provider session too, then back at the hub's sign-in page
    person.get_by_role("button", name="Sign out").click()
    expect(person).to_have_url(re.compile("^" + re.escape(cis2_on.url)))

    # And a second identity from the same provider, through a new invitation, is refused
    second_link = invite_through_the_pages(page, pharmacist)
    other = context.new_page()
    sign_in_at_the_provider(other, second_link, "cis2-priya-second-card")
    expect(
        other.get_by_role("heading", name="You already have a NHS Care Identity identity here")
    ).to_be_visible()
    assert_accessible(other)
    context.close()


def test_sign_in_page_offers_nhs_care_identity(page, cis2_on):
    page.goto("/accounts/login/")

    # A link drawn as a button (role="button"): exactly one, and no second way in by a plain link.
    expect(page.get_by_role("button", name="Sign in with NHS Care Identity")).to_have_count(1)
    expect(page.get_by_role("link", name="Sign in with NHS Care Identity")).to_have_count(0)
    expect(page.get_by_role("link", name="Forgotten your password?")).to_be_visible()
    assert_accessible(page)
