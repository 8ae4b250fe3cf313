"""The care-home list, staff list and action plan tables are written as plain NHS.UK responsive
table markup in one loop (issue 14, as the dashboard, weekly report, gap list and visit list are):
a caption, scoped column headers, the table roles the responsive table keeps for screen readers
when a phone lays each row out as a card, each cell's heading for that card, and tags written as
the tag component's markup rather than the component's macro called for every cell."""

import datetime
import re

import lxml.html
import pytest
from django.utils import timezone

from actionplan.models import Rag
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    SectionFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 25
# The NHS.UK tag macro writes `<strong class="…">\n  text\n</strong>`; the loops write it on one line.
TAG = re.compile(r'<strong class="nhsuk-tag nhsuk-tag--(red|orange|green|grey|yellow)[^"]*">[^<\n]+</strong>')


def _care_homes():
    for n in range(ROWS):
        home = CareHomeFactory(
            name=f"Home {n:02d}",
            outbreak_status="confirmed" if n % 5 == 0 else "none",
            outbreak_started_on=timezone.localdate() if n % 5 == 0 else None,
        )
        if n % 2:
            AssignmentFactory(care_home=home, role="lead")
    return "/care-homes/"


def _staff():
    for n in range(ROWS):
        StaffMemberFactory(name=f"Person {n:02d}")
    return "/staff/"


def _actions():
    section = SectionFactory()
    today = timezone.localdate()
    for n in range(ROWS):
        due_on = today - datetime.timedelta(days=1) if n % 4 == 0 else today + datetime.timedelta(days=30)
        ActionFactory(section=section, rag=[Rag.RED, Rag.AMBER, Rag.GREEN][n % 3], due_on=due_on)
    return "/action-plan/"


PAGES = {"care homes": (_care_homes, 4), "staff": (_staff, 5), "action plan": (_actions, 8)}


def _table(html):
    tables = lxml.html.fromstring(html).xpath("//table")
    assert len(tables) == 1
    return tables[0]


@pytest.mark.parametrize("page", PAGES)
def test_the_list_is_a_responsive_table_a_screen_reader_can_read(client_for, pm_user, page):
    make, columns = PAGES[page]
    html = client_for(pm_user).get(make()).content.decode()
    table = _table(html)

    assert table.get("class") == "nhsuk-table nhsuk-table--responsive"
    assert table.get("role") == "table"
    assert table.xpath("./caption")[0].text_content().strip()
    headers = table.xpath("./thead/tr/th")
    assert [(th.get("scope"), th.get("role")) for th in headers] == [("col", "columnheader")] * columns
    assert table.xpath("./thead")[0].get("role") == "rowgroup"
    rows = table.xpath("./tbody/tr")
    assert len(rows) == ROWS
    for row in rows:
        assert row.get("role") == "row"
        cells = row.xpath("./td")
        assert [td.get("role") for td in cells] == ["cell"] * columns
        # Each cell names its column for the phone's card layout, hidden from screen readers
        # (which have the column header through the table roles)
        names = [td.xpath("./span[@class='nhsuk-table__heading']")[0] for td in cells]
        assert [n.text_content().strip() for n in names] == [h.text_content().strip() for h in headers]
        assert all(n.get("aria-hidden") == "true" for n in names)


@pytest.mark.parametrize("page", ["care homes", "action plan"])
def test_tags_in_the_list_are_written_in_the_loop_not_by_the_tag_macro(client_for, pm_user, page):
    make, _ = PAGES[page]
    html = client_for(pm_user).get(make()).content.decode()
    body = lxml.html.tostring(_table(html).xpath("./tbody")[0], encoding="unicode")
    tags = lxml.html.fromstring(body).xpath("//strong[contains(@class, 'nhsuk-tag')]")
    assert len(tags) >= ROWS
    assert len(TAG.findall(body)) == len(tags)
