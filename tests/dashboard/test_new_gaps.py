"""The project manager's "new gaps since last week's report": counted rule by rule against the
report's kept keys (in the database on PostgreSQL, `GapList.new_count`), equal to comparing every
current gap's key with the report's in Python. Run on SQLite and on PostgreSQL."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.gap_report_selectors import last_report_keys
from actionplan.gap_report_services import gap_report_generate
from actionplan.report_terms import week_of
from carehomes.gaps import GapList, KnownKeys, current_gaps, gap_key
from carehomes.models import CareHome
from dashboard import selectors
from discharge.states import State
from tests.conftest import FROZEN_TODAY
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    DischargeFollowUpFactory,
    OrganisationFactory,
    PcnFactory,
    VisitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def covered(**home):
    """A home with no gap of its own: a lead, a visit this week, a supplying pharmacy."""
    home = CareHomeFactory(**home)
    AssignmentFactory(care_home=home)
    VisitFactory(care_home=home, visited_on=TODAY - datetime.timedelta(days=2))
    return home


def quiet_trust():
    trust = OrganisationFactory()
    DischargeFollowUpFactory(trust=trust, received_at=days_ago(40), state=State.CLOSED_COMPLETE)
    return trust


def city_with_a_report():
    """Gaps of every kind, last week's report made of them, then some gaps closed and others opened."""
    unled = CareHomeFactory(name="Unled House")  # no lead, never visited
    outbreak = covered(name="Outbreak House", outbreak_status="confirmed", outbreak_started_on=TODAY)
    covered(name="Nowhere House", supplying_pharmacy=None)
    waiting = DischargeFollowUpFactory(received_at=days_ago(3), care_home=covered(name="Waiting House"))
    quiet_trust()
    covered(name="Fine House", locality="Leeds South")
    report = gap_report_generate(week=week_of(TODAY - datetime.timedelta(days=7)), as_of=TODAY, notify=False)
    # Gaps closed since the report: a visit, a follow-up closed, the outbreak visited.
    VisitFactory(care_home=unled, visited_on=TODAY)
    VisitFactory(care_home=outbreak, visited_on=TODAY)
    waiting.state = State.CLOSED_COMPLETE
    waiting.save()
    # Gaps opened since: a home like the first (and one in another locality), a follow-up waiting,
    # a home with no pharmacy, a PCN with homes and no hours, a second quiet trust (the drop-offs
    # share one key, so not new), and a home moved to another PCN (its keys name the PCN).
    CareHomeFactory(name="New House")
    CareHomeFactory(name="South House", locality="Leeds South")
    DischargeFollowUpFactory(received_at=days_ago(1), care_home=covered(name="Fresh House"))
    covered(name="Lost House", supplying_pharmacy=None, locality="Leeds South")
    quiet_trust()
    unled.pcn = PcnFactory(committed_hours=0)
    unled.save()
    return report


def expected_new(report, homes=None):
    """Counted independently: the keys of every gap the list shows, less the report's."""
    now = {gap_key(g.rule.code, g.care_home_id, g.pcn_id) for g in current_gaps(homes=homes)}
    return len(now - set(report.gap_keys))


def python_only(known):
    return KnownKeys(lambda: known.strings)


def test_new_gaps_are_counted_as_comparing_every_key_would():
    report = city_with_a_report()
    now = {gap_key(g.rule.code, g.care_home_id, g.pcn_id) for g in current_gaps()}
    before = set(report.gap_keys)
    # The report misses some current gaps and holds some that are closed now.
    assert now - before and before - now
    rules_new = {key.split(":")[0] for key in now - before}
    assert {"no_lead", "no_supplying_pharmacy", "discharge_not_followed_up", "pcn_no_hours"} <= rules_new
    expected = expected_new(report)

    known = last_report_keys()
    assert GapList().new_count(known) == expected
    # With the list's own gaps already read (the unfiltered page), and with no SQL at all.
    listed = GapList()
    assert len(listed) == len(current_gaps())
    assert listed.new_count(known) == expected
    assert GapList().new_count(python_only(known)) == expected
    assert sum(known.new_by_rule(GapList().keys()).values()) == expected


def test_a_source_registered_without_the_hook_is_counted_from_its_keys(monkeypatch):
    from dataclasses import replace

    from carehomes.gaps import GAP_SOURCES

    report = city_with_a_report()
    without = [replace(source, new_count=None) for source in GAP_SOURCES]
    monkeypatch.setattr("carehomes.gaps.paged.GAP_SOURCES", without)
    assert GapList().new_count(last_report_keys()) == expected_new(report)


def test_new_gaps_of_some_homes_or_rules_are_theirs_alone():
    report = city_with_a_report()
    south = CareHome.objects.filter(locality="Leeds South")
    known = last_report_keys()

    assert GapList(homes=south).new_count(known) == expected_new(report, homes=south) > 0
    unled = {key for key in report.gap_keys if key.startswith("no_lead:")}
    now_unled = {gap_key("no_lead", g.care_home_id, g.pcn_id) for g in current_gaps(rules=["no_lead"])}
    # New House, South House, the second quiet trust's home, and the home moved to a new PCN.
    assert GapList(rules=["no_lead"]).new_count(known) == len(now_unled - unled) == 4
    assert GapList(rules=["discharge_trust_drop_off"]).new_count(known) == 0


def test_a_trust_dropping_off_is_new_only_when_the_report_had_none():
    quiet_trust()
    gap_report_generate(week=week_of(TODAY - datetime.timedelta(days=7)), as_of=TODAY, notify=False)
    trusts = GapList(rules=["discharge_trust_drop_off"])
    assert trusts.new_count(last_report_keys()) == 0
    assert trusts.new_count(KnownKeys(frozenset)) == 1
    assert GapList(rules=["discharge_trust_drop_off"]).new_count(python_only(last_report_keys())) == 0


def test_a_trust_dropping_off_since_the_report_is_one_new_gap():
    quiet_trust()
    gap_report_generate(week=week_of(TODAY - datetime.timedelta(days=7)), as_of=TODAY, notify=False)
    from actionplan.models import GapReport

    GapReport.objects.update(gap_keys=[])  # a report made before any trust went quiet
    known = last_report_keys()
    assert GapList(rules=["discharge_trust_drop_off"]).new_count(known) == 1
    assert GapList(rules=["discharge_trust_drop_off"]).new_count(python_only(known)) == 1


def test_with_no_report_there_is_nothing_to_count_against():
    CareHomeFactory()
    assert last_report_keys() is None
    assert selectors.new_gaps_since_report(selectors.Filters()) is None
    assert selectors.gap_page(selectors.Filters(), new_since_report=True).new_gaps is None


def test_every_gap_is_new_against_a_report_with_no_gaps():
    gap_report_generate(week=week_of(TODAY - datetime.timedelta(days=7)), as_of=TODAY, notify=False)
    CareHomeFactory(supplying_pharmacy=None)
    DischargeFollowUpFactory(received_at=days_ago(1))
    known = last_report_keys()
    assert GapList().new_count(known) == len(GapList().keys()) == expected_new(known_report())


def known_report():
    from actionplan.models import GapReport

    return GapReport.objects.get(is_current=True)


def test_the_filtered_gap_list_shows_the_same_new_gaps_as_the_whole_list(client_for, pm_user):
    report = city_with_a_report()
    expected = expected_new(report)
    client = client_for(pm_user)

    for url in (reverse("dashboard:gaps"), reverse("dashboard:gaps") + "?locality=Leeds+South&rule=no_lead"):
        html = client.get(url).content.decode()
        assert f"{expected} new gaps since last week&#39;s report" in html, url
