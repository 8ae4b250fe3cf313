"""The gap rules of DESIGN.md, each at its edges."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carehomes.gaps import current_gaps, gap_counts, gaps_for_home, home_with_gap_facts, with_gap_facts
from carehomes.models import CareHome
from tests.factories import AssignmentFactory, CareHomeFactory, PcnFactory, StaffMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def rules_of(home):
    """The home's gaps, decided both ways (all homes at once, and per home); they must agree."""
    found = []
    for few in (False, True):
        annotated = with_gap_facts(CareHome.objects.filter(pk=home.pk), today=TODAY, few=few).get()
        found.append({g.rule.code for g in gaps_for_home(annotated, today=TODAY)})
    assert found[0] == found[1]
    return found[0]


def covered_home(**kwargs):
    home = CareHomeFactory(**kwargs)
    AssignmentFactory(care_home=home, starts_on=TODAY - datetime.timedelta(days=100))
    return home


@pytest.mark.parametrize(("days", "gap"), [(27, False), (28, False), (29, True)])
def test_no_recent_visit_edges(days, gap):
    home = covered_home()
    VisitFactory(care_home=home, visited_on=TODAY - datetime.timedelta(days=days))
    assert ("no_recent_visit" in rules_of(home)) is gap


def test_never_visited_home_has_a_gap_saying_so():
    home = covered_home()
    annotated = with_gap_facts(CareHome.objects.filter(pk=home.pk), today=TODAY).get()
    (gap,) = gaps_for_home(annotated, today=TODAY)
    assert gap.rule.code == "no_recent_visit"
    assert "never had a recorded visit" in gap.reason


def test_home_without_current_lead_has_a_gap():
    home = CareHomeFactory()
    VisitFactory(care_home=home, visited_on=TODAY)
    AssignmentFactory(
        care_home=home,
        starts_on=TODAY - datetime.timedelta(days=90),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    assert rules_of(home) == {"no_lead"}


def test_outbreak_that_began_today_without_a_visit_today_is_a_gap():
    home = covered_home(outbreak_status="confirmed", outbreak_started_on=TODAY)
    VisitFactory(care_home=home, visited_on=TODAY - datetime.timedelta(days=1))
    assert "outbreak_not_visited" in rules_of(home)
    VisitFactory(care_home=home, visited_on=TODAY)
    assert "outbreak_not_visited" not in rules_of(home)


def test_lead_over_capacity_is_a_gap():
    lead = StaffMemberFactory(hours_per_week=Decimal("5"))
    home = CareHomeFactory()
    AssignmentFactory(care_home=home, staff=lead, hours_per_week=Decimal("4"), starts_on=TODAY)
    AssignmentFactory(staff=lead, hours_per_week=Decimal("2"), role="support", starts_on=TODAY)
    VisitFactory(care_home=home, visited_on=TODAY)
    assert rules_of(home) == {"lead_over_capacity"}
    lead.hours_per_week = Decimal("6")
    lead.save()
    assert rules_of(home) == set()


def test_pcn_with_homes_and_no_hours_is_a_gap_and_worst_first_order():
    pcn = PcnFactory(committed_hours=Decimal("0"))
    CareHomeFactory(pcn=pcn)  # no lead, never visited
    PcnFactory(committed_hours=Decimal("0"))  # no homes: no gap
    gaps = current_gaps(today=TODAY)
    codes = [g.rule.code for g in gaps]
    assert codes == ["no_lead", "no_recent_visit", "pcn_no_hours"]
    assert gaps[-1].pcn_id == pcn.pk
    assert gap_counts(today=TODAY)["any_gap"] == 1


def test_headline_counts_from_the_kept_state_agree_with_the_raw_tables_today():
    """Every home's counts today are read from the kept state, set-based (no join, no per-home
    flag); they must count what the rules decided from the raw tables count, rule by rule,
    including a home whose state row is missing and an outbreak home that has other gaps too."""
    from carehomes.models import CareHomeState

    today = timezone.localdate()
    covered_home()  # visited never: no recent visit
    visited = covered_home()
    VisitFactory(care_home=visited, visited_on=today - datetime.timedelta(days=3))
    ended = CareHomeFactory()  # lead ended yesterday, visited 28 days ago
    AssignmentFactory(
        care_home=ended,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=1),
    )
    VisitFactory(care_home=ended, visited_on=today - datetime.timedelta(days=28))
    future = CareHomeFactory()  # lead starts tomorrow
    AssignmentFactory(care_home=future, starts_on=today + datetime.timedelta(days=1))
    stretched = StaffMemberFactory(hours_per_week=Decimal("2"))
    over = CareHomeFactory()
    AssignmentFactory(care_home=over, staff=stretched, hours_per_week=Decimal("3"), starts_on=today)
    VisitFactory(care_home=over, visited_on=today)
    outbreak = covered_home(
        outbreak_status="confirmed", outbreak_started_on=today - datetime.timedelta(days=2)
    )
    VisitFactory(care_home=outbreak, visited_on=today - datetime.timedelta(days=5))  # only this gap
    both = CareHomeFactory(outbreak_status="confirmed", outbreak_started_on=today)  # no lead, never visited
    visited_since = covered_home(
        outbreak_status="confirmed", outbreak_started_on=today - datetime.timedelta(days=9)
    )
    VisitFactory(care_home=visited_since, visited_on=today - datetime.timedelta(days=1))
    CareHomeState.objects.filter(care_home=both).delete()  # as between a bulk load and its rebuild

    kept, raw = gap_counts(), gap_counts(raw=True)
    assert kept == raw
    assert kept == {
        "homes": 8,
        "no_lead": 3,
        "no_recent_visit": 3,
        "lead_over_capacity": 1,
        "outbreak_not_visited": 2,
        "any_gap": 6,
        "in_outbreak": 3,
        "pcn_no_hours": 0,
    }


