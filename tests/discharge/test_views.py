"""Discharge pages: the list (worst first, filters, fixed queries), a follow-up's page and its
actions, recording with duplicates, and the trust's CSV upload."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discharge.models import DischargeFollowUp
from discharge.states import State
from organisations.access import COMMUNITY_PHARMACY, TRUST_DISCHARGE_TEAM, staff_member_for
from tests.factories import CareHomeFactory, DischargeFollowUpFactory, user_with_role

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def make_followups(count):
    now = timezone.now()
    for i in range(count):
        received = now - datetime.timedelta(days=i % 20)
        DischargeFollowUpFactory(received_at=received, routed_at=received, onward_referral=bool(i % 3))


def test_list_runs_the_same_queries_for_few_and_many(client_for, pm_user):
    client = client_for(pm_user)
    make_followups(3)
    few = queries(client, "/discharges/")
    make_followups(40)
    many = queries(client, "/discharges/")
    assert few == many


def test_list_shows_the_worst_first(client_for, pm_user):
    now = timezone.now()
    DischargeFollowUpFactory(reference="PO-FRESH", received_at=now, routed_at=now)
    old = now - datetime.timedelta(days=6)
    DischargeFollowUpFactory(reference="PO-LOST", received_at=old, routed_at=old)
    DischargeFollowUpFactory(
        reference="PO-DONE", received_at=old, routed_at=old, state=State.CLOSED_COMPLETE, closed_at=now
    )
    html = client_for(pm_user).get("/discharges/").content.decode()
    assert html.index("PO-LOST") < html.index("PO-FRESH") < html.index("PO-DONE")
    assert "1 lost" in html


def test_filters_narrow_the_list(client_for, pm_user):
    wanted = DischargeFollowUpFactory(reference="PO-WANTED")
    DischargeFollowUpFactory(reference="PO-OTHER")
    html = client_for(pm_user).get(f"/discharges/?trust={wanted.trust_id}").content.decode()
    assert "PO-WANTED" in html and "PO-OTHER" not in html
    html = client_for(pm_user).get(f"/discharges/?care_home={wanted.care_home_id}").content.decode()
    assert "PO-WANTED" in html and "PO-OTHER" not in html
    week = timezone.localdate().isocalendar()
    html = client_for(pm_user).get(f"/discharges/?week={week.year}-W{week.week:02d}").content.decode()
    assert "PO-WANTED" in html
    response = client_for(pm_user).get("/discharges/?week=2026-W99")
    assert response.status_code == 200 and "Enter a real week" in response.content.decode()


def test_trust_team_sees_only_its_own_trust(client_for):
    own = DischargeFollowUpFactory(reference="PO-OWN")
    DischargeFollowUpFactory(reference="PO-ELSEWHERE")
    user = user_with_role(TRUST_DISCHARGE_TEAM, organisation=own.trust)
    html = client_for(user).get("/discharges/mine/").content.decode()
    assert "PO-OWN" in html and "PO-ELSEWHERE" not in html
    assert client_for(user).get("/").url == "/discharges/mine/"


def test_pharmacy_acknowledges_by_htmx_and_sees_the_timeline(client_for):
    follow_up = DischargeFollowUpFactory()
    chemist = user_with_role(COMMUNITY_PHARMACY, organisation=follow_up.pharmacy)
    client = client_for(chemist)
    page = client.get(f"/discharges/{follow_up.pk}/").content.decode()
    assert "Monday to Saturday, 9am to 6pm" in page
    response = client.post(f"/discharges/{follow_up.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == f"/discharges/{follow_up.pk}/"
    follow_up.refresh_from_db()
    assert follow_up.state == State.ACKNOWLEDGED
    assert "Acknowledged" in client.get(f"/discharges/{follow_up.pk}/").content.decode()


def test_a_refused_action_shows_the_error_next_to_the_field_and_keeps_the_state(client_for):
    follow_up = DischargeFollowUpFactory()
    chemist = user_with_role(COMMUNITY_PHARMACY, organisation=follow_up.pharmacy)
    response = client_for(chemist).post(
        f"/discharges/{follow_up.pk}/close_partial/", {"close_partial-note": "x"}
    )
    assert response.status_code == 400
    assert "Choose why the follow-up could not be completed" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.state == State.EXPECTED


def test_an_action_the_state_does_not_allow_is_refused_plainly(client_for):
    follow_up = DischargeFollowUpFactory()
    chemist = user_with_role(COMMUNITY_PHARMACY, organisation=follow_up.pharmacy)
    response = client_for(chemist).post(f"/discharges/{follow_up.pk}/stage2/")
    assert response.status_code == 400
    assert "cannot be changed like that" in response.content.decode()


def test_another_pharmacy_cannot_see_or_act(client_for):
    follow_up = DischargeFollowUpFactory()
    stranger = user_with_role(COMMUNITY_PHARMACY)
    assert client_for(stranger).get(f"/discharges/{follow_up.pk}/").status_code == 404
    assert client_for(stranger).post(f"/discharges/{follow_up.pk}/acknowledge/").status_code == 404


def _form(home, **overrides):
    return {
        "reference": "PO-555",
        "channel": "pharmoutcomes",
        "care_home": home.cqc_location_id,
        "discharged_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "reasons": ["stopped"],
        "changes_band": "1-2",
    } | overrides


def test_trust_team_records_a_discharge_on_the_form(client_for, trust_user):
    home = CareHomeFactory()
    trust = staff_member_for(trust_user).organisation
    response = client_for(trust_user).post("/discharges/new/", _form(home, trust=trust.pk))
    follow_up = DischargeFollowUp.objects.get()
    assert response.status_code == 302 and response.url == f"/discharges/{follow_up.pk}/"
    assert follow_up.pharmacy == home.supplying_pharmacy


def test_refused_form_keeps_what_was_typed(client_for, trust_user):
    home = CareHomeFactory()
    trust = staff_member_for(trust_user).organisation
    response = client_for(trust_user).post(
        "/discharges/new/", _form(home, trust=trust.pk, reference="Mrs Jones")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "looks as if it contains a name" in html and home.cqc_location_id in html
    assert not DischargeFollowUp.objects.exists()


def test_duplicate_reference_links_to_the_existing_one(client_for, trust_user):
    trust = staff_member_for(trust_user).organisation
    existing = DischargeFollowUpFactory(trust=trust, reference="PO-555")
    response = client_for(trust_user).post("/discharges/new/", _form(existing.care_home, trust=trust.pk))
    assert f'href="/discharges/{existing.pk}/"' in response.content.decode()
    assert "Track PO-555 instead" in response.content.decode()


def test_same_home_and_date_by_another_channel_asks_then_merges(client_for, trust_user):
    trust = staff_member_for(trust_user).organisation
    existing = DischargeFollowUpFactory(trust=trust, reference="NM-1", channel="nhsmail")
    data = _form(existing.care_home, trust=trust.pk, discharged_on=existing.discharged_on.isoformat())
    client = client_for(trust_user)
    asked = client.post("/discharges/new/", data)
    assert asked.status_code == 400 and "Is this the same discharge?" in asked.content.decode()
    merged = client.post("/discharges/new/", data | {"duplicate": "merge", "duplicate_of": existing.pk})
    assert merged.url == f"/discharges/{existing.pk}/"
    assert DischargeFollowUp.objects.get(reference="PO-555").duplicate_of == existing


CSV_HEADER = "referral_id,channel,cqc_location_id,pharmacy_ods_code,discharge_date,reasons,changes_band\n"


def _upload(client, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/discharges/upload/", {"file": SimpleUploadedFile("today.csv", text.encode(), "text/csv")}
    )


def test_upload_previews_row_errors_and_skips_bad_rows_on_request(client_for, trust_user):
    home = CareHomeFactory()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    text = CSV_HEADER + (
        f"PO-1,PharmOutcomes,{home.cqc_location_id},,{yesterday},stopped|dose_change,3-5\n"
        f"PO-2,NHSmail,1-999,,{yesterday},stopped,1-2\n"
        f"Mr Smith,NHSmail,{home.cqc_location_id},,{yesterday},stopped,1-2\n"
        f"PO-4,Refer-to-Pharmacy,{home.cqc_location_id},,{yesterday},stopped,7\n"
    )
    client = client_for(trust_user)
    preview = _upload(client, text)
    html = preview.content.decode()
    assert preview.status_code == 200 and "Nothing has been saved yet" in html
    assert "No care home has the CQC location ID" in html and "looks as if it contains a name" in html
    token = (
        preview.context["token"] if preview.context else html.split('name="token" value="')[1].split('"')[0]
    )
    refused = client.post("/discharges/upload/confirm/", {"token": token})
    assert refused.status_code == 400 and not DischargeFollowUp.objects.exists()
    done = client.post("/discharges/upload/confirm/", {"token": token, "skip_bad_rows": "on"})
    assert done.status_code == 302
    assert list(DischargeFollowUp.objects.values_list("reference", flat=True)) == ["PO-1"]


def test_upload_of_a_file_that_is_not_csv_says_so(client_for, trust_user):
    response = _upload(client_for(trust_user), "just some words\n")
    assert response.status_code == 400 and "no column for" in response.content.decode()


def test_project_manager_records_a_homes_supplying_pharmacy(client_for, pm_user):
    from tests.factories import CommunityPharmacyFactory

    home = CareHomeFactory(supplying_pharmacy=None)
    pharmacy = CommunityPharmacyFactory(ods_code="FCA17")
    client = client_for(pm_user)
    assert "Not recorded" in client.get(f"/care-homes/{home.pk}/").content.decode()
    refused = client.post(f"/care-homes/{home.pk}/supplying-pharmacy/", {"pharmacy": "FZZ99"})
    assert refused.status_code == 400 and "No community pharmacy has the ODS code" in refused.content.decode()
    client.post(f"/care-homes/{home.pk}/supplying-pharmacy/", {"pharmacy": "fca17"})
    home.refresh_from_db()
    assert home.supplying_pharmacy == pharmacy


def test_lost_follow_ups_are_first_in_the_project_managers_needs(client_for, pm_user):
    old = timezone.now() - datetime.timedelta(days=6)
    DischargeFollowUpFactory(received_at=old, routed_at=old)
    html = client_for(pm_user).get("/gaps/").content.decode()
    assert "1 lost discharge follow-up: not acknowledged within 1 working day" in html
    assert 'href="/discharges/?state=lost"' in html


def test_pages_run_on_from_the_open_follow_ups_to_the_closed_ones(client_for, pm_user, monkeypatch):
    """The open ones worst first, then the closed ones in routing order, with none lost or repeated
    where a page holds both."""
    monkeypatch.setattr("discharge.views.followups.PAGE_SIZE", 3)
    now = timezone.now()
    for n in range(4):
        at = now - datetime.timedelta(hours=n)
        DischargeFollowUpFactory(reference=f"PO-OPEN-{n}", received_at=at, routed_at=at)
    for n in range(3):
        at = now - datetime.timedelta(days=30 + n)
        DischargeFollowUpFactory(
            reference=f"PO-CLOSED-{n}",
            received_at=at,
            routed_at=at,
            state=State.CLOSED_COMPLETE,
            closed_at=now,
        )
    client = client_for(pm_user)
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/discharges/?page={page}").content.decode()
        seen.append(sorted(set(re.findall(r"PO-(?:OPEN|CLOSED)-\d", html)), key=html.index))
    assert seen == [
        ["PO-OPEN-3", "PO-OPEN-2", "PO-OPEN-1"],
        ["PO-OPEN-0", "PO-CLOSED-2", "PO-CLOSED-1"],
        ["PO-CLOSED-0"],
    ]
