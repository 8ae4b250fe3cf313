"""An analyst makes an API token in the browser, reads care homes with it, sees the use, revokes it."""

import httpx
import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, CareHomeFactory, UserFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_make_use_and_revoke_an_api_token(page, live_server):
    # Given a project manager and two care homes
    pm = user_with_role(PROJECT_MANAGER, username="analyst-pm")
    CareHomeFactory.create_batch(2)
    sign_in(page, pm.username, PASSWORD)

    # When they open their API tokens and submit the form without a name
    page.goto("/account/api-tokens/")
    assert_accessible(page)
    page.get_by_role("button", name="Make token").click()
    # Then the error summary and the field say what to do
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the token")
    assert_accessible(page)

    # When they name it and make it
    page.get_by_label("Name").fill("Power BI care homes")
    page.get_by_label("1 year (the longest allowed)").check()
    page.get_by_role("button", name="Make token").click()
    # Then the token is shown once
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    secret = page.locator("#api-token-secret").inner_text().strip()
    assert secret.startswith("chph_")
    assert_accessible(page)

    # And it reads care homes over HTTP Basic, as Power BI sends it
    answer = httpx.get(f"{live_server.url}/api/v1/care-homes", auth=("powerbi", secret))
    assert answer.status_code == 200 and len(answer.json()["results"]) == 2

    # When they look at their tokens, the list shows its start, its last use and one use, never the secret
    page.goto("/account/api-tokens/")
    expect(page.get_by_role("table")).not_to_contain_text(secret)
    row = page.get_by_role("row", name="Power BI care homes")
    expect(row).to_contain_text(secret[:9])
    expect(row).not_to_contain_text("Never")
    expect(row.get_by_role("cell").nth(4)).to_have_text("1")
    assert_accessible(page)
    page.get_by_role("link", name="Power BI care homes").click()
    expect(page.get_by_role("table")).to_contain_text("/api/v1/care-homes")
    assert_accessible(page)

    # When they revoke it
    page.get_by_role("link", name="Revoke this token").click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("revoked. Anything using it will now be refused")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Revoked")

    # Then the API refuses it, saying why
    refused = httpx.get(f"{live_server.url}/api/v1/care-homes", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert not page.js_errors


def test_a_superuser_makes_a_publishing_service_account_token(page, live_server):
    # Given a superuser
    admin = UserFactory(username="hub-admin", is_superuser=True, is_staff=True)
    admin.save()
    sign_in(page, admin.username, PASSWORD)

    # When they open the tokens page, its form has the service account's fields
    page.goto("/account/api-tokens/")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("ICB published dashboard")
    page.get_by_label("Service account (optional)").fill("ICB analytics")
    # And a service account without a role is refused next to the field
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose what the service account may read")
    assert_accessible(page)

    page.get_by_label("The service account's role").select_option("SLT member")
    page.get_by_label("Figures from this token are published outside the hub").check()
    page.get_by_role("button", name="Make token").click()

    # Then the token is shown once, and belongs to the service account
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    assert_accessible(page)
    token = ApiToken.objects.get(name="ICB published dashboard")
    assert token.publishes and token.user.username == "service-icb-analytics" and token.created_by == admin
    page.goto("/account/api-tokens/")
    expect(page.get_by_role("row", name="ICB published dashboard")).to_contain_text("for ICB analytics")
    assert_accessible(page)
    assert not page.js_errors


def test_the_api_docs_render_from_the_hubs_own_assets(page, live_server):
    # Given the CSP allows scripts only from the hub itself
    csp_reports, requested = [], []
    page.on(
        "console",
        lambda message: (
            csp_reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("request", lambda request: requested.append(request.url))

    # When anyone opens the API docs
    page.goto("/api/v1/docs")

    # Then Swagger UI lists every resource, with no script blocked and nothing fetched elsewhere
    expect(page.get_by_text("/api/v1/care-homes.csv")).to_be_visible()
    expect(page.get_by_text("/api/v1/discharge-follow-ups", exact=True)).to_be_visible()
    assert not page.js_errors
    assert not [m for m in csp_reports if "script" in m], csp_reports
    assert all(url.startswith((live_server.url, "data:")) for url in requested), requested