ONE_HOME_FACTS = (
    "gap_no_lead",
    "gap_outbreak_not_visited",
    "gap_no_recent_visit",
    "gap_lead_over_capacity",
    "gap_count",
    "lead_staff_id",
    "lead_name",
    "lead_organisation_id",
    "lead_available_hours",
    "lead_assigned_hours",
    "last_visited_on",
)


def _visited(days):
    def build(home, today):
        VisitFactory(care_home=home, visited_on=today - datetime.timedelta(days=days))

    return build


def _lead(starts, ends=None, hours="3", available="15"):
    def build(home, today):
        AssignmentFactory(
            care_home=home,
            staff=StaffMemberFactory(hours_per_week=Decimal(available)),
            hours_per_week=Decimal(hours),
            starts_on=today + datetime.timedelta(days=starts),
            ends_on=None if ends is None else today + datetime.timedelta(days=ends),
        )

    return build


def _outbreak(days_ago):
    def build(home, today):
        home.outbreak_status = "confirmed"
        home.outbreak_started_on = today - datetime.timedelta(days=days_ago)
        home.save()

    return build


def _no_state_row(home, today):
    from carehomes.models import CareHomeState

    CareHomeState.objects.filter(pk=home.pk).delete()


ONE_HOME_CASES = {
    "never visited, no lead": [],
    "visited 28 days ago": [_visited(28)],
    "visited 29 days ago": [_visited(29)],
    "lead from tomorrow": [_visited(1), _lead(1)],
    "lead ended yesterday": [_visited(1), _lead(-90, -1)],
    "lead ending today": [_visited(1), _lead(-90, 0)],
    "lead over capacity": [_visited(1), _lead(-10, hours="20", available="15")],
    "lead at capacity": [_visited(1), _lead(-10, hours="15", available="15")],
    "outbreak since today, visited yesterday": [_visited(1), _lead(-10), _outbreak(0)],
    "outbreak since yesterday, visited yesterday": [_visited(1), _lead(-10), _outbreak(1)],
    "outbreak, never visited": [_lead(-10), _outbreak(3)],
    "no state row": [_visited(1), _lead(-10), _no_state_row],
}


