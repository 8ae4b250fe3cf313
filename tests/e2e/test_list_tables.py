"""The care-home, staff and action plan lists in a browser: axe-clean at desktop and phone widths,
and still a table to a screen reader on a phone, where the responsive table lays each row out as a
card (Chromium's accessibility tree, through Playwright's aria_snapshot)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplan.models import Rag
from config.dates import uk_date
from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import PHONE_VIEWPORT, assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    SectionFactory,
    StaffMemberFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTS = {
    "/care-homes/": (
        "Care homes, their named lead, last visit and gaps",
        ["Care home", "Named lead", "Last visit", "Gaps"],
        '- cell "Asha Patel"',
        'cell "Named lead Asha Patel"',
    ),
    "/staff/": (
        "Staff and their hours a week for care homes",
        ["Name", "Organisation", "Available", "Assigned", "Spare"],
        '- cell "Asha Patel Pharmacist · 1 home"',
        'cell "Name Asha Patel',
    ),
    "/action-plan/": (
        "Actions in Pharmacy support",
        ["Ref", "Action", "Owner", "Due", "RAG", "Status", "Workstream", "Latest update"],
        '- cell "{overdue} Overdue"',
        'cell "Ref PH-01"',
    ),
}


def test_the_lists_read_as_tables_on_a_phone_and_pass_axe(page):
    home = CareHomeFactory(
        name="Larch Court", outbreak_status="confirmed", outbreak_started_on=timezone.localdate()
    )
    AssignmentFactory(care_home=home, staff=StaffMemberFactory(name="Asha Patel"), role="lead")
    CareHomeFactory(name="Rowan House")
    section = SectionFactory(name="Pharmacy support", code="PH")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ActionFactory(section=section, rag=Rag.RED, due_on=yesterday)
    user_with_role(PROJECT_MANAGER, username="the-pm")
    sign_in(page, "the-pm", PASSWORD)

    for width in (None, PHONE_VIEWPORT):
        if width:
            page.set_viewport_size(width)
        for url, (caption, columns, cell, card_label) in LISTS.items():
            page.goto(url)
            table = page.get_by_role("table", name=caption)
            expect(table).to_be_visible()
            snapshot = table.aria_snapshot()
            # A screen reader is told the columns, then each row's cells: the card layout's
            # visible labels ("Named lead ") are hidden from it, so nothing is read twice
            headers = [line.strip() for line in snapshot.splitlines() if "- columnheader " in line]
            assert headers == [f'- columnheader "{c}"' for c in columns], snapshot
            assert cell.format(overdue=uk_date(yesterday)) in snapshot, snapshot
            assert card_label not in snapshot, snapshot
            assert_accessible(page)
    assert not page.js_errors
