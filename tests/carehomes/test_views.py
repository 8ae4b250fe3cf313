"""Care-home and staff pages: access, filters, htmx assignment, and queries that do not grow with data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehomes.models import Assignment
from tests.conftest import FROZEN_TODAY
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    SpecialismFactory,
    StaffMemberFactory,
    VisitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


TODAY = FROZEN_TODAY


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def make_homes(count):
    dementia = SpecialismFactory()
    for i in range(count):
        home = CareHomeFactory()
        home.specialisms.add(dementia)
        if i % 2:
            AssignmentFactory(care_home=home)
            VisitFactory(care_home=home)


def test_carehome_list_queries_do_not_grow_with_rows(client_for, pm_user):
    client = client_for(pm_user)
    make_homes(3)
    small = queries(client, "/care-homes/")
    make_homes(22)
    assert queries(client, "/care-homes/") == small


def test_carehome_detail_queries_do_not_grow_with_assignments_visits_and_history(client_for, pm_user):
    client = client_for(pm_user)
    home = CareHomeFactory()
    AssignmentFactory(care_home=home)
    for _ in range(2):
        AssignmentFactory(care_home=home, role="support")
        VisitFactory(care_home=home)
    small = queries(client, f"/care-homes/{home.pk}/")
    for _ in range(22):
        a = AssignmentFactory(care_home=home, role="support")
        a.hours_per_week = Decimal("1")
        a.save()
        VisitFactory(care_home=home)
    assert queries(client, f"/care-homes/{home.pk}/") == small


def test_carehome_detail_without_lead_queries_do_not_grow_with_candidates(client_for, pm_user):
    client = client_for(pm_user)
    home = CareHomeFactory()
    StaffMemberFactory.create_batch(3)
    small = queries(client, f"/care-homes/{home.pk}/")
    StaffMemberFactory.create_batch(22)
    assert queries(client, f"/care-homes/{home.pk}/") == small


def test_staff_list_queries_do_not_grow_with_rows(client_for, slt_user):
    client = client_for(slt_user)
    for _ in range(3):
        AssignmentFactory()
    small = queries(client, "/staff/")
    for _ in range(22):
        AssignmentFactory()
    assert queries(client, "/staff/") == small


def test_staff_detail_queries_do_not_grow(client_for, pm_user):
    client = client_for(pm_user)
    member = StaffMemberFactory(hours_per_week=Decimal("80"))
    for _ in range(3):
        AssignmentFactory(staff=member, role="support")
        VisitFactory(staff=member)
    small = queries(client, f"/staff/{member.pk}/")
    for _ in range(22):
        AssignmentFactory(staff=member, role="support")
        VisitFactory(staff=member)
    assert queries(client, f"/staff/{member.pk}/") == small


def test_carehome_list_filters_and_search(client_for, pm_user):
    client = client_for(pm_user)
    led = CareHomeFactory(name="Oak Lodge", postcode="LS6 2AB", locality="Leeds West")
    AssignmentFactory(care_home=led)
    VisitFactory(care_home=led)
    CareHomeFactory(name="Birch House", locality="Leeds East")
    html = client.get("/care-homes/?q=ls62ab").content.decode()
    assert "Oak Lodge" in html and "Birch House" not in html
    html = client.get(f"/care-homes/?q={led.cqc_location_id}").content.decode()
    assert "Oak Lodge" in html and "Birch House" not in html
    html = client.get("/care-homes/?has_lead=no").content.decode()
    assert "Birch House" in html and "Oak Lodge" not in html
    html = client.get("/care-homes/?has_gap=no").content.decode()
    assert "Oak Lodge" in html and "Birch House" not in html
    html = client.get("/care-homes/?locality=Leeds+East").content.decode()
    assert "Birch House" in html and "Oak Lodge" not in html


def test_carehome_list_paginates(client_for, pm_user, settings):
    settings.HUB = {**settings.HUB, "PAGE_SIZE": 2}
    for i in range(5):
        CareHomeFactory(name=f"Home {i}")
    html = client_for(pm_user).get("/care-homes/?page=2").content.decode()
    assert "Home 2" in html and "Home 0" not in html
    assert "nhsuk-pagination" in html


def test_pharmacist_sees_only_their_own_homes(client_for, pharmacist_user):
    mine = CareHomeFactory(name="Mine Care Home")
    other = CareHomeFactory(name="Other Care Home")
    AssignmentFactory(care_home=mine, staff=pharmacist_user.staff_member)
    client = client_for(pharmacist_user)
    html = client.get("/care-homes/").content.decode()
    assert "Mine Care Home" in html and "Other Care Home" not in html
    assert client.get(f"/care-homes/{mine.pk}/").status_code == 200
    assert client.get(f"/care-homes/{other.pk}/").status_code == 403


@pytest.mark.parametrize("fixture", ["pharmacist_user", "orglead_user"])
def test_staff_pages_are_for_slt_and_pm(request, client_for, fixture):
    client = client_for(request.getfixturevalue(fixture))
    member = StaffMemberFactory()
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/{member.pk}/").status_code == 403


def test_slt_reads_but_may_not_assign(client_for, slt_user):
    home = CareHomeFactory()
    client = client_for(slt_user)
    html = client.get(f"/care-homes/{home.pk}/").content.decode()
    assert "Assign someone" not in html
    response = client.post(
        f"/care-homes/{home.pk}/assignments/",
        {
            "staff": StaffMemberFactory().pk,
            "role": "lead",
            "hours_per_week": "2",
            "starts_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 403


def test_staff_list_shows_capacity_and_filters_by_spare_hours(client_for, pm_user):
    full = StaffMemberFactory(name="Full Person", hours_per_week=Decimal("3"))
    AssignmentFactory(staff=full, hours_per_week=Decimal("3"))
    StaffMemberFactory(name="Free Person", hours_per_week=Decimal("6"))
    client = client_for(pm_user)
    html = client.get("/staff/?has_spare=yes").content.decode()
    assert "Free Person" in html and "Full Person" not in html
    html = client.get("/staff/?has_spare=no").content.decode()
    assert "Full Person" in html and "Free Person" not in html


def test_htmx_assign_returns_the_block_and_saves(client_for, pm_user):
    home = CareHomeFactory()
    person = StaffMemberFactory(name="Asha Patel")
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {"staff": person.pk, "role": "lead", "hours_per_week": "2", "starts_on": TODAY.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="assignments">')
    assert "Asha Patel is now the named lead" in html
    assert "No named lead" not in html
    assert home.assignments.get().staff == person


def test_htmx_assign_over_capacity_shows_the_message_by_the_field_and_saves_nothing(client_for, pm_user):
    home = CareHomeFactory()
    person = StaffMemberFactory(name="Asha Patel", hours_per_week=Decimal("2.5"))
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {"staff": person.pk, "role": "support", "hours_per_week": "4", "starts_on": TODAY.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Asha Patel has only 2.5 hours a week spare; enter 2.5 or fewer." in html
    assert "nhsuk-error-message" in html
    assert not Assignment.objects.exists()


def test_assign_without_javascript_redirects_back(client_for, pm_user):
    home = CareHomeFactory()
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {
            "staff": StaffMemberFactory().pk,
            "role": "support",
            "hours_per_week": "2",
            "starts_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/care-homes/{home.pk}/")


def test_assign_from_staff_page_by_cqc_id(client_for, pm_user):
    home = CareHomeFactory()
    member = StaffMemberFactory()
    response = client_for(pm_user).post(
        f"/staff/{member.pk}/assignments/",
        {
            "care_home": home.cqc_location_id,
            "role": "support",
            "hours_per_week": "2",
            "starts_on": TODAY.isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert home.assignments.get().staff == member
    assert home.name in response.content.decode()


def test_ending_an_assignment_asks_first_and_the_end_date_is_chosen_there(client_for, pm_user):
    # Given a home with a support assignment, whose page has no one-click "End assignment" button
    home = CareHomeFactory(name="Gledhow Lodge")
    support = AssignmentFactory(care_home=home, role="support", staff__name="Asha Patel")
    client = client_for(pm_user)
    page = client.get(f"/care-homes/{home.pk}/").content.decode()
    assert "End assignment" not in page
    assert f"/assignments/{support.pk}/end/?from=home" in page

    # When the PM follows "End", the confirmation says what will happen and changes nothing yet
    confirm = client.get(f"/assignments/{support.pk}/end/?from=home")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "End Asha Patel&#39;s assignment to Gledhow Lodge?" in html
    assert "will no longer support Gledhow Lodge" in html
    support.refresh_from_db()
    assert support.ends_on is None

    # When they choose a date to come and confirm
    ends_on = TODAY + datetime.timedelta(days=7)
    response = client.post(
        f"/assignments/{support.pk}/end/", {"ends_on": ends_on.isoformat(), "from": "home"}
    )

    # Then it ends that day, and they are back on the home's page with a success banner
    assert response.status_code == 302
    assert response["Location"] == f"/care-homes/{home.pk}/"
    support.refresh_from_db()
    assert support.ends_on == ends_on
    page = client.get(f"/care-homes/{home.pk}/").content.decode()
    assert "nhsuk-notification-banner--success" in page
    assert f"ends on {ends_on:%-d %B %Y}" in page


def test_ending_the_lead_warns_that_the_home_will_have_no_named_lead(client_for, pm_user):
    lead = AssignmentFactory(role="lead")
    html = client_for(pm_user).get(f"/assignments/{lead.pk}/end/").content.decode()
    assert "will have no named lead" in html
    assert "hand the lead to someone else" in html


def test_a_refused_end_date_is_shown_on_the_confirmation_with_nothing_changed(client_for, pm_user):
    support = AssignmentFactory(role="support", starts_on=TODAY)
    response = client_for(pm_user).post(
        f"/assignments/{support.pk}/end/", {"ends_on": (TODAY - datetime.timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date" in response.content.decode()
    support.refresh_from_db()
    assert support.ends_on is None


def test_handing_over_the_lead_asks_first_then_hands_over(client_for, pm_user):
    home = CareHomeFactory(name="Gledhow Lodge")
    lead = AssignmentFactory(care_home=home, role="lead", staff__name="Old Lead")
    new = StaffMemberFactory(name="New Lead")
    client = client_for(pm_user)
    answers = {
        "handover-staff": new.pk,
        "handover-hours_per_week": "2",
        "handover-starts_on": TODAY.isoformat(),
    }

    # When the PM fills in the hand-over form, they are asked first and nothing changes
    response = client.post(f"/care-homes/{home.pk}/hand-over/", answers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hand the lead for Gledhow Lodge to New Lead?" in html
    assert "Old Lead stops being the named lead" in html
    lead.refresh_from_db()
    assert lead.ends_on is None

    # When they confirm, the lead is handed over
    response = client.post(f"/care-homes/{home.pk}/hand-over/", answers | {"confirmed": "yes"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.ends_on is not None
    assert home.assignments.open().get(role="lead").staff == new


def test_outbreak_set_from_the_home_page_and_history_shows_who(client_for, pm_user):
    home = CareHomeFactory()
    client = client_for(pm_user)
    started = TODAY - datetime.timedelta(days=2)
    response = client.post(
        f"/care-homes/{home.pk}/outbreak/", {"status": "confirmed", "started_on": started.isoformat()}
    )
    assert response.status_code == 302
    html = client.get(f"/care-homes/{home.pk}/").content.decode()
    assert "Confirmed outbreak" in html
    assert "Outbreak and no visit since it began" in html
    assert pm_user.get_full_name() in html
    assert "Outbreak status: No outbreak → Confirmed outbreak" in html


def test_assign_error_without_javascript_shows_the_whole_page_with_the_message(client_for, pm_user):
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, role="lead")
    response = client_for(pm_user).post(
        f"/care-homes/{home.pk}/assignments/",
        {
            "staff": StaffMemberFactory().pk,
            "role": "lead",
            "hours_per_week": "2",
            "starts_on": TODAY.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>" in html and "already has a named lead" in html
    assert home.assignments.count() == 1


def test_at_national_scale_the_person_is_named_by_gphc_number(client_for, pm_user, monkeypatch):
    """With more staff than a select can hold, the PM names the person by GPhC number."""
    from carehomes import forms
    from carehomes.models import Assignment
    from tests.factories import CareHomeFactory, StaffMemberFactory

    monkeypatch.setattr(forms, "STAFF_SELECT_LIMIT", 1)
    home = CareHomeFactory()
    StaffMemberFactory()
    person = StaffMemberFactory(gphc_number="2099999")
    client = client_for(pm_user)

    html = client.get(f"/care-homes/{home.pk}/").content.decode()
    assert "GPhC registration number (7 digits) or their exact name" in html

    client.post(
        f"/care-homes/{home.pk}/assignments/",
        {"staff": "2099999", "role": "lead", "hours_per_week": "2", "starts_on": "2026-11-01"},
    )
    assert Assignment.objects.get(care_home=home).staff == person


def test_staff_list_computes_hours_only_for_the_page_it_shows(client_for, pm_user, settings):
    """A page deep into a country's staff: the pager's count and the page's ids read the people
    alone; hours and homes are computed in one query for the page's rows (issue 18: the count and
    the OFFSET read summed every person's assignments, 260 ms of PostgreSQL CPU a page)."""
    settings.HUB = {**settings.HUB, "PAGE_SIZE": 2}
    people = [
        StaffMemberFactory(name=f"Person {i}", hours_per_week=Decimal("10"), role="technician")
        for i in range(5)
    ]
    for person in people:
        AssignmentFactory(staff=person, hours_per_week=Decimal("4"))
    AssignmentFactory(staff=people[2], role="support", hours_per_week=Decimal("7"))
    client = client_for(pm_user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/staff/?role=technician&page=2").content.decode()
    assert "Person 2" in html and "Person 3" in html and "Person 1" not in html
    assert "2 homes" in html and "-1 (over capacity)" in html
    reading_assignments = [q["sql"] for q in ctx.captured_queries if "carehomes_assignment" in q["sql"]]
    assert len(reading_assignments) == 1
    assert "COUNT(*)" not in reading_assignments[0] and "OFFSET" not in reading_assignments[0]
    assert f"IN ({people[2].pk}, {people[3].pk})" in reading_assignments[0].replace("'", "")


def test_staff_list_filters_by_spare_hours_across_pages(client_for, pm_user, settings):
    settings.HUB = {**settings.HUB, "PAGE_SIZE": 1}
    for i, hours in enumerate(("3", "6", "9")):
        person = StaffMemberFactory(name=f"Person {i}", hours_per_week=Decimal(hours), role="technician")
        AssignmentFactory(staff=person, hours_per_week=Decimal("4"))
    client = client_for(pm_user)
    html = client.get("/staff/?role=technician&has_spare=yes&sort=spare&page=2").content.decode()
    assert "Person 1" in html and "Showing 2 to 2 of 2 people" in html


def test_staff_list_organisation_filter_is_typed_past_a_select(client_for, pm_user, monkeypatch):
    """A country's 2,600 organisations were a select on every page of the staff list (130 KB)."""
    monkeypatch.setattr("config.choices.LONG_LIST", 2)
    mine = StaffMemberFactory(name="Asha Patel", organisation__name="Leeds Teaching Hospitals")
    for _ in range(3):
        StaffMemberFactory()
    client = client_for(pm_user)
    html = client.get("/staff/").content.decode()
    assert '<select class="nhsuk-select" id="id_organisation"' not in html
    assert 'name="organisation"' in html
    html = client.get("/staff/?organisation=leeds+teaching+hospitals").content.decode()
    assert "Asha Patel" in html and "Showing 1 to 1 of 1 person" in html
    assert mine.organisation.name in html


def test_carehome_list_reads_gap_facts_only_for_the_page_it_shows(client_for, pm_user, settings):
    """A page deep into a country's homes: the pager's count and the page's ids read the homes
    alone; leads, last visits and gaps are read for the page's rows (issue 18: ?page=160 joined
    and decided them for the 4,000 homes before it)."""
    settings.HUB = {**settings.HUB, "PAGE_SIZE": 2}
    homes = [CareHomeFactory(name=f"Home {i}") for i in range(5)]
    AssignmentFactory(care_home=homes[2], staff__name="Asha Patel")
    VisitFactory(care_home=homes[3])
    client = client_for(pm_user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/care-homes/?page=2").content.decode()
    assert "Home 2" in html and "Home 3" in html and "Home 1" not in html
    assert "Asha Patel" in html and "No named lead" in html
    paging = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"] or "OFFSET" in q["sql"]]
    assert len(paging) == 2
    assert not [sql for sql in paging if "carehomestate" in sql or "carehomes_assignment" in sql]
    facts = [q["sql"] for q in ctx.captured_queries if "gap_no_lead" in q["sql"]]
    assert len(facts) == 1 and f"IN ({homes[2].pk}, {homes[3].pk})" in facts[0]


def test_carehome_list_sorted_by_gaps_pages_through_the_facts(client_for, pm_user, settings):
    settings.HUB = {**settings.HUB, "PAGE_SIZE": 1}
    led = CareHomeFactory(name="Aaa Led")
    AssignmentFactory(care_home=led)
    VisitFactory(care_home=led)
    CareHomeFactory(name="Zzz Alone")
    client = client_for(pm_user)
    assert "Zzz Alone" in client.get("/care-homes/?sort=gaps&page=1").content.decode()
    html = client.get("/care-homes/?sort=gaps&page=2").content.decode()
    assert "Aaa Led" in html and "Zzz Alone" not in html


def test_carehome_list_pcn_filter_is_typed_past_a_select(client_for, pm_user, monkeypatch):
    """A country's 1,250 PCNs and 400 localities were read whole on every page of the list."""
    monkeypatch.setattr("config.choices.LONG_LIST", 1)
    home = CareHomeFactory(name="Oak Lodge", pcn__name="Wharfedale PCN", locality="Otley")
    CareHomeFactory(name="Birch House", locality="Ilkley")
    client = client_for(pm_user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/care-homes/").content.decode()
    assert 'id="id_pcn"' in html and "<option" not in html.split('id="id_pcn"')[1].split("</div>")[0]
    assert all(" LIMIT 2" in q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"])
    html = client.get("/care-homes/?pcn=wharfedale+pcn").content.decode()
    assert "Oak Lodge" in html and "Birch House" not in html
    html = client.get("/care-homes/?locality=ilkley").content.decode()
    assert "Birch House" in html and "Oak Lodge" not in html and home.pcn.name not in html
