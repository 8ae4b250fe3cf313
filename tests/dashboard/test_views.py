"""The dashboard and the gap list: figures, filters (htmx and plain), links, access, query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan.gap_report_services import gap_report_backfill
from actionplan.hours_selectors import hours_by
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    SupportRequestFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def build_city(size, *, trust=None, pcn=None, locality="Leeds North"):
    """`size` homes of each kind: covered and visited; no lead; in an outbreak not visited since."""
    trust = trust or OrganisationFactory(name="Leeds Teaching Hospitals")
    pcn = pcn or PcnFactory(name=f"PCN {locality}", locality=locality)
    today = timezone.localdate()
    for _ in range(size):
        lead = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("12"))
        home = CareHomeFactory(pcn=pcn, locality=locality)
        AssignmentFactory(care_home=home, staff=lead)
        VisitFactory(care_home=home, staff=lead, visited_on=today - datetime.timedelta(days=2))
        CareHomeFactory(pcn=pcn, locality=locality)
        outbreak = CareHomeFactory(
            pcn=pcn, locality=locality, outbreak_status="confirmed", outbreak_started_on=today
        )
        AssignmentFactory(care_home=outbreak, staff=lead)
        SupportRequestFactory(organisation=pcn)
        ActionFactory(rag="red")
    return trust, pcn


def query_count(client, url, **headers):
    """Queries for a page computed afresh (the cached figures are forgotten first)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


# ------------------------------------------------------------------------------------ dashboard


def test_dashboard_shows_live_figures_hours_and_trends(client_for, slt_user):
    build_city(2)
    gap_report_backfill(weeks=3)
    response = client_for(slt_user).get(reverse("dashboard:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="Care homes">6<' in html
    assert 'data-figure="With a named lead">66.7%<' in html
    assert 'data-figure="In outbreak">2<' in html
    assert "Leeds Teaching Hospitals" in html  # hours by organisation
    assert "Secondary care" in html  # hours by sector
    assert len(re.findall(r'src="/charts/[0-9a-f]{40}\.png"', html)) == 2  # hours chart and trend, as files
    assert "Week on week: % of care homes" in html  # the trend's table caption
    assert html.count("<caption") >= 5  # every chart has its numbers as a table


def test_dashboard_lists_the_employers_with_most_hours_and_sums_the_rest(client_for, slt_user, monkeypatch):
    """Past the rows shown, the other employers are summed in one row: nothing is dropped from the
    totals, and ties on hours go by name."""
    from dashboard import selectors

    monkeypatch.setattr(selectors, "ORGANISATION_ROWS", 2)
    for name, hours in (
        ("Beta Trust", "30"),
        ("Alpha Trust", "30"),
        ("Gamma Trust", "20.5"),
        ("Delta Trust", "4"),
    ):
        StaffMemberFactory(organisation=OrganisationFactory(name=name), hours_per_week=Decimal(hours))
    html = client_for(slt_user).get(reverse("dashboard:index")).content.decode()
    table = html[html.index("by organisation</caption>") :]
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table[: table.index("</table>")]))
    every = hours_by()["by_organisation"]  # every employer, as the weekly report lists them
    rest = sum(Decimal(str(o["available"])) for o in every) - 60
    assert f"Alpha Trust 30 0 Beta Trust 30 0 {len(every) - 2} other organisations {rest:f} 0 " in table
    assert "Gamma Trust" not in table and rest >= Decimal("24.5")


def test_dashboard_filters_to_one_pcn_with_htmx_returning_only_the_figures(client_for, slt_user):
    build_city(1, locality="Leeds North")
    _, east = build_city(3, locality="Leeds East")
    client = client_for(slt_user)
    url = reverse("dashboard:index") + f"?pcn={east.pk}"

    full = client.get(url).content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert 'data-figure="Care homes">9<' in full and "<h1>" in full  # works without JavaScript
    assert fragment.lstrip().startswith('<div id="figures"')
    assert 'data-figure="Care homes">9<' in fragment
    assert "<h1>" not in fragment
    assert "PCN Leeds East" in fragment


