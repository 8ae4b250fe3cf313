"""No radio is chosen for the user where they must choose (issue 14, NHS.UK radios guidance): an
assignment's role, a request's urgency, a role on a team and an export's format start with none
chosen, and sending without one says "Select …" in the error summary and by the radios."""

import lxml.html
import pytest
from django.utils import timezone

from organisations.access import ORGANISATION_LEAD
from organisations.models import Team
from tests.factories import (
    CareHomeFactory,
    MeetingFactory,
    PcnFactory,
    SectionFactory,
    StaffMemberFactory,
    TeamFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def radios(html, name):
    """{value: checked?} of the radios called `name`."""
    tree = lxml.html.fromstring(html)
    found = tree.xpath(f"//input[@type='radio'][@name='{name}']")
    assert found, f"no radios called {name}"
    return {r.get("value"): r.get("checked") is not None for r in found}


def errors(html):
    """The error summary's words, each with the words by the field its link goes to."""
    tree = lxml.html.fromstring(html)
    shown = []
    for link in tree.xpath("//*[contains(@class, 'nhsuk-error-summary__list')]//a"):
        target = tree.get_element_by_id(link.get("href")[1:])
        group = next(g for g in target.iterancestors() if "nhsuk-form-group" in (g.get("class") or ""))
        by_field = group.xpath(".//*[contains(@class, 'nhsuk-error-message')]")[0].text_content()
        shown.append((link.get("href"), link.text_content().strip(), " ".join(by_field.split())))
    title = tree.findtext(".//title")
    return title, shown


def test_assigning_from_a_home_asks_lead_or_support(client_for, pm_user):
    home = CareHomeFactory()
    client = client_for(pm_user)
    assert radios(client.get(f"/care-homes/{home.pk}/").content.decode(), "role") == {
        "lead": False,
        "support": False,
    }
    today = timezone.localdate()
    response = client.post(
        f"/care-homes/{home.pk}/assignments/",
        {
            "staff": StaffMemberFactory().pk,
            "hours_per_week": "2",
            "starts_on[day]": today.day,
            "starts_on[month]": today.month,
            "starts_on[year]": today.year,
        },
    )
    title, shown = errors(response.content.decode())
    assert title.startswith("Error: ")
    assert shown == [("#id_role", "Select named lead or support.", "Error: Select named lead or support.")]
    assert not home.assignments.exists()


def test_assigning_from_a_persons_page_asks_lead_or_support(client_for, pm_user):
    person = StaffMemberFactory()
    html = client_for(pm_user).get(f"/staff/{person.pk}/").content.decode()
    assert radios(html, "role") == {"lead": False, "support": False}


def test_a_request_for_help_asks_how_urgent(client_for):
    pcn = PcnFactory()
    home = CareHomeFactory(pcn=pcn)
    client = client_for(user_with_role(ORGANISATION_LEAD, organisation=pcn))
    assert not any(radios(client.get("/help-requests/new/").content.decode(), "urgency").values())
    needed_by = timezone.localdate()
    response = client.post(
        "/help-requests/new/",
        {
            "title": "Cover for SMRs",
            "hours_per_week": "3",
            "care_homes": [home.pk],
            "needed_by[day]": needed_by.day,
            "needed_by[month]": needed_by.month,
            "needed_by[year]": needed_by.year + 1,
        },
    )
    _title, shown = errors(response.content.decode())
    assert [(text, by_field) for _href, text, by_field in shown] == [
        ("Select how urgent it is.", "Error: Select how urgent it is.")
    ]


def test_adding_someone_to_a_team_asks_their_role(client_for, pm_user):
    team = TeamFactory(kind=Team.Kind.OPERATIONAL, name="Operational team")
    client = client_for(pm_user)
    assert not any(radios(client.get(f"/teams/{team.pk}/").content.decode(), "role").values())
    response = client.post(f"/teams/{team.pk}/members/", {"staff": StaffMemberFactory().pk})
    _title, shown = errors(response.content.decode())
    assert [(text, by_field) for _href, text, by_field in shown] == [
        ("Select their role on the team.", "Error: Select their role on the team.")
    ]
    assert not team.memberships.exists()


def test_exporting_a_section_asks_the_format(client_for, pm_user):
    section = SectionFactory()
    meeting = MeetingFactory()
    client = client_for(pm_user)
    page = client.get("/action-plan/export/")
    assert not any(radios(page.content.decode(), "format").values())

    # Pressing Download without a format: the page again, asking for one
    response = client.get(f"/action-plan/export/?section={section.pk}&meeting={meeting.pk}&download=yes")
    assert response.status_code == 400
    title, shown = errors(response.content.decode())
    assert title.startswith("Error: ")
    assert shown == [
        ("#id_format", "Select Word, PDF, Excel or CSV.", "Error: Select Word, PDF, Excel or CSV.")
    ]

    # A link that names the format still downloads at once
    download = client.get("/action-plan/export/?format=docx")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
