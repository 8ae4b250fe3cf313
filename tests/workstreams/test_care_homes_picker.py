"""Choosing a workstream's care homes: a list of checkboxes a city's size, and past it only the
homes chosen, with a look-up (or, without script, homes typed one a line) to add more."""

import html

import pytest

from tests.factories import CareHomeFactory, OrganisationFactory
from workstreams import forms as workstream_forms
from workstreams.models import Workstream

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(monkeypatch):
    """Past a city's size: more homes than the form may list."""
    monkeypatch.setattr(workstream_forms, "HOME_SELECT_LIMIT", 2)
    return [
        CareHomeFactory(name="Larch Court", postcode="LS6 2AB", cqc_location_id="1-555000001"),
        CareHomeFactory(name="Larch Grange", postcode="LS7 3CD", cqc_location_id="1-555000002"),
        CareHomeFactory(name="Moor Lodge", postcode="LS8 4EF", cqc_location_id="1-555000003"),
    ]


def _post(client, **fields):
    org = OrganisationFactory(name="Leeds North PCN")
    data = {"name": "Falls reviews", "lead_organisation": org.pk, "status": "active", **fields}
    return client.post("/workstreams/new/", data)


def test_a_citys_homes_are_checkboxes_the_script_enhances(client_for, pm_user):
    CareHomeFactory(name="Larch Court")
    page = client_for(pm_user).get("/workstreams/new/").content.decode()
    assert "data-multi-picker" in page and "data-lookup-url" not in page
    assert 'name="care_homes" type="checkbox"' in page and "Larch Court" in page


def test_past_a_citys_size_only_the_look_up_and_a_typed_box(client_for, pm_user, country):
    page = client_for(pm_user).get("/workstreams/new/").content.decode()
    assert 'data-lookup-url="/care-homes/lookup/"' in page
    assert 'name="care_homes_add"' in page
    assert "Larch Court" not in page  # no home is listed until chosen


def test_homes_typed_one_a_line_are_added_to_those_ticked(client_for, pm_user, country):
    court, grange, lodge = country
    response = _post(
        client_for(pm_user), care_homes=[str(court.pk)], care_homes_add="1-555000002\n\nmoor lodge\n"
    )
    assert response.status_code == 302
    assert set(Workstream.objects.get().care_homes.all()) == {court, grange, lodge}


def test_a_line_that_names_no_home_is_refused_and_everything_chosen_is_kept(client_for, pm_user, country):
    court, grange, _ = country
    response = _post(
        client_for(pm_user), care_homes=[str(court.pk)], care_homes_add="1-555000002\nNowhere House"
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    page = html.unescape(response.content.decode())
    assert "No care home has the CQC location ID or name “Nowhere House”." in page
    # The ticked home is still drawn, ticked, with its look-up name; the typed lines are kept
    assert f'value="{court.pk}" checked' in page
    assert "Larch Court, LS6 2AB (1-555000001)" in page
    assert "1-555000002\nNowhere House" in page
    assert not Workstream.objects.exists()


def test_an_id_that_is_not_a_home_is_refused(client_for, pm_user, country):
    response = _post(client_for(pm_user), care_homes=["999999"])
    assert "There is a problem" in response.content.decode()
    assert not Workstream.objects.exists()


def test_the_form_runs_the_same_queries_for_one_home_chosen_or_three(client_for, pm_user, country):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(pm_user)
    workstream = Workstream.objects.create(
        name="Falls", lead_organisation=OrganisationFactory(), status="active"
    )
    url = f"/workstreams/{workstream.pk}/edit/"
    counts = []
    for size in (1, 3):
        workstream.care_homes.set(country[:size])
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.content.decode().count('name="care_homes" type="checkbox"') == size
        counts.append(len(context))
    assert counts[0] == counts[1]