def test_dashboard_costs_the_same_queries_at_two_sizes(client_for, slt_user):
    client = client_for(slt_user)
    url = reverse("dashboard:index")
    trust, _ = build_city(1)
    gap_report_backfill(weeks=2)
    small = query_count(client, url)
    build_city(6, locality="Leeds West")
    gap_report_backfill(weeks=5)
    assert query_count(client, url) == small
    assert query_count(client, url + "?locality=Leeds+West") == query_count(
        client, url + "?locality=Leeds+North"
    )
    # An employer's figures (its hours from its kept totals); each size loaded once first, so
    # that its charts are drawn (a chart is drawn once, the first time its numbers are shown).
    employer = url + f"?organisation={trust.pk}"
    query_count(client, employer)
    small_org = query_count(client, employer)
    build_city(3, trust=trust, locality="Leeds East")
    query_count(client, employer)
    assert query_count(client, employer) == small_org


def test_dashboard_and_gap_list_never_load_a_weekly_reports_gaps(client_for, slt_user, pm_user):
    """A national report's gaps are megabytes of JSON, decompressed whole to read any part of
    it: the trend, the week-on-week figures and "new gaps since last week" read the headline
    figures and gap keys kept beside it."""
    build_city(2)
    gap_report_backfill(weeks=3)
    pages = (
        (client_for(slt_user), "dashboard:index", "Week on week"),
        (client_for(pm_user), "dashboard:gaps", "since last week"),
    )
    for client, page, reads_last_week in pages:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse(page)).content.decode()
        assert reads_last_week in html
        read = [q["sql"] for q in queries if '"actionplan_gapreport"' in q["sql"]]
        assert read and not [sql for sql in read if '"actionplan_gapreport"."data"' in sql], read


@pytest.mark.parametrize("user", ["pharmacist_user", "orglead_user"])
def test_dashboard_and_gaps_are_for_slt_and_project_manager(client_for, request, user, pm_user):
    client = client_for(request.getfixturevalue(user))
    assert client.get(reverse("dashboard:index")).status_code == 403
    assert client.get(reverse("dashboard:gaps")).status_code == 403
    client = client_for(pm_user)
    assert client.get(reverse("dashboard:index")).status_code == 200
    assert client.get(reverse("dashboard:gaps")).status_code == 200


# ------------------------------------------------------------------------------------ gap list


def test_gap_list_is_worst_first_with_reasons_and_fix_links(client_for, pm_user):
    pcn = PcnFactory(name="Seacroft PCN", committed_hours=Decimal("0"))
    orphan = CareHomeFactory(name="Orphan House", pcn=pcn)
    lapsed = CareHomeFactory(name="Lapsed Lodge", pcn=pcn)
    AssignmentFactory(care_home=lapsed)
    html = client_for(pm_user).get(reverse("dashboard:gaps")).content.decode()

    assert html.index("Orphan House has no named lead") < html.index(
        "Lapsed Lodge has never had a recorded visit"
    )
    assert html.index("Lapsed Lodge has never") < html.index("Seacroft PCN has 2 care homes aligned")
    assert f'href="{reverse("carehomes:detail", args=[orphan.pk])}">Assign a named lead' in html
    assert f'href="{reverse("carehomes:visit_create")}?care_home={lapsed.pk}">Log a visit' in html
    assert f'href="{reverse("organisations:detail", args=[pcn.pk])}">Talk to the PCN' in html


def test_gap_list_counts_each_rule_by_its_name_not_its_code(client_for, pm_user):
    build_city(1, locality="Leeds North")
    html = client_for(pm_user).get(reverse("dashboard:gaps")).content.decode()

    counts = html.split('data-testid="gap-counts">')[1].split("</ul>")[0]
    assert "<li>No named lead: 1</li>" in counts
    assert "<li>Outbreak and no visit since it began: 1</li>" in counts
    assert "_" not in counts and "no lead" not in counts  # no internal codes reach the page


def test_gap_list_filters_by_rule_locality_pcn_and_organisation(client_for, pm_user):
    trust, north = build_city(1, locality="Leeds North")
    _, east = build_city(2, locality="Leeds East")
    other = OrganisationFactory(name="Community Trust")
    client = client_for(pm_user)
    url = reverse("dashboard:gaps")

    def total(query):
        html = client.get(url + query, HTTP_HX_REQUEST="true").content.decode()
        return html.split('data-testid="gap-total">')[1].split(" gap")[0]

    # Each city block of size n: n homes with no lead (+ never visited), n outbreak homes with
    # outbreak gaps and never visited: 4n gaps.
    assert total("") == "12"
    assert total("?rule=no_lead") == "3"
    assert total("?locality=Leeds+East") == "8"
    assert total(f"?pcn={north.pk}") == "4"
    assert total(f"?organisation={trust.pk}") == "2"  # the home it leads: outbreak, never visited
    assert total(f"?organisation={other.pk}") == "0"
    assert total(f"?rule=outbreak_not_visited&pcn={east.pk}") == "2"


