"""Every RAG label on the weekly report page, the dashboard and the action plan, as the browser
draws it: its text and background colours (computed styles) have at least 4.5:1 contrast."""

import pytest
from playwright.sync_api import expect

from actionplan.gap_report_services import gap_report_generate
from actionplan.models import Rag
from organisations.access import SLT
from tests.contrast import contrast, css_rgb
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, ActionFactory, CareHomeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WEEK = "2026-W40"


def rag_labels(page):
    """(text, colour, background) of each RAG tag on the page; a tag's own background, or the
    nearest painted one behind it."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="rag-table"] .nhsuk-tag, .hub-rag .nhsuk-tag')]
            .map(el => {
              let bg = el, colour = getComputedStyle(el).backgroundColor;
              while (bg && (colour === 'rgba(0, 0, 0, 0)' || colour === 'transparent')) {
                bg = bg.parentElement; colour = bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)';
              }
              return [el.textContent.trim(), getComputedStyle(el).color, colour];
            })"""
    )


def assert_readable(labels, where):
    assert {text for text, _, _ in labels} >= {"Red", "Amber", "Green"}, f"{where}: {labels}"
    for text, colour, background in labels:
        ratio = contrast(css_rgb(colour), css_rgb(background))
        assert ratio >= 4.5, f"{where}: {text} is {colour} on {background}, {ratio:.2f}:1"


def test_rag_labels_on_pages_have_4_5_to_1_contrast(page):
    CareHomeFactory(name="Orphan House")
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN):
        ActionFactory(rag=rag)
    gap_report_generate(week=WEEK, notify=False)
    sign_in(page, user_with_role(SLT, username="rag-slt").username, PASSWORD)

    expect(page.get_by_role("table", name="Action plan RAG (open actions, citywide)")).to_be_visible()
    assert_readable(rag_labels(page), "dashboard")

    page.goto(f"/reports/{WEEK}/")
    expect(page.get_by_role("table", name="Action plan RAG (open actions)")).to_be_visible()
    expect(page.get_by_role("link", name="Download Excel workbook")).to_be_visible()
    assert_readable(rag_labels(page), "weekly report")
    assert_accessible(page)

    page.goto("/action-plan/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_readable(rag_labels(page), "action plan")
