import pytest


@pytest.mark.django_db
def test_login_page_renders_with_nhs_header(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Care Home Pharmacy Hub" in html
    assert 'name="username"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "landing"),
    [
        ("slt_user", "/dashboard/"),
        ("pm_user", "/gaps/"),
        ("pharmacist_user", "/my-care-homes/"),
        ("orglead_user", "/organisations/"),
    ],
)
def test_each_role_lands_on_its_home_page(request, client_for, fixture, landing):
    client = client_for(request.getfixturevalue(fixture))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(landing)
    assert "Sign out" in response.content.decode()
