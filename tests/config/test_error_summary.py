"""The error summary: each link goes to its field, and says what the message by the field says."""

import lxml.html
import pytest
from django.urls import reverse

from tests.factories import CareHomeFactory

pytestmark = pytest.mark.django_db


def _summary_links(html):
    tree = lxml.html.fromstring(html)
    links = tree.xpath("//*[contains(@class, 'nhsuk-error-summary__list')]//a")
    return tree, [(a.get("href"), a.text_content().strip()) for a in links]


def test_every_error_summary_link_goes_to_its_field_with_the_same_words(client_for, pm_user):
    # Given a project manager who submits the "Assign someone" form empty (a select and radios)
    home = CareHomeFactory()
    client = client_for(pm_user)

    # When the page comes back with errors
    response = client.post(reverse("carehomes:assignment_add", args=[home.pk]), {})

    # Then every summary link points at an element on the page, never at "#"
    tree, links = _summary_links(response.content.decode())
    assert len(links) >= 3
    for href, text in links:
        assert href != "#" and href.startswith("#"), f"{text} links to {href!r}"
        target = tree.get_element_by_id(href[1:], None)
        assert target is not None, f"{text} links to {href}, which is not on the page"
        # And the message by the field is the same as the summary's
        # (a date's day box sits in its own group inside the date's: the nearest group with a message)
        messages = (
            group.xpath(".//*[contains(@class, 'nhsuk-error-message')]")
            for group in target.iterancestors()
            if "nhsuk-form-group" in (group.get("class") or "")
        )
        by_field = next(found for found in messages if found)[0].text_content()
        assert text in by_field
    assert ("#id_role", "Select named lead or support.") in links
    assert "This field is required." not in response.content.decode()
