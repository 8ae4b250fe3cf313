"""The project manager keeps the pharmacy section of the Silver Command action plan."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from actionplan.models import Action, Rag
from organisations.access import PROJECT_MANAGER
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    ActionFactory,
    MeetingFactory,
    OrganisationFactory,
    SectionFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pm_changes_an_actions_rag_with_an_update_and_downloads_the_section_as_word(page):
    # Given the pharmacy section with an amber action, and the next Silver Command meeting
    # (an earlier transactional test may have flushed the role groups the migrations made)
    Group.objects.get_or_create(name=PROJECT_MANAGER)
    pm = user_with_role(PROJECT_MANAGER, username="journey-pm")
    section = SectionFactory()
    action = ActionFactory(
        section=section,
        number=3,
        description="End-of-life medicines in every nursing home",
        owner_organisation=OrganisationFactory(name="Leeds Community Healthcare"),
        rag=Rag.AMBER,
    )
    meeting = MeetingFactory(held_on=timezone.localdate() + datetime.timedelta(days=2))

    # When the project manager opens the plan and the action
    sign_in(page, pm.username, PASSWORD)
    page.goto("/action-plan/")
    expect(page.get_by_role("heading", name="Pharmacy support")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="PH-03").click()
    expect(page.get_by_role("heading", name="PH-03")).to_be_visible()
    assert_accessible(page)

    # ...and adds an update that turns it red
    page.get_by_role("button", name="Add an update").click()
    page.get_by_label("Update", exact=True).fill("Supplier delay: two homes without stock")
    page.get_by_label("New RAG status").select_option("red")
    page.get_by_role("button", name="Add update").click()

    # Then the action shows red, the update and the change in its history
    expect(page.get_by_text("Update added to PH-03.")).to_be_visible()
    expect(page.get_by_text("Supplier delay: two homes without stock")).to_be_visible()
    expect(page.get_by_text("RAG: Amber → Red")).to_be_visible()
    assert Action.objects.get(pk=action.pk).rag == Rag.RED
    assert_accessible(page)

    # When they download the pharmacy section for the next meeting, no format is chosen for them
    page.goto("/action-plan/export/")
    assert_accessible(page)
    page.get_by_role("button", name="Download").click()
    expect(page.get_by_role("alert")).to_contain_text("Select Word, PDF, Excel or CSV.")
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)

    # So they choose Word
    page.get_by_label("Word (.docx)").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value

    # Then the paper holds the action in red and the update since the last meeting
    assert download.suggested_filename == f"pharmacy-support-{meeting.held_on.isoformat()}.docx"
    with open(download.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    ph03 = next(r for r in rows if r[0] == "PH-03")
    assert ph03[1] == "End-of-life medicines in every nursing home"
    assert any(r[0] == "PH-03" and r[5] == "Red" for r in rows)
    assert any("Supplier delay: two homes without stock" in cell for r in rows for cell in r)
    assert re.search(r"\d+ \w+ \d{4}", "\n".join(p.text for p in document.paragraphs))
    assert not page.js_errors
