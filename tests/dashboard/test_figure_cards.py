"""The dashboard's figure cards (the SLT's home page): each links to the list behind it and says,
in words, how it changed since last week's report; the week-on-week table is newest first with
all 52 weeks behind "Show all weeks"; its tables are plain NHS.UK markup with headers scoped."""

import datetime
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import previous_week, week_of
from config.presenters import change_phrase, iso_week_label
from tests.conftest import FROZEN_TODAY
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    StaffMemberFactory,
    VisitFactory,
)

# Today frozen for the whole test: a "today" read at import goes stale if the suite crosses midnight.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


def homes(n, *, pcn, led=True, outbreak=False):
    trust = OrganisationFactory()
    made = []
    for _ in range(n):
        home = CareHomeFactory(
            pcn=pcn,
            locality=pcn.locality,
            outbreak_status="confirmed" if outbreak else "none",
            outbreak_started_on=TODAY if outbreak else None,
        )
        if led:
            lead = StaffMemberFactory(organisation=trust, hours_per_week=Decimal("10"))
            AssignmentFactory(care_home=home, staff=lead)
            VisitFactory(care_home=home, staff=lead, visited_on=TODAY - datetime.timedelta(days=2))
        made.append(home)
    return made


def card(html, label):
    """The text of one figure card, tags stripped."""
    start = html.index(f'data-figure="{label}"')
    chunk = html[start : html.index("</li>", start)]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", chunk)).split())


def card_link(html, label):
    start = html.index(f'data-figure="{label}"')
    chunk = html[start : html.index("</li>", start)]
    return unescape(re.search(r'href="([^"]+)"', chunk).group(1))


def test_each_figure_says_in_words_how_it_changed_since_last_week(client_for, slt_user):
    # Given last week's report was made with 4 led, visited homes
    north = PcnFactory(name="Chapeltown PCN", locality="Leeds North")
    homes(4, pcn=north)
    gap_report_generate(week=previous_week(TODAY), notify=False)
    # and since then 2 homes with no lead arrived, one in outbreak
    homes(1, pcn=north, led=False)
    homes(1, pcn=north, led=False, outbreak=True)

    # When an SLT member signs in and lands on their home page
    response = client_for(slt_user).get(reverse("home"), follow=True)
    html = response.content.decode()

    # Then every figure has its change beside it, in words
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    assert "Care homes Up 2 from last week" in card(html, "Care homes")
    assert "Down 33.3 percentage points from last week" in card(html, "With a named lead")
    assert "Up 1 from last week" in card(html, "In outbreak")
    assert "No change from last week" in card(html, "PCNs with homes and no committed hours")
    assert html.count("data-change=") == 8


def test_each_figure_links_to_the_list_behind_it(client_for, slt_user):
    north = PcnFactory(name="Chapeltown PCN", locality="Leeds North")
    led = homes(2, pcn=north)
    orphans = homes(3, pcn=north, led=False)
    homes(1, pcn=north, outbreak=True)
    client = client_for(slt_user)
    html = client.get(reverse("dashboard:index")).content.decode()

    assert "See the 3 homes with no named lead" in card(html, "With a named lead")
    no_lead = card_link(html, "With a named lead")
    assert no_lead == reverse("carehomes:list") + "?has_lead=no"
    listed = client.get(no_lead).content.decode()
    assert all(home.name in listed for home in orphans)
    assert not any(home.name in listed for home in led)

    assert (
        card_link(html, "Visited in the last 28 days") == reverse("dashboard:gaps") + "?rule=no_recent_visit"
    )
    assert "See the 3 homes not visited in 28 days" in card(html, "Visited in the last 28 days")
    outbreak = card_link(html, "In outbreak")
    assert outbreak == reverse("carehomes:list") + "?outbreak=yes"
    assert "1 care home" in client.get(outbreak).content.decode()
    assert card_link(html, "Gaps") == reverse("dashboard:gaps")
    assert (
        card_link(html, "Open requests for help (citywide)")
        == reverse("workstreams:request_list") + "?show=open"
    )


