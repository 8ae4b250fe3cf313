"""A community pharmacy's weekly opening hours: typed on its own page by its staff or the project
manager, validated the NHS way, kept in the history, and counted by the stage-1 timer."""

import datetime

import pytest
from django.utils import timezone

from discharge import selectors
from discharge.models import PharmacyOpeningHours
from discharge.opening_hours_form import END_OF_DAY, parse_time
from organisations.access import COMMUNITY_PHARMACY, TRUST_DISCHARGE_TEAM
from tests.factories import (
    CommunityPharmacyFactory,
    DischargeFollowUpFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
T = datetime.time
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def url(pharmacy):
    return f"/discharges/pharmacies/{pharmacy.pk}/opening-hours/"


def week(**days):
    """POST data: every day closed unless given as "9am-1pm,2pm-6pm"."""
    data = {}
    for day in DAYS:
        text = days.get(day)
        data[f"{day}_open"] = "open" if text else "closed"
        for n, session in enumerate((text or "").split(",") if text else [], start=1):
            opens, closes = session.split("-")
            data[f"{day}_{n}_opens"], data[f"{day}_{n}_closes"] = opens, closes
    return data


@pytest.mark.parametrize(
    ("typed", "closing", "expected"),
    [
        ("9am", False, T(9)),
        ("9 AM", False, T(9)),
        ("9.30am", False, T(9, 30)),
        ("6:30pm", False, T(18, 30)),
        ("6.30 p.m.", False, T(18, 30)),
        ("12pm", False, T(12)),
        ("midday", False, T(12)),
        ("18:30", False, T(18, 30)),
        ("1830", False, T(18, 30)),
        ("09:00", False, T(9)),
        ("midnight", False, T(0)),
        ("midnight", True, END_OF_DAY),
        ("12am", True, END_OF_DAY),
        ("00:00", True, END_OF_DAY),
        ("9", False, None),  # 9am or 9pm? refused
        ("13pm", False, None),
        ("24:30", False, None),
        ("9:60", False, None),
        ("nine", False, None),
        ("٩am", False, None),  # another script's digits
    ],
)
def test_times_are_read_the_way_people_type_them(typed, closing, expected):
    assert parse_time(typed, closing=closing) == expected


def test_pharmacy_staff_enter_their_own_hours_with_a_lunch_close_and_history(client_for):
    pharmacy = CommunityPharmacyFactory(name="Moortown Pharmacy")
    chemist = user_with_role(COMMUNITY_PHARMACY, organisation=pharmacy)
    client = client_for(chemist)
    assert "Moortown Pharmacy's opening hours" in client.get("/discharges/mine/").content.decode()
    page = client.get(url(pharmacy)).content.decode()
    assert "No hours are recorded yet" in page and "Monday to Saturday, 9am to 6pm" in page

    data = week(
        mon="9am-1pm,2pm-6:30pm",
        tue="09:00-18:00",
        wed="9am-6pm",
        thu="9am-6pm",
        fri="9am-6pm",
        sat="9am-midday",
    )
    response = client.post(url(pharmacy), data, follow=True)

    assert response.status_code == 200
    sessions = selectors.opening_sessions(pharmacy)
    assert sessions[:3] == [(0, T(9), T(13)), (0, T(14), T(18, 30)), (1, T(9), T(18))]
    assert (5, T(9), T(12)) in sessions and not [s for s in sessions if s[0] == 6]
    html = response.content.decode()
    assert "opening hours are saved" in html
    assert "Added Monday 9am to 1pm" in html and "Added Monday 2pm to 6:30pm" in html
    # The form shows the hours back as people write them.
    assert 'value="6:30pm"' in html and 'value="midday"' in html
    history = PharmacyOpeningHours.history.filter(pharmacy_id=pharmacy.pk)
    assert history.count() == 7 and {h.history_user for h in history.all()} == {chemist}

    # Saving the same hours again writes nothing; changing one session writes one removal and one addition.
    client.post(url(pharmacy), data)
    assert history.count() == 7
    data["sat_1_closes"] = "1pm"
    response = client.post(url(pharmacy), data, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert (5, T(9), T(13)) in selectors.opening_sessions(pharmacy)
    assert history.count() == 9
    assert "Removed Saturday 9am to midday" in html and "Added Saturday 9am to 1pm" in html


def test_project_manager_may_enter_any_pharmacys_hours(client_for, pm_user):
    pharmacy = CommunityPharmacyFactory()
    response = client_for(pm_user).post(url(pharmacy), week(sun="10am-4pm"))
    assert response.status_code == 302
    assert selectors.opening_sessions(pharmacy) == [(6, T(10), T(16))]


@pytest.mark.parametrize("who", ["other_pharmacy", "trust", "slt", "pharmacist", "no_role"])
def test_nobody_else_may_see_or_change_a_pharmacys_hours(
    client_for, who, slt_user, pharmacist_user, no_role_user
):
    pharmacy = CommunityPharmacyFactory()
    user = {
        "other_pharmacy": lambda: user_with_role(COMMUNITY_PHARMACY, organisation=CommunityPharmacyFactory()),
        "trust": lambda: user_with_role(TRUST_DISCHARGE_TEAM),
        "slt": lambda: slt_user,
        "pharmacist": lambda: pharmacist_user,
        "no_role": lambda: no_role_user,
    }[who]()
    client = client_for(user)
    assert client.get(url(pharmacy)).status_code == 403
    assert client.post(url(pharmacy), week(mon="9am-5pm")).status_code == 403
    assert not PharmacyOpeningHours.objects.exists()


def test_only_community_pharmacies_have_opening_hours(client_for, pm_user):
    assert client_for(pm_user).get(url(OrganisationFactory())).status_code == 404
    assert client_for(pm_user).get("/discharges/pharmacies/99999999/opening-hours/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"mon_1_opens": "9"},
            "mon_1_opens",
            "Enter the time Monday opens as a real time, like 9am, 6:30pm or 18:30.",
        ),
        ({"mon_1_closes": ""}, "mon_1_closes", "Enter the time Monday closes, like 9am, 6:30pm or 18:30."),
        ({"mon_1_closes": "8am"}, "mon_1_closes", "The time Monday closes must be after the time it opens."),
        (
            {"mon_2_opens": "12:30pm", "mon_2_closes": "6pm"},
            "mon_2_opens",
            "Monday&#39;s second session must open after the session before it closes (1pm).",
        ),
        (
            {"tue_1_opens": "9am", "tue_1_closes": "5pm"},
            "tue_open",
            "Tuesday is marked closed but has opening times",
        ),
        ({"wed_open": "open"}, "wed_1_opens", "Enter the time the pharmacy opens on Wednesdays"),
        ({"thu_open": ""}, "thu_open", "Choose whether the pharmacy is open on Thursdays."),
    ],
)
def test_a_refused_form_says_what_is_wrong_next_to_the_field_and_keeps_what_was_typed(
    client_for, pm_user, change, field, message
):
    pharmacy = CommunityPharmacyFactory()
    data = {**week(mon="9am-1pm"), **change}
    response = client_for(pm_user).post(url(pharmacy), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and html.count(message) == 2  # the summary and beside the field
    assert f'href="#id_{field}' in html
    assert f'id="id_{field}-error"' in html
    for name, value in data.items():
        if name.endswith(("opens", "closes")) and value:
            assert f'value="{value}"' in html
    assert not PharmacyOpeningHours.objects.exists()


def test_a_week_with_no_open_day_is_refused(client_for, pm_user):
    response = client_for(pm_user).post(url(CommunityPharmacyFactory()), week())
    assert response.status_code == 400
    assert "Enter the hours the pharmacy is open on at least one day." in response.content.decode()


def test_the_stage1_timer_counts_the_entered_hours_and_the_followup_page_says_which(client_for, pm_user):
    """A 24-hour pharmacy: 72 opening hours are 3 days, not 8 days of Monday-to-Saturday 9 to 6."""
    follow_up = DischargeFollowUpFactory(
        received_at=timezone.now() - datetime.timedelta(days=4),
        routed_at=timezone.now() - datetime.timedelta(days=4),
        state="acknowledged",
        acknowledged_at=timezone.now() - datetime.timedelta(days=4),
    )
    client = client_for(pm_user)
    page = client.get(f"/discharges/{follow_up.pk}/").content.decode()
    assert "counted on Monday to Saturday, 9am to 6pm (no opening hours recorded)" in page
    assert "Overdue." not in page
    assert f"Record {follow_up.pharmacy.name}'s opening hours" in page

    every_day = dict.fromkeys(DAYS, "00:00-midnight")
    assert client.post(url(follow_up.pharmacy), week(**every_day)).status_code == 302

    page = client.get(f"/discharges/{follow_up.pk}/").content.decode()
    assert "counted on the pharmacy&#39;s recorded opening hours: Monday midnight to midnight" in page
    assert "Overdue." in page
    assert selectors.followup_detail(pk=follow_up.pk).is_overdue
    # Its kept deadline moved with the hours (the dashboard's "stage 1 within 72 hours" counts it).
    follow_up.refresh_from_db()
    due = follow_up.routed_at + datetime.timedelta(hours=72)
    assert abs(follow_up.stage1_due_at - due) < datetime.timedelta(seconds=1)  # midnight is 23:59:59.999999