@pytest.mark.parametrize("case", ONE_HOME_CASES)
def test_one_homes_page_decides_each_rule_as_the_database_does(case, frozen_today):
    """A home's page decides its rules in Python from the kept state (`home_with_gap_facts`): the
    same flags and facts as the annotations from the state and from the raw tables, at each edge."""
    home = CareHomeFactory()
    for build in ONE_HOME_CASES[case]:
        build(home, frozen_today)
    one = CareHome.objects.filter(pk=home.pk)

    decided = home_with_gap_facts(one)
    from_state = with_gap_facts(one, today=frozen_today).get()
    from_raw = with_gap_facts(one, today=frozen_today, raw=True, few=True).get()

    # With no state row (drift the nightly check repairs) the state says what SQL's NULLs say.
    truth = from_state if case == "no state row" else from_raw
    for fact in ONE_HOME_FACTS:
        assert getattr(decided, fact) == getattr(from_state, fact) == getattr(truth, fact), fact
    assert bool(decided.gap_count) == bool(gaps_for_home(decided, today=frozen_today))


def test_a_page_of_the_gap_list_says_what_the_whole_list_says_of_each_home():
    """A page reads its homes' facts from their kept state (not the rules again): every reason,
    lead, organisation and order is as building every gap and slicing gives."""
    from django.utils import timezone

    from carehomes.gaps import CARE_HOME_RULES, GapList

    today = timezone.localdate()
    lead = StaffMemberFactory(name="Ada Lead", hours_per_week=Decimal("5"))
    busy = CareHomeFactory(name="Busy House")
    AssignmentFactory(care_home=busy, staff=lead, hours_per_week=Decimal("4"), starts_on=today)
    AssignmentFactory(staff=lead, hours_per_week=Decimal("2"), role="support", starts_on=today)
    VisitFactory(care_home=busy, visited_on=today - datetime.timedelta(days=2))  # only over capacity
    VisitFactory(
        care_home=CareHomeFactory(name="Quiet House"), visited_on=today - datetime.timedelta(days=40)
    )
    ended = CareHomeFactory(name="Ended House")
    AssignmentFactory(
        care_home=ended,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
    )
    VisitFactory(care_home=ended, visited_on=today - datetime.timedelta(days=2))
    sick = covered_home(
        name="Sick House", outbreak_status="confirmed", outbreak_started_on=today - datetime.timedelta(days=3)
    )
    VisitFactory(care_home=sick, visited_on=today - datetime.timedelta(days=5))
    CareHomeFactory(name="Nobody House")
    codes = [rule.code for rule in CARE_HOME_RULES]

    def described(gaps):
        return [g.as_dict() | {"organisation_ids": sorted(g.organisation_ids)} for g in gaps]

    everything = described(current_gaps(rules=codes))
    assert {g["rule"] for g in everything} == set(codes)
    assert any("Ada Lead, the lead for Busy House" in g["reason"] for g in everything)
    gaps = GapList(rules=codes)
    assert len(gaps) == len(everything)
    for start, stop in [(0, 2), (2, 5), (1, len(everything))]:
        assert described(gaps[start:stop]) == everything[start:stop], (start, stop)


def test_the_keys_of_every_gap_are_read_without_counting_them():
    """ "New gaps since last week's report" needs every gap's key, not the counts a page shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carehomes.gaps import GapList

    CareHomeFactory(name="Nobody House")
    with CaptureQueriesContext(connection) as ctx:
        keys = GapList().keys()
    assert (
        "no_lead",
        *CareHome.objects.filter(name="Nobody House").values_list("pk", "pcn_id").get(),
    ) in keys
    assert not [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