def test_filtered_figures_link_to_lists_filtered_the_same_way_and_show_no_citywide_change(
    client_for, slt_user
):
    north = PcnFactory(name="Chapeltown PCN", locality="Leeds North")
    homes(2, pcn=north, led=False)
    gap_report_generate(week=previous_week(TODAY), notify=False)
    html = client_for(slt_user).get(reverse("dashboard:index") + "?locality=Leeds+North").content.decode()

    assert (
        card_link(html, "With a named lead")
        == reverse("carehomes:list") + "?has_lead=no&locality=Leeds+North"
    )
    assert card_link(html, "Gaps") == reverse("dashboard:gaps") + "?locality=Leeds+North"
    assert "data-change=" not in html
    assert "change from last week is shown only for the whole city" in html


def test_change_words():
    assert change_phrase(12, 9) == "up 3"
    assert change_phrase(1000, 2200) == "down 1,200"
    assert change_phrase(66.7, 66.7) == "no change"
    assert change_phrase(50.0, 47.5, percent=True) == "up 2.5 percentage points"
    assert change_phrase(5, None) == ""


def test_week_on_week_table_is_newest_first_with_all_weeks_collapsed(client_for, slt_user):
    homes(1, pcn=PcnFactory(locality="Leeds North"))
    weeks = [week_of(TODAY - datetime.timedelta(days=7 * n)) for n in range(1, 8)]
    for week in reversed(weeks):
        gap_report_generate(week=week, notify=False)
    html = client_for(slt_user).get(reverse("dashboard:index")).content.decode()

    section = html[html.index("<h2>Week on week</h2>") :]
    recent, rest = section.split('data-testid="all-weeks"', 1)
    shown = [iso_week_label(w) for w in weeks[:4]]
    assert "The last 4 weeks, newest first" in recent
    assert [recent.index(label) for label in shown] == sorted(recent.index(label) for label in shown)
    assert iso_week_label(weeks[4]) not in recent  # older weeks are behind "Show all weeks"
    details = rest[: rest.index("</details>")]
    assert "Show all weeks" in details and "All 7 weeks, newest first" in details
    positions = [details.index(iso_week_label(w)) for w in weeks]
    assert positions == sorted(positions)
    assert not re.search(r'<details[^>]*data-testid="all-weeks"[^>]*\sopen', html)  # collapsed


def test_dashboard_tables_are_plain_markup_with_a_caption_and_scoped_headers(client_for, slt_user):
    homes(1, pcn=PcnFactory(locality="Leeds North"))
    for n in range(1, 4):
        gap_report_generate(week=week_of(TODAY - datetime.timedelta(days=7 * n)), notify=False)
    html = client_for(slt_user).get(reverse("dashboard:index")).content.decode()

    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) >= 5
    for table in tables:
        assert re.search(r"<caption[^>]*>[^<]+</caption>", table)
        headers = re.findall(r"<th\b[^>]*>", table)
        assert headers and all('scope="col"' in h or 'scope="row"' in h for h in headers)
        # One loop of markup: no per-cell component output (its indentation and line breaks).
        assert not re.search(r"<t[dh]\b[^>]*>\s*\n", table), table[:300]
    # and the dashboard's templates never call the table component
    templates = Path(settings.BASE_DIR, "templates", "dashboard")
    for name in ("index.jinja", "macros.jinja"):
        assert "components/tables/macro.jinja" not in (templates / name).read_text()


def test_gap_list_table_is_plain_responsive_markup_with_scoped_headers(client_for, pm_user):
    CareHomeFactory.create_batch(3)
    html = client_for(pm_user).get(reverse("dashboard:gaps")).content.decode()
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert "<caption" in table and "Current gaps, worst first" in table
    headers = re.findall(r"<th\b[^>]*>", table)
    assert len(headers) == 6 and all('scope="col"' in h for h in headers)
    rows = table.count('<tr class="nhsuk-table__row" role="row">') - 1
    assert rows == 6  # each home: no named lead, never visited
    assert table.count('<span class="nhsuk-table__heading" aria-hidden="true">Reason </span>') == rows
    assert not re.search(r"<t[dh]\b[^>]*>\s*\n", table)
    assert (
        "components/tables/macro.jinja"
        not in Path(settings.BASE_DIR, "templates/dashboard/gaps.jinja").read_text()
    )