def test_past_a_citys_size_the_filters_take_a_typed_name(client_for, pm_user, monkeypatch):
    # Given more PCNs and organisations than a select holds (here, more than 1)
    monkeypatch.setattr("config.choices.LONG_LIST", 1)
    trust, north = build_city(1, locality="Leeds North")
    build_city(2, locality="Leeds East")
    client = client_for(pm_user)
    url = reverse("dashboard:gaps")

    def page(query):
        return client.get(url + query).content.decode()

    def total(html):
        return html.split('data-testid="gap-total">')[1].split(" gap")[0]

    # Then the filters are boxes to type in, not selects of every name
    first = page("")
    assert 'name="organisation" ' in first and f'value="{trust.pk}"' not in first
    # And a name typed in any case, or the id of a stale link, filters the list and is shown back
    for typed in ("leeds teaching hospitals", str(trust.pk)):
        html = page(f"?organisation={typed.replace(' ', '+')}")
        assert total(html) == "2"
        assert 'value="Leeds Teaching Hospitals"' in html
    assert total(page("?pcn=PCN+Leeds+North")) == "4"
    # And a name nobody has leaves the list whole (a stale link is not refused)
    assert total(page("?organisation=Nowhere+Trust")) == "12"
    # And a locality (its name is its value) typed in any case filters as the select does
    typed = page("?locality=leeds+north")
    assert 'value="Leeds North"' in typed
    monkeypatch.setattr("config.choices.LONG_LIST", 150)
    assert total(typed) == total(page("?locality=Leeds+North")) != "12"


def test_filters_past_a_citys_size_cost_the_same_queries_at_two_sizes(client_for, pm_user, monkeypatch):
    monkeypatch.setattr("config.choices.LONG_LIST", 1)
    client = client_for(pm_user)
    trust, _ = build_city(1)
    build_city(1, trust=trust, locality="Leeds East")  # two of each already: boxes at both sizes
    query = f"?organisation={trust.pk}&pcn=PCN+Leeds+North"
    for page in ("dashboard:gaps", "dashboard:index"):
        client.get(reverse(page) + query)  # charts drawn once, as on any later load
    small = [
        query_count(client, reverse(page) + q)
        for page in ("dashboard:gaps", "dashboard:index")
        for q in ("", query)
    ]
    for n in range(4):
        build_city(1, locality=f"Leeds {n}")
    assert [
        query_count(client, reverse(page) + q)
        for page in ("dashboard:gaps", "dashboard:index")
        for q in ("", query)
    ] == small


def test_gap_list_costs_the_same_queries_at_two_sizes(client_for, pm_user):
    client = client_for(pm_user)
    url = reverse("dashboard:gaps")
    build_city(1)
    small = query_count(client, url)
    build_city(8, locality="Leeds South")  # 32 more gaps: two pages
    assert query_count(client, url) == small
    assert query_count(client, url + "?page=2") == small


def test_cached_gap_list_is_replaced_as_soon_as_data_changes(client_for, pm_user):
    """Figures are cached under a data version: a write makes the next reader compute afresh."""
    client = client_for(pm_user)
    url = reverse("dashboard:gaps")
    home = CareHomeFactory(name="Cached Court")
    assert "Cached Court has no named lead" in client.get(url).content.decode()
    assert "Cached Court has no named lead" in client.get(url).content.decode()  # from the cache

    AssignmentFactory(care_home=home)

    assert "Cached Court has no named lead" not in client.get(url).content.decode()


def test_contradictory_filters_say_no_care_homes_match_instead_of_zero_percent(client_for, slt_user):
    # Given homes in Leeds North (in their PCN) and none in Leeds West
    build_city(1)
    build_city(1, locality="Leeds West")
    north_pcn = PcnFactory._meta.model.objects.get(name="PCN Leeds North")
    client = client_for(slt_user)

    # When the SLT member chooses Leeds West and the Leeds North PCN
    html = client.get(
        reverse("dashboard:index"), {"locality": "Leeds West", "pcn": north_pcn.pk}
    ).content.decode()

    # Then the page says no care homes match, and shows no 0.0% figures
    assert "No care homes match" in html
    assert "0.0%" not in html
    # And a matching filter still shows the figures
    html = client.get(reverse("dashboard:index"), {"pcn": north_pcn.pk}).content.decode()
    assert "No care homes match" not in html
    assert 'data-figure="Care homes"' in html
