"""The visit pages: My care homes, log a visit, the visit, change/delete, My visits, exports."""

import datetime
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from carehomes.gaps import gaps_for_home, with_gap_facts
from carehomes.models import CareHome, Visit
from carehomes.visits.selectors import recent_visits_for_home
from organisations.models import StaffMember
from tests.conftest import FROZEN_TODAY
from tests.factories import CareHomeFactory, StaffMemberFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


def form_data(home, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "care_home": str(home.pk),
        "visited_on": TODAY.isoformat(),
        "mode": "on_site",
        "activities": ["smr", "medicines_reconciliation"],
        "residents_reviewed": "6",
        "interventions_stopped": "2",
        "interventions_dose_changed": "",
        "issues_escalated": "0",
        "minutes_spent": "75",
        "notes": "Reviewed six residents.",
    }
    data.update(overrides)
    return data


def test_my_care_homes_lists_current_homes_with_last_visit_gaps_and_a_log_link(client_for, pharmacist, home):
    VisitFactory(care_home=home, visited_on=TODAY - datetime.timedelta(days=30))
    response = client_for(pharmacist).get("/my-care-homes/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Meadow View Care Home" in html
    assert "30 days ago" in html
    assert "the rule is a visit at least every 28 days" in html
    assert f"/visits/new/?care_home={home.pk}" in html


def test_log_a_visit_form_has_the_home_today_and_a_fresh_token(client_for, pharmacist, home):
    client = client_for(pharmacist)
    first = client.get(f"/visits/new/?care_home={home.pk}").content.decode()
    second = client.get("/visits/new/").content.decode()
    assert f'<option value="{home.pk}" selected' in first
    for part, value in (("day", TODAY.day), ("month", TODAY.month), ("year", TODAY.year)):
        assert re.search(rf'name="visited_on\[{part}\]"[^>]*value="{value}"', first), part
    assert first.count('inputmode="numeric"') >= 3
    token = first.split('name="submission_token"')[1].split('value="')[1][:36]
    assert token not in second


def test_logging_a_visit_saves_it_and_shows_it(client_for, pharmacist, home):
    client = client_for(pharmacist)
    response = client.post("/visits/new/", form_data(home), follow=True)
    visit = Visit.objects.get()
    assert response.redirect_chain[-1][0] == f"/visits/{visit.pk}/"
    assert visit.activities == ["smr", "medicines_reconciliation"]
    assert visit.interventions_dose_changed == 0
    html = response.content.decode()
    assert "saved" in html and "Structured medication review" in html and "Logged" in html


def test_a_refused_form_keeps_everything_typed_with_messages_by_each_field(client_for, pharmacist, home):
    data = form_data(home, residents_reviewed="41", notes="Reviewed 943 476 5919 today", minutes_spent="721")
    response = client_for(pharmacist).post("/visits/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Minutes spent must be from 1 to 720" in html
    assert 'value="721"' in html
    assert (
        'value="41"' in html
    )  # kept as typed (the beds rule is the service's: checked once the form parses)
    assert "Reviewed 943 476 5919 today" in html
    assert 'value="medicines_reconciliation" checked' in html
    assert data["submission_token"] in html
    assert not Visit.objects.exists()


def test_service_rules_appear_beside_their_fields(client_for, pharmacist, home):
    response = client_for(pharmacist).post("/visits/new/", form_data(home, residents_reviewed="41"))
    html = response.content.decode()
    assert "no more than 40, the number of beds" in html
    assert 'href="#id_residents_reviewed"' in html


def test_double_submission_makes_one_visit(client_for, pharmacist, home):
    client = client_for(pharmacist)
    data = form_data(home)
    first = client.post("/visits/new/", data)
    second = client.post("/visits/new/", data, follow=True)
    assert Visit.objects.count() == 1
    assert first["Location"] == second.redirect_chain[-1][0]
    assert "already saved" in second.content.decode()


def test_duplicate_warns_with_a_link_to_the_first_and_saves_when_confirmed(client_for, pharmacist, home):
    client = client_for(pharmacist)
    client.post("/visits/new/", form_data(home))
    first = Visit.objects.get()
    warned = client.post("/visits/new/", form_data(home))
    html = warned.content.decode()
    assert warned.status_code == 409
    assert f"/visits/{first.pk}/" in html and "Save anyway" in html
    assert Visit.objects.count() == 1
    confirmed = client.post("/visits/new/", form_data(home, confirm_duplicate="on"))
    assert confirmed.status_code == 302
    assert Visit.objects.count() == 2


def test_other_professional_gets_403_to_change_or_delete(client_for, pharmacist, other_pharmacist, home):
    visit = VisitFactory(care_home=home, staff=pharmacist.staff_member)
    client = client_for(other_pharmacist)
    assert client.get(f"/visits/{visit.pk}/edit/").status_code == 403
    assert client.post(f"/visits/{visit.pk}/edit/", form_data(home, minutes_spent="5")).status_code == 403
    assert client.get(f"/visits/{visit.pk}/delete/").status_code == 403
    assert client.post(f"/visits/{visit.pk}/delete/").status_code == 403
    visit.refresh_from_db()
    assert visit.minutes_spent == 90


def test_another_professional_supporting_the_home_sees_but_cannot_change(client_for, pharmacist, home):
    colleague_visit = VisitFactory(care_home=home)
    response = client_for(pharmacist).get(f"/visits/{colleague_visit.pk}/")
    assert response.status_code == 200
    assert "Change this visit" not in response.content.decode()
    assert [v.pk for v in recent_visits_for_home(home)] == [colleague_visit.pk]


def test_visitor_changes_their_visit_and_the_page_shows_the_history(client_for, pharmacist, home):
    client = client_for(pharmacist)
    client.post("/visits/new/", form_data(home))
    visit = Visit.objects.get()
    assert client.get(f"/visits/{visit.pk}/edit/").status_code == 200
    response = client.post(f"/visits/{visit.pk}/edit/", form_data(home, minutes_spent="60"), follow=True)
    html = response.content.decode()
    assert "Minutes spent: 75 → 60" in html
    assert "Changed" in html


def test_after_seven_days_the_visitor_gets_403_and_the_pm_corrects_with_a_reason(
    client_for, pharmacist, pm_user, home
):
    visit = VisitFactory(care_home=home, staff=pharmacist.staff_member)
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert client_for(pharmacist).get(f"/visits/{visit.pk}/edit/").status_code == 403
    client = client_for(pm_user)
    refused = client.post(f"/visits/{visit.pk}/edit/", form_data(home, minutes_spent="60"))
    assert refused.status_code == 400
    assert "Give the reason" in refused.content.decode()
    response = client.post(
        f"/visits/{visit.pk}/edit/", form_data(home, minutes_spent="60", reason="Wrong minutes"), follow=True
    )
    assert "Reason: Wrong minutes" in response.content.decode()


def test_visitor_deletes_their_visit(client_for, pharmacist, home):
    visit = VisitFactory(care_home=home, staff=pharmacist.staff_member)
    client = client_for(pharmacist)
    assert client.get(f"/visits/{visit.pk}/delete/").status_code == 200
    assert client.post(f"/visits/{visit.pk}/delete/").status_code == 302
    assert not Visit.objects.exists()


def test_logged_visit_clears_the_28_day_gap(client_for, pharmacist, home):
    def rules():
        annotated = with_gap_facts(CareHome.objects.filter(pk=home.pk)).get()
        return {gap.rule.code for gap in gaps_for_home(annotated)}

    assert "no_recent_visit" in rules()
    client_for(pharmacist).post("/visits/new/", form_data(home))
    assert "no_recent_visit" not in rules()


def test_logged_visit_appears_on_the_homes_page(client_for, pharmacist, home):
    # A name with an apostrophe, as real names have: the page escapes it and shows it whole.
    StaffMember.objects.filter(pk=pharmacist.staff_member.pk).update(name="Amy O'Donnell")
    client = client_for(pharmacist)
    client.post("/visits/new/", form_data(home, notes="Checked fridge temperatures"))
    html = client.get(f"/care-homes/{home.pk}/").content.decode()
    assert "Recent visits" in html
    assert "Amy O&#39;Donnell" in html.split("Recent visits", 1)[1]


# My visits


def rows(html):
    """Body rows of the visits table (the header row is one more)."""
    return html.count('<tr class="nhsuk-table__row"') - 1


def total(html, key):
    after = html.split(f'<dt class="nhsuk-summary-list__key">{key}</dt>', 1)[1]
    return after.split('<dd class="nhsuk-summary-list__value">', 1)[1].split("</dd>", 1)[0].strip()


def test_pharmacist_sees_only_their_own_visits_with_totals(client_for, pharmacist, home):
    VisitFactory(care_home=home, staff=pharmacist.staff_member, residents_reviewed=3, minutes_spent=30)
    VisitFactory(care_home=home, staff=pharmacist.staff_member, residents_reviewed=4, minutes_spent=60)
    VisitFactory(care_home=home, residents_reviewed=9)  # a colleague's
    response = client_for(pharmacist).get("/visits/")
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(html) == 2
    assert total(html, "Residents reviewed") == "7"
    assert total(html, "Interventions") == "2"
    assert total(html, "Time spent").startswith("90 minutes")


def test_filters_by_home_dates_and_activity(client_for, pm_user):
    a = CareHomeFactory(name="Alder House")
    b = CareHomeFactory(name="Birch Lodge")
    VisitFactory(care_home=a, visited_on=TODAY - datetime.timedelta(days=40))
    keep = VisitFactory(care_home=a, visited_on=TODAY - datetime.timedelta(days=5), activity_audit=True)
    VisitFactory(care_home=a, visited_on=TODAY - datetime.timedelta(days=4))
    VisitFactory(care_home=b, activity_audit=True)
    since = (TODAY - datetime.timedelta(days=10)).isoformat()
    response = client_for(pm_user).get("/visits/", {"home": "alder", "date_from": since, "activity": "audit"})
    html = response.content.decode()
    assert rows(html) == 1
    assert f"/visits/{keep.pk}/" in html
    assert total(html, "Visits") == "1"


def test_slt_has_no_visit_list(client_for, slt_user):
    assert client_for(slt_user).get("/visits/").status_code == 403
    assert client_for(slt_user).get("/visits/export.csv").status_code == 403


def visits_page_queries(client, count):
    staff = StaffMemberFactory()
    VisitFactory.create_batch(count, staff=staff, care_home=CareHomeFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/visits/").status_code == 200
    return len(queries)


def test_visit_list_costs_the_same_queries_at_two_sizes(client_for, pm_user):
    client = client_for(pm_user)
    client.get("/visits/")  # warm the session and caches
    small = visits_page_queries(client, 2)
    large = visits_page_queries(client, 30)
    assert small == large


def visit_post_queries(client, home, earlier):
    VisitFactory.create_batch(earlier, care_home=home, visited_on=TODAY - datetime.timedelta(days=40))
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/visits/new/", form_data(home, confirm_duplicate="on")).status_code == 302
    return len(queries)


def test_logging_a_visit_costs_the_same_queries_at_two_sizes(client_for, pharmacist, home):
    client = client_for(pharmacist)
    client.get("/visits/new/")  # warm the session
    small = visit_post_queries(client, home, 2)
    large = visit_post_queries(client, home, 30)
    assert small == large


def test_a_back_dated_visit_leaves_the_homes_last_visit_at_the_later_date(client_for, pharmacist, home):
    client = client_for(pharmacist)
    client.post("/visits/new/", form_data(home, visited_on=(TODAY - datetime.timedelta(days=2)).isoformat()))
    client.post("/visits/new/", form_data(home, visited_on=(TODAY - datetime.timedelta(days=40)).isoformat()))
    [shown] = with_gap_facts(CareHome.objects.filter(pk=home.pk))
    assert shown.last_visited_on == TODAY - datetime.timedelta(days=2)
    assert not shown.gap_no_recent_visit


def test_csv_export_of_own_visits_makes_text_cells_safe(client_for, pharmacist, home):
    VisitFactory(care_home=home, staff=pharmacist.staff_member, notes="=HYPERLINK(1)")
    VisitFactory(care_home=home)  # a colleague's, not exported
    response = client_for(pharmacist).get("/visits/export.csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(lines) == 2
    assert "'=HYPERLINK(1)" in lines[1]


def test_excel_export_has_the_same_rows_and_safe_cells(client_for, pm_user, home):
    VisitFactory(care_home=home, escalation_summary="+call GP", issues_escalated=1)
    response = client_for(pm_user).get("/visits/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Date"
    assert len(rows) == 2
    assert "'+call GP" in rows[1]


def test_project_manager_logs_a_visit_for_a_pharmacist(client_for, pm_user, pharmacist, home):
    client = client_for(pm_user)
    assert 'name="staff"' in client.get("/visits/new/").content.decode()
    response = client.post("/visits/new/", form_data(home, staff=str(pharmacist.staff_member.pk)))
    assert response.status_code == 302
    assert Visit.objects.get().staff == pharmacist.staff_member


def test_pharmacist_form_has_no_choice_of_person(client_for, pharmacist, other_pharmacist, home):
    client = client_for(pharmacist)
    assert 'name="staff"' not in client.get("/visits/new/").content.decode()
    client.post("/visits/new/", form_data(home, staff=str(other_pharmacist.staff_member.pk)))
    assert Visit.objects.get().staff == pharmacist.staff_member


def test_slt_reads_a_visit_but_cannot_log_or_change(client_for, slt_user, home):
    visit = VisitFactory(care_home=home)
    client = client_for(slt_user)
    assert client.get(f"/visits/{visit.pk}/").status_code == 200
    assert client.get("/visits/new/").status_code == 403
    assert client.get(f"/visits/{visit.pk}/edit/").status_code == 403


def test_my_care_homes_without_homes_says_so(client_for, other_pharmacist):
    html = client_for(other_pharmacist).get("/my-care-homes/").content.decode()
    assert "You have no current care homes" in html


def test_my_care_homes_costs_the_same_queries_at_two_sizes(client_for, pharmacist):
    from tests.factories import AssignmentFactory

    client = client_for(pharmacist)

    def queries_with(extra_homes):
        for _ in range(extra_homes):
            home = CareHomeFactory()
            AssignmentFactory(staff=pharmacist.staff_member, care_home=home, role="support")
            VisitFactory(care_home=home, staff=pharmacist.staff_member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/my-care-homes/").status_code == 200
        return len(queries)

    queries_with(0)
    assert queries_with(1) == queries_with(6)


def test_at_national_scale_the_form_offers_own_homes_and_a_cqc_look_up_for_cover(
    client_for, pharmacist, home, monkeypatch
):
    """With more homes than a select can hold, a cover visit names the home by its CQC ID."""
    from carehomes.visits import forms

    monkeypatch.setattr(forms, "HOME_SELECT_LIMIT", 1)
    elsewhere = CareHomeFactory(cqc_location_id="1-555000111", name="Far Away House")
    client = client_for(pharmacist)

    html = client.get("/visits/new/").content.decode()
    assert "Or a care home not in the list (cover)" in html
    assert f'<option value="{home.pk}"' in html
    assert "Far Away House" not in html

    refused = client.post("/visits/new/", form_data(home, care_home="", other_care_home="1-999"))
    assert refused.status_code == 400
    assert "No care home has the CQC location ID or name" in refused.content.decode()
    assert not Visit.objects.exists()

    client.post("/visits/new/", form_data(home, care_home="", other_care_home="1-555000111"))
    visit = Visit.objects.get()
    assert visit.care_home == elsewhere
    assert visit.is_cover


def test_a_visit_date_typed_in_three_boxes_is_saved(client_for, pharmacist, home):
    day = TODAY - datetime.timedelta(days=2)
    data = form_data(home, visited_on=None)
    del data["visited_on"]
    data.update(
        {
            "visited_on[day]": str(day.day),
            "visited_on[month]": str(day.month),
            "visited_on[year]": str(day.year),
        }
    )

    response = client_for(pharmacist).post("/visits/new/", data)

    assert response.status_code == 302
    assert Visit.objects.get().visited_on == day


def test_a_wrong_visit_date_names_the_part_and_keeps_what_was_typed(client_for, pharmacist, home):
    data = form_data(home)
    del data["visited_on"]
    data.update({"visited_on[day]": "31", "visited_on[month]": "", "visited_on[year]": "2026"})

    response = client_for(pharmacist).post("/visits/new/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Date of visit must include a month" in html
    assert 'href="#id_visited_on-day"' in html  # the error summary puts the cursor in the day box
    assert re.search(r'name="visited_on\[day\]"[^>]*value="31"|value="31"[^>]*name="visited_on\[day\]"', html)
    assert re.search(r'class="[^"]*nhsuk-input--error[^"]*"[^>]*name="visited_on\[month\]"', html)
    assert not Visit.objects.exists()


def test_visit_list_pages_by_keyset_older_and_newer_reaching_every_visit_once(client_for, pm_user):
    home = CareHomeFactory()
    made = [
        VisitFactory(care_home=home, visited_on=TODAY - datetime.timedelta(days=n // 3)) for n in range(60)
    ]
    client = client_for(pm_user)
    seen, pages, url = [], [], "/visits/"
    while url:
        html = client.get(url).content.decode()
        ids = [int(i) for i in re.findall(r'href="/visits/(\d+)/"', html)]
        pages.append((url, ids))
        seen.extend(ids)
        older = re.search(r'href="\?older=([^"]+)"', html)
        url = f"/visits/?older={older.group(1)}" if older else None

    assert [len(ids) for _, ids in pages] == [25, 25, 10]
    assert sorted(seen) == sorted(v.pk for v in made)  # each visit once, none missed
    expected = sorted(made, key=lambda v: (v.visited_on, v.pk), reverse=True)
    assert seen == [v.pk for v in expected]  # newest first, across pages
    last_page = client.get(pages[-1][0]).content.decode()
    newer = re.search(r'href="\?newer=([^"]+)"', last_page).group(1)
    back = client.get(f"/visits/?newer={newer}").content.decode()
    assert [int(i) for i in re.findall(r'href="/visits/(\d+)/"', back)] == pages[1][1]


def test_visit_list_ignores_a_hand_edited_cursor(client_for, pm_user):
    VisitFactory()
    response = client_for(pm_user).get("/visits/", {"older": "not-a-cursor"})
    assert response.status_code == 200
    assert "Visits, newest first" in response.content.decode()


def test_deep_visit_page_costs_the_same_queries_as_page_one(client_for, pm_user):
    home = CareHomeFactory()
    visits = [VisitFactory(care_home=home, visited_on=TODAY - datetime.timedelta(days=n)) for n in range(40)]
    client = client_for(pm_user)
    client.get("/visits/")
    with CaptureQueriesContext(connection) as first:
        client.get("/visits/")
    with CaptureQueriesContext(connection) as deep:
        client.get(f"/visits/?older={visits[30].visited_on.isoformat()}.{visits[30].pk}")
    assert len(first) == len(deep)
    assert not any("OFFSET" in q["sql"].upper() for q in deep.captured_queries)
