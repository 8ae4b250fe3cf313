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
from config.dates import uk_date, uk_datetime
from discharge.models import DischargeFollowUp
from discharge.states import State
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    DischargeFollowUpFactory,
    SectionFactory,
    StaffMemberFactory,
    SupportRequestFactory,
)
from workstreams.models import SupportRequest

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


def _requests():
    urgencies = list(SupportRequest.Urgency)
    for n in range(ROWS):
        request = SupportRequestFactory(
            title=f"Need {n:02d}", urgency=urgencies[n % len(urgencies)], skills="" if n % 2 else "SMRs"
        )
        if n % 3 == 0:
            request.care_homes.set([CareHomeFactory(name=f"Home {n:02d}")])
    return "/help-requests/"


def _discharges():
    now = timezone.now()
    for n in range(ROWS):
        DischargeFollowUpFactory(
            reference=f"PO-{n:04d}",
            care_home=CareHomeFactory(name=f"Home {n:02d}"),
            received_at=now - datetime.timedelta(minutes=n),
            state=State.ON_HOLD if n % 4 == 0 else State.ACKNOWLEDGED,
        )
    return "/discharges/"


PAGES = {
    "care homes": (_care_homes, 4),
    "staff": (_staff, 5),
    "action plan": (_actions, 8),
    "requests for help": (_requests, 6),
    "discharges": (_discharges, 4),
}


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


# What a reader sees in each row of the request and discharge lists (cell headings left out), the
# same as before the tables were written in one loop; their tags are the tag component's own markup
# (the component cache keeps one rendering of each).
def _rows(html):
    rows = []
    for row in _table(html).xpath("./tbody/tr"):
        cells = []
        for td in row.xpath("./td"):
            for heading in td.xpath(".//span[@aria-hidden='true']"):
                heading.drop_tree()
            for br in td.xpath(".//br"):
                br.tail = " " + (br.tail or "")
            cells.append(" ".join(td.text_content().split()))
        rows.append(cells)
    return rows


def test_the_request_list_shows_each_request_as_before(client_for, pm_user):
    html = client_for(pm_user).get(_requests()).content.decode()
    rows = _rows(html)
    assert len(rows) == ROWS
    shown = {cells[0].split(" ")[1]: cells for cells in rows}
    needed_by = uk_date(SupportRequest.objects.first().needed_by)
    for n in range(ROWS):
        request = SupportRequest.objects.get(title=f"Need {n:02d}")
        where = f"Home {n:02d}" if n % 3 == 0 else request.locality
        assert shown[f"{n:02d}"] == [
            f"Need {n:02d}" + ("" if n % 2 else " SMRs"),
            request.organisation.name,
            where,
            "6",
            f"{needed_by} {request.get_urgency_display()}",
            "Open",
        ]
    tags = lxml.html.fromstring(html).xpath("//tbody//strong[contains(@class, 'nhsuk-tag')]")
    assert len(tags) == 2 * ROWS
    for tag in tags:
        assert lxml.html.tostring(tag, encoding="unicode").startswith(
            f'<strong class="{tag.get("class")}">\n'
        )


def test_the_discharge_list_shows_each_follow_up_as_before(client_for, pm_user):
    html = client_for(pm_user).get(_discharges()).content.decode()
    rows = _rows(html)
    assert len(rows) == ROWS
    by_reference = {cells[0].split(" ")[0]: cells for cells in rows}
    for follow_up in DischargeFollowUp.objects.select_related("trust", "pharmacy", "care_home", "pcn"):
        assert by_reference[follow_up.reference] == [
            f"{follow_up.reference} {follow_up.trust.name} → {follow_up.pharmacy.name}",
            f"{follow_up.care_home.name} {follow_up.pcn.name}",
            uk_datetime(follow_up.received_at),
            follow_up.get_state_display(),
        ]
