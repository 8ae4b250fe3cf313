"""The project manager's Imports page: who may see it, what it shows, and queries that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.models import ImportRun, Organisation
from tests.factories import CareHomeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def make_run(number, **fields):
    started = timezone.now() - datetime.timedelta(hours=number)
    values = {
        "source": ImportRun.Source.ODS,
        "via": ImportRun.Via.TASK,
        "outcome": ImportRun.Outcome.APPLIED,
        "file_name": f"epraccur-{number}.csv",
        "file_hash": "a" * 64,
        "files": [{"name": f"epraccur-{number}.csv", "sha256": "a" * 64}],
        "rows": 100,
        "created": 2,
        "updated": 3,
        "closed": 1,
        "started_at": started,
        "finished_at": started,
    }
    values.update(fields)
    return ImportRun.objects.create(**values)


def make_runs(count, pm_user):
    for number in range(count):
        home = CareHomeFactory()
        make_run(
            number,
            by=pm_user if number % 2 else None,
            realigned=[
                {
                    "care_home_id": home.pk,
                    "care_home": home.name,
                    "practice": "City View Medical Practice",
                    "practice_code": "B86002",
                    "old_pcn": "Leeds Central PCN",
                    "new_pcn": "West Leeds PCN",
                    "new_pcn_code": "U60002",
                }
            ],
        )
        OrganisationFactory(kind=Organisation.Kind.NHS_TRUST, name=f"New Trust {number}")


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("pm_user", 200),
        ("superuser", 200),
        ("slt_user", 403),
        ("pharmacist_user", 403),
        ("orglead_user", 403),
    ],
)
def test_only_the_project_manager_sees_the_imports_page(request, client_for, user, status):
    client = client_for(request.getfixturevalue(user))

    assert client.get("/imports/").status_code == status


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/imports/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_lists_runs_new_trusts_and_realigned_homes(client_for, pm_user):
    home = CareHomeFactory(name="Holbeck Grange")
    make_run(
        1,
        by=pm_user,
        realigned=[
            {
                "care_home_id": home.pk,
                "care_home": "Holbeck Grange",
                "practice": "City View Medical Practice",
                "practice_code": "B86002",
                "old_pcn": "Leeds Central PCN",
                "new_pcn": "West Leeds PCN",
                "new_pcn_code": "U60002",
            }
        ],
    )
    make_run(2, source="cqc", via="upload", outcome="failed", file_name="broken.csv", messages=["Bad file."])
    trust = OrganisationFactory(
        kind=Organisation.Kind.NHS_TRUST, name="Harrogate and District NHS Foundation Trust"
    )

    page = client_for(pm_user).get("/imports/").content.decode()

    assert "epraccur-1.csv" in page and "broken.csv" in page
    assert "Failed" in page and "Applied" in page
    assert "Harrogate and District NHS Foundation Trust" in page
    assert f"/imports/trusts/{trust.pk}/kind/" in page
    assert "Holbeck Grange" in page and "West Leeds PCN" in page
    assert f"/care-homes/{home.pk}/" in page
    assert '"/imports/"' in page, "the PM's navigation links the page"


def test_imports_page_queries_do_not_grow_with_runs(client_for, pm_user, settings):
    client = client_for(pm_user)
    make_runs(3, pm_user)
    small = queries(client, "/imports/")
    make_runs(30, pm_user)

    assert queries(client, "/imports/") == small
    assert queries(client, "/imports/?page=2") == small


def test_a_runs_page_shows_its_files_and_messages(client_for, pm_user):
    run = make_run(1, outcome="failed", messages=["epraccur.csv has 28 columns on line 1."])

    response = client_for(pm_user).get(f"/imports/{run.pk}/")

    assert response.status_code == 200
    assert "Why it failed" in response.content.decode()
    assert "28 columns on line 1" in response.content.decode()
    assert client_for(pm_user).get("/imports/999999/").status_code == 404


def test_the_pm_chooses_a_new_trusts_kind(client_for, pm_user):
    trust = OrganisationFactory(kind=Organisation.Kind.NHS_TRUST, sector="secondary", name="Harrogate Trust")
    client = client_for(pm_user)

    assert client.get(f"/imports/trusts/{trust.pk}/kind/").status_code == 200
    refused = client.post(f"/imports/trusts/{trust.pk}/kind/", {})
    assert refused.status_code == 400
    assert "Choose what kind of trust it is." in refused.content.decode()
    assert "There is a problem" in refused.content.decode()
    response = client.post(f"/imports/trusts/{trust.pk}/kind/", {"kind": "community_trust"})

    assert response.status_code == 302
    trust.refresh_from_db()
    assert (trust.kind, trust.sector) == ("community_trust", "community")


def test_choosing_a_kind_is_for_trusts_and_the_pm_only(client_for, pm_user, pharmacist_user):
    practice = OrganisationFactory(kind=Organisation.Kind.GP_PRACTICE, sector="primary_care")
    trust = OrganisationFactory(kind=Organisation.Kind.NHS_TRUST)

    assert client_for(pm_user).get(f"/imports/trusts/{practice.pk}/kind/").status_code == 404
    assert (
        client_for(pharmacist_user)
        .post(f"/imports/trusts/{trust.pk}/kind/", {"kind": "acute_trust"})
        .status_code
        == 403
    )
    trust.refresh_from_db()
    assert trust.kind == Organisation.Kind.NHS_TRUST


def test_a_closed_organisation_shows_as_closed_on_the_organisation_pages(client_for, pm_user):
    closed = OrganisationFactory(
        name="Manor Park Surgery",
        kind=Organisation.Kind.GP_PRACTICE,
        sector="primary_care",
        is_active=False,
        closed_on=datetime.date(2025, 3, 31),
        postcode="LS13 2UP",
    )
    client = client_for(pm_user)

    detail = client.get(f"/organisations/{closed.pk}/").content.decode()
    listing = client.get("/organisations/?kind=gp_practice").content.decode()

    assert "Closed" in detail and "31 March 2025" in detail and "LS13 2UP" in detail
    assert "Manor Park Surgery" in listing and "Closed" in listing
