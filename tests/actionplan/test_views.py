import datetime
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplan.models import Action, ActionUpdate, Meeting, Rag
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    MeetingFactory,
    OrganisationFactory,
    SectionFactory,
    StaffMemberFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(db):
    """PH-01, amber, due in three weeks, with one update."""
    action = ActionFactory(section=SectionFactory(), number=1, description="Stock end-of-life medicines")
    ActionUpdateFactory(action=action, text="Two homes still to stock")
    return action


def _pages(action):
    return [
        "/action-plan/",
        f"/action-plan/actions/{action.pk}/",
        "/action-plan/meetings/",
        "/action-plan/export/",
        "/action-plan/export/?format=docx",
    ]


@pytest.mark.parametrize("fixture", ["slt_user", "pm_user"])
def test_leadership_see_the_plan_and_its_exports(request, client_for, fixture, action):
    client = client_for(request.getfixturevalue(fixture))
    for path in _pages(action):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("fixture", ["pharmacist_user", "orglead_user", "no_role_user"])
def test_others_are_refused_every_action_plan_page(request, client_for, fixture, action):
    client = client_for(request.getfixturevalue(fixture))
    paths = [
        *_pages(action),
        "/action-plan/actions/new/",
        f"/action-plan/actions/{action.pk}/edit/",
        f"/action-plan/actions/{action.pk}/updates/new/",
        "/action-plan/sections/new/",
    ]
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/action-plan/actions/{action.pk}/close/").status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, action):
    response = client.get("/action-plan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_slt_may_not_create_edit_or_close(client_for, slt_user, action):
    client = client_for(slt_user)
    assert client.get("/action-plan/actions/new/").status_code == 403
    assert client.get(f"/action-plan/actions/{action.pk}/edit/").status_code == 403
    assert client.post(f"/action-plan/actions/{action.pk}/close/").status_code == 403
    assert client.post("/action-plan/meetings/", {"held_on": "2026-12-03"}).status_code == 403
    action.refresh_from_db()
    assert action.is_open


def test_slt_adds_updates_only_to_their_organisations_actions(client_for, slt_user, action):
    own = ActionFactory(
        section=action.section, number=2, owner_organisation=slt_user.staff_member.organisation
    )
    client = client_for(slt_user)
    today = timezone.localdate().isoformat()

    refused = client.post(
        f"/action-plan/actions/{action.pk}/updates/new/", {"written_on": today, "text": "x"}
    )
    added = client.post(
        f"/action-plan/actions/{own.pk}/updates/new/", {"written_on": today, "text": "Done", "rag": "green"}
    )

    assert refused.status_code == 403
    assert added.status_code == 302
    own.refresh_from_db()
    assert own.rag == Rag.GREEN
    assert "Add an update" in client.get(f"/action-plan/actions/{own.pk}/").content.decode()
    assert "Add an update" not in client.get(f"/action-plan/actions/{action.pk}/").content.decode()


def test_pm_creates_an_action(client_for, pm_user):
    section = SectionFactory()
    organisation = OrganisationFactory()
    owner = StaffMemberFactory(organisation=organisation)
    workstream = WorkstreamFactory()

    response = client_for(pm_user).post(
        "/action-plan/actions/new/",
        {
            "section": section.pk,
            "description": "Train care-home staff on covert administration",
            "owner_organisation": organisation.pk,
            "owner": owner.pk,
            "due_on": "2026-12-31",
            "rag": "amber",
            "workstream": workstream.pk,
        },
    )

    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/action-plan/actions/{action.pk}/"
    assert (action.reference, action.owner, action.workstream) == ("PH-01", owner, workstream)


def test_create_form_shows_errors_next_to_fields(client_for, pm_user):
    SectionFactory()
    response = client_for(pm_user).post("/action-plan/actions/new/", {"description": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert not Action.objects.exists()


def _edit_data(action, **overrides):
    data = {
        "description": action.description,
        "owner_organisation": action.owner_organisation_id,
        "owner": action.owner_id or "",
        "due_on": action.due_on.isoformat(),
        "rag": action.rag,
        "workstream": action.workstream_id or "",
        "version": action.version,
    }
    return data | overrides


def test_pm_edits_an_action(client_for, pm_user, action):
    response = client_for(pm_user).post(
        f"/action-plan/actions/{action.pk}/edit/", _edit_data(action, rag="red", due_on="2027-01-15")
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.rag, action.due_on, action.version) == ("red", datetime.date(2027, 1, 15), 2)


def test_second_save_of_one_action_is_refused_keeping_what_was_typed(client_for, pm_user, action):
    client = client_for(pm_user)
    started_with = _edit_data(action)
    client.post(f"/action-plan/actions/{action.pk}/edit/", started_with | {"rag": "red"})

    response = client.post(
        f"/action-plan/actions/{action.pk}/edit/", started_with | {"description": "My careful rewording"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "while you were editing" in html
    assert "RAG: Amber → Red" in html
    assert "My careful rewording" in html
    assert 'name="version" id="id_version" value="2"' in html
    action.refresh_from_db()
    assert (action.description, action.rag) == ("Stock end-of-life medicines", "red")

    # Having seen the change, a second save at the new version goes ahead.
    again = client.post(
        f"/action-plan/actions/{action.pk}/edit/",
        started_with | {"description": "My careful rewording", "rag": "red", "version": 2},
    )
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.description == "My careful rewording"


def test_detail_shows_fields_updates_and_history(client_for, pm_user, action):
    client = client_for(pm_user)
    client.post(f"/action-plan/actions/{action.pk}/edit/", _edit_data(action, rag="red"))
    client.post(f"/action-plan/actions/{action.pk}/close/", {"version": 2})

    html = client.get(f"/action-plan/actions/{action.pk}/").content.decode()

    assert "PH-01" in html
    assert "Two homes still to stock" in html
    assert "RAG: Amber → Red" in html
    assert "Status: open → closed" in html
    assert escape(pm_user.get_full_name()) in html
    assert "Reopen action" in html


def test_close_with_a_stale_version_is_refused(client_for, pm_user, action):
    client = client_for(pm_user)
    client.post(f"/action-plan/actions/{action.pk}/edit/", _edit_data(action, rag="red"))

    response = client.post(f"/action-plan/actions/{action.pk}/close/", {"version": 1}, follow=True)

    assert "while you were editing" in response.content.decode()
    action.refresh_from_db()
    assert action.is_open


def test_pm_adds_an_update_with_a_new_rag(client_for, pm_user, action):
    response = client_for(pm_user).post(
        f"/action-plan/actions/{action.pk}/updates/new/",
        {"written_on": timezone.localdate().isoformat(), "text": "Supplier delay", "rag": "red"},
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rag == "red"
    assert ActionUpdate.objects.filter(action=action, text="Supplier delay", author=pm_user).exists()


def test_list_groups_by_section_and_marks_overdue(client_for, pm_user, action):
    late = ActionFactory(
        section=action.section, number=2, due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    other = ActionFactory(section=SectionFactory(code="IC", name="Infection control"), number=1)

    html = client_for(pm_user).get("/action-plan/").content.decode()

    assert "Pharmacy support" in html and "Infection control" in html
    assert late.reference in html and other.reference in html
    assert "Overdue" in html
    assert "Two homes still to stock" in html  # the latest update


def test_list_filters(client_for, pm_user, action):
    late = ActionFactory(
        section=action.section,
        number=2,
        rag=Rag.RED,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        description="Late action",
    )
    closed = ActionFactory(
        section=action.section,
        number=3,
        is_open=False,
        closed_on=timezone.localdate(),
        description="Done action",
    )
    client = client_for(pm_user)

    overdue = client.get("/action-plan/?overdue=on").content.decode()
    red = client.get("/action-plan/?rag=red").content.decode()
    by_org = client.get(f"/action-plan/?organisation={closed.owner_organisation_id}").content.decode()
    nonsense = client.get("/action-plan/?section=999999&rag=purple")

    assert "Late action" in overdue and "Stock end-of-life" not in overdue
    assert "Late action" in red and "Done action" not in red
    assert "Done action" in by_org and "Late action" not in by_org
    assert late.reference in nonsense.content.decode()
    assert nonsense.status_code == 200


def test_list_htmx_request_returns_just_the_results(client_for, pm_user, action):
    response = client_for(pm_user).get("/action-plan/?rag=amber", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "PH-01" in html


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/action-plan/").status_code == 200
    return len(queries)


def test_list_runs_the_same_number_of_queries_at_two_sizes(client_for, pm_user):
    client = client_for(pm_user)
    section = SectionFactory()

    def add(n, start):
        for i in range(start, start + n):
            owner = StaffMemberFactory()
            action = ActionFactory(
                section=section,
                number=i,
                owner=owner,
                owner_organisation=owner.organisation,
                workstream=WorkstreamFactory(),
            )
            ActionUpdateFactory(action=action)

    add(3, 1)
    small = _list_queries(client)
    add(27, 4)
    large = _list_queries(client)

    assert small == large


def test_pm_records_a_meeting(client_for, pm_user):
    response = client_for(pm_user).post(
        "/action-plan/meetings/", {"held_on": "2026-11-26", "title": "Silver Command care-home meeting"}
    )

    assert response.status_code == 302
    assert Meeting.objects.get().held_on == datetime.date(2026, 11, 26)


def test_export_downloads_with_a_file_name(client_for, pm_user, action):
    meeting = MeetingFactory(held_on=datetime.date(2026, 11, 26))

    response = client_for(pm_user).get(f"/action-plan/export/?section=PH&meeting={meeting.pk}&format=xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pharmacy-support-2026-11-26.xlsx"'


def test_export_defaults_to_the_pharmacy_section_and_the_next_meeting(client_for, pm_user, action):
    SectionFactory(code="AA", name="Another section", position=0, plan=action.section.plan)
    today = timezone.localdate()
    MeetingFactory(held_on=today - datetime.timedelta(days=7))
    upcoming = MeetingFactory(held_on=today + datetime.timedelta(days=2))
    MeetingFactory(held_on=today + datetime.timedelta(days=9))

    response = client_for(pm_user).get("/action-plan/export/?format=csv")

    assert (
        response["Content-Disposition"] == f'attachment; filename="pharmacy-support-{upcoming.held_on}.csv"'
    )


@pytest.mark.parametrize(
    "query",
    [
        "section=ZZ&format=docx",
        "section=99999&format=docx",
        "meeting=99999&format=pdf",
        "meeting=not-a-date&format=pdf",
        "meeting=2001-01-01",
        "format=exe",
    ],
)
def test_export_bad_values_get_a_clear_400(client_for, pm_user, action, query):
    response = client_for(pm_user).get(f"/action-plan/export/?{query}")

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_export_with_no_sections_says_so_without_failing(client_for, pm_user):
    client = client_for(pm_user)

    page = client.get("/action-plan/export/")
    download = client.get("/action-plan/export/?format=docx")

    assert page.status_code == 200
    assert "no sections" in page.content.decode()
    assert download.status_code == 400
