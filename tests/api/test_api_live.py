"""The read API over real HTTP on a live server: every resource as JSON and CSV, tokens, paging."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from api.models import ApiToken, ApiTokenUse
from api.resources import RESOURCES
from api.services import api_token_create
from tests.factories import CareHomeFactory, DischargeFollowUpFactory, GapReportFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def read_csv(response):
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def all_pages(client, path, **params):
    rows, url, pages = [], path, 0
    while url:
        response = client.get(url, params=params or None) if pages == 0 else client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["results"]
        url, pages = body["next"], pages + 1
    return rows, pages


@pytest.mark.parametrize("name", list(RESOURCES))
def test_every_resource_as_json_and_csv(api_client, token_for, pm_user, name):
    CareHomeFactory(name="=HYPERLINK(evil)")
    VisitFactory.create_batch(3)
    GapReportFactory(week="2026-W40")
    DischargeFollowUpFactory.create_batch(2)
    client = api_client(token_for(pm_user))

    rows, _ = all_pages(client, f"/{name}", limit=2)
    table = read_csv(client.get(f"/{name}.csv"))

    assert len(table) == len(rows)
    if table:
        assert list(table[0]) == RESOURCES[name].columns
        assert [str(r.get("id", r.get("key"))) for r in rows] == [t.get("id", t.get("key")) for t in table]
    if name in ("care-homes", "organisations", "visits", "gaps", "discharge-follow-ups"):
        assert rows, f"{name} should have rows in this city"
    if name == "care-homes":
        names = {t["name"] for t in table}
        assert "'=HYPERLINK(evil)" in names  # formula-safe
        assert "=HYPERLINK(evil)" in {r["name"] for r in rows}  # JSON keeps the text as it is


def test_bearer_and_basic_both_work_and_each_use_is_logged(api_client, token_for, pm_user):
    secret = token_for(pm_user, name="Power BI")
    CareHomeFactory.create_batch(2)

    bearer = api_client(secret).get("/care-homes")
    basic = api_client(secret, basic=True).get("/care-homes")

    assert bearer.status_code == basic.status_code == 200
    assert bearer.json()["results"] == basic.json()["results"]
    token = ApiToken.objects.get(name="Power BI")
    assert token.last_used_at is not None
    assert list(ApiTokenUse.objects.filter(token=token).values_list("resource", "rows")) == [
        ("/api/v1/care-homes", 2),
        ("/api/v1/care-homes", 2),
    ]


def test_no_token_or_a_wrong_one_is_refused_with_a_basic_challenge(api_client):
    for client in (api_client(), api_client("chph_not-a-real-token"), api_client("wrong", basic=True)):
        response = client.get("/care-homes")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Basic")


def test_a_token_in_the_query_string_is_refused(api_client, token_for, pm_user):
    secret = token_for(pm_user)

    for client, params in (
        (api_client(), {"token": secret}),
        (api_client(secret), {"access_token": secret}),
        (api_client(), {"locality": secret}),  # a token under any name
        (api_client(secret, basic=True), {"q": f"x{secret}"}),
    ):
        response = client.get("/care-homes", params=params)
        assert response.status_code == 400, params
        assert "never accepted in the URL" in response.json()["detail"]


def test_expired_and_revoked_tokens_are_refused_with_the_reason(api_client, pm_user):
    expired, expired_secret = api_token_create(by=pm_user, name="Expired", lifetime_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    revoked, revoked_secret = api_token_create(by=pm_user, name="Revoked", lifetime_days=30)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())

    expired_answer = api_client(expired_secret).get("/care-homes")
    revoked_answer = api_client(revoked_secret, basic=True).get("/care-homes")

    assert expired_answer.status_code == revoked_answer.status_code == 401
    assert "expired" in expired_answer.json()["detail"]
    assert "revoked" in revoked_answer.json()["detail"]
    # The owner sees the refused attempts in the token's use.
    assert list(ApiTokenUse.objects.order_by("pk").values_list("token__name", "status")) == [
        ("Expired", 401),
        ("Revoked", 401),
    ]


def test_past_the_rate_limit_the_api_answers_429_with_retry_after(api_client, token_for, pm_user, settings):
    settings.HUB = {**settings.HUB, "API_RATE_LIMIT_PER_MINUTE": 3}
    client = api_client(token_for(pm_user))
    other = api_client(token_for(pm_user, name="Another"))

    answers = [client.get("/organisations").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = client.get("/organisations")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "31"  # seconds left in the minute (see one_rate_window)
    assert other.get("/organisations").status_code == 200  # counted per token
    # Every use is logged, the refused ones too.
    uses = ApiTokenUse.objects.filter(token__name="Test token").order_by("pk")
    assert (
        list(uses.values_list("resource", "status"))
        == [("/api/v1/organisations", 200)] * 3 + [("/api/v1/organisations", 429)] * 2
    )


def test_every_use_of_a_token_is_logged_with_its_answer(api_client, token_for, pharmacist_user):
    client = api_client(token_for(pharmacist_user, name="Mine"))

    answers = [
        client.get("/").status_code,
        client.get("/gap-reports").status_code,  # not for a pharmacist: refused as the page is
        client.get("/visits", params={"week": "2026-W60"}).status_code,
        client.get("/visits", params={"limit": "0"}).status_code,
    ]

    assert answers == [200, 403, 400, 400]
    uses = ApiTokenUse.objects.filter(token__name="Mine").order_by("pk")
    assert [(u.resource, u.status) for u in uses] == [
        ("/api/v1/", 200),
        ("/api/v1/gap-reports", 403),
        ("/api/v1/visits", 400),
        ("/api/v1/visits", 400),
    ]


def test_cursor_pages_are_stable_under_inserts(api_client, token_for, pm_user):
    homes = CareHomeFactory.create_batch(5)
    client = api_client(token_for(pm_user))

    first = client.get("/care-homes", params={"limit": 2}).json()
    CareHomeFactory(name="Added while paging")
    rest, _ = all_pages(client, first["next"])

    ids = [r["id"] for r in first["results"] + rest]
    assert len(ids) == len(set(ids))
    assert {h.pk for h in homes} <= set(ids)


def test_a_bad_cursor_or_week_is_a_clear_400(api_client, token_for, pm_user):
    client = api_client(token_for(pm_user))

    assert "cursor" in client.get("/visits", params={"cursor": "bm90LWEtbnVtYmVy"}).json()["detail"]
    response = client.get("/visits", params={"week": "2026-W60"})
    assert response.status_code == 400 and "week" in response.json()["detail"]


def test_updated_since_and_the_deletions_feed_make_an_incremental_refresh(api_client, token_for, pm_user):
    old, gone = VisitFactory.create_batch(2)
    client = api_client(token_for(pm_user))
    since = timezone.now()
    changed = VisitFactory()
    gone_id = gone.pk
    gone.delete()

    rows, _ = all_pages(client, "/visits", updated_since=since.isoformat())
    deletions, _ = all_pages(client, "/deletions", updated_since=since.isoformat())

    assert [r["id"] for r in rows] == [changed.pk]
    assert {"resource": "visits", "id": gone_id} in [{k: d[k] for k in ("resource", "id")} for d in deletions]


def test_filters_narrow_by_locality_and_week(api_client, token_for, pm_user):
    north = CareHomeFactory(locality="Leeds North")
    CareHomeFactory(locality="Leeds South")
    VisitFactory(care_home=north, visited_on=datetime.date(2026, 11, 24))
    VisitFactory(care_home=north, visited_on=datetime.date(2026, 11, 2))
    client = api_client(token_for(pm_user))

    homes, _ = all_pages(client, "/care-homes", locality="Leeds North")
    visits, _ = all_pages(client, "/visits", week="2026-W48")

    assert {h["locality"] for h in homes} == {"Leeds North"}
    assert [(v["visited_on"], v["week"]) for v in visits] == [("2026-11-24", "2026-W48")]


def test_small_numbers_are_suppressed_for_a_publishing_token(api_client, superuser, pm_user):
    GapReportFactory(week="2026-W40", data={"headlines": {"care_homes": 150, "in_outbreak": 3, "gaps": 0}})
    _, publishing = api_token_create(
        by=superuser,
        name="Published",
        lifetime_days=30,
        publishes=True,
        service_account="ICB publication",
        service_role="SLT member",
    )
    _, internal = api_token_create(by=pm_user, name="Internal", lifetime_days=30)

    published = api_client(publishing).get("/gap-reports").json()["results"][0]
    seen = api_client(internal).get("/gap-reports").json()["results"][0]
    published_csv = read_csv(api_client(publishing).get("/gap-reports.csv"))[0]

    assert (seen["care_homes"], seen["in_outbreak"], seen["gaps"]) == (150, 3, 0)
    assert (published["care_homes"], published["in_outbreak"], published["gaps"]) == (150, None, 0)
    assert published_csv["in_outbreak"] == "" and published_csv["care_homes"] == "150"


def test_the_csv_streams_past_one_chunk(api_client, token_for, pm_user, monkeypatch):
    from api import csv_copy, paging

    monkeypatch.setattr(paging, "CSV_CHUNK", 3)  # SQLite: rows through Python
    monkeypatch.setattr(csv_copy, "ROWS_A_CHUNK", 3)  # PostgreSQL: rows written by COPY
    VisitFactory.create_batch(8)

    table = read_csv(api_client(token_for(pm_user)).get("/visits.csv"))

    assert len(table) == 8 and len({t["id"] for t in table}) == 8
    use = ApiTokenUse.objects.get(resource="/api/v1/visits.csv")
    assert use.rows == 8


def test_discharge_follow_ups_are_counted_by_week_trust_pharmacy_and_home(api_client, token_for, pm_user):
    first = DischargeFollowUpFactory(discharged_on=datetime.date(2026, 11, 24))
    DischargeFollowUpFactory.create_batch(
        2, discharged_on=datetime.date(2026, 11, 26), trust=first.trust, care_home=first.care_home
    )
    DischargeFollowUpFactory(
        discharged_on=datetime.date(2026, 11, 17), trust=first.trust, care_home=first.care_home
    )

    rows = api_client(token_for(pm_user)).get("/discharge-follow-ups").json()["results"]

    assert [(r["week"], r["trust_id"], r["care_home_id"], r["follow_ups"]) for r in rows] == [
        ("2026-W47", first.trust_id, first.care_home_id, 1),
        ("2026-W48", first.trust_id, first.care_home_id, 3),
    ]
    assert "reference" not in rows[0]


def test_small_discharge_counts_are_suppressed_for_a_publishing_token(api_client, superuser, pm_user):
    few = DischargeFollowUpFactory(discharged_on=datetime.date(2026, 11, 24))
    DischargeFollowUpFactory.create_batch(
        2, discharged_on=datetime.date(2026, 11, 25), trust=few.trust, care_home=few.care_home
    )
    many = DischargeFollowUpFactory(discharged_on=datetime.date(2026, 11, 24))
    DischargeFollowUpFactory.create_batch(
        7, discharged_on=datetime.date(2026, 11, 25), trust=many.trust, care_home=many.care_home
    )
    _, publishing = api_token_create(
        by=superuser,
        name="Published",
        lifetime_days=30,
        publishes=True,
        service_account="ICB discharge publication",
        service_role="Project manager",
    )
    _, internal = api_token_create(by=pm_user, name="Internal", lifetime_days=30)

    def counts(secret):
        rows = api_client(secret).get("/discharge-follow-ups").json()["results"]
        table = read_csv(api_client(secret).get("/discharge-follow-ups.csv"))
        return {r["care_home_id"]: r["follow_ups"] for r in rows}, {
            int(t["care_home_id"]): t["follow_ups"] for t in table
        }

    assert counts(internal) == (
        {few.care_home_id: 3, many.care_home_id: 8},
        {few.care_home_id: "3", many.care_home_id: "8"},
    )
    assert counts(publishing) == (
        {few.care_home_id: None, many.care_home_id: 8},
        {few.care_home_id: "", many.care_home_id: "8"},
    )
