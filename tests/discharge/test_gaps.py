"""The discharge gap rules, shown with the care-home ones in the one gap list."""

import datetime

import pytest
from django.utils import timezone

from carehomes.gaps import RULES, current_gaps
from discharge.states import State
from tests.conftest import FROZEN_TODAY
from tests.factories import CareHomeFactory, DischargeFollowUpFactory, OrganisationFactory

# Today frozen for the whole test: a "today" read at import goes stale if the suite crosses midnight.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
TODAY = FROZEN_TODAY


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def codes(**kwargs):
    return [
        (g.rule.code, g.subject)
        for g in current_gaps(
            rules=["discharge_not_followed_up", "discharge_trust_drop_off", "no_supplying_pharmacy"], **kwargs
        )
    ]


def test_the_rules_are_registered_with_the_gap_list():
    assert {"discharge_not_followed_up", "discharge_trust_drop_off", "no_supplying_pharmacy"} <= set(RULES)


def test_home_with_a_recent_discharge_not_followed_up_has_a_gap():
    open_one = DischargeFollowUpFactory(received_at=days_ago(3), routed_at=days_ago(3))
    DischargeFollowUpFactory(received_at=days_ago(3), routed_at=days_ago(3), state=State.CLOSED_COMPLETE)
    DischargeFollowUpFactory(received_at=days_ago(15), routed_at=days_ago(15))  # older than 14 days
    assert codes() == [("discharge_not_followed_up", open_one.care_home.name)]
    gap = current_gaps(rules=["discharge_not_followed_up"])[0]
    assert "1 discharge from the last 14 days not yet followed up" in gap.reason


def test_a_partial_close_counts_as_followed_up():
    DischargeFollowUpFactory(state=State.CLOSED_PARTIAL, close_reason="died", closed_at=timezone.now())
    assert codes() == []


def test_trust_that_stopped_referring_for_28_days_is_a_drop_off():
    quiet = OrganisationFactory(name="Quiet Trust")
    DischargeFollowUpFactory(
        trust=quiet, received_at=days_ago(29), routed_at=days_ago(29), state=State.CLOSED_COMPLETE
    )
    busy = OrganisationFactory(name="Busy Trust")
    DischargeFollowUpFactory(
        trust=busy, received_at=days_ago(40), routed_at=days_ago(40), state=State.CLOSED_COMPLETE
    )
    DischargeFollowUpFactory(
        trust=busy, received_at=days_ago(28), routed_at=days_ago(28), state=State.CLOSED_COMPLETE
    )
    assert codes() == [("discharge_trust_drop_off", "Quiet Trust")]


def test_home_without_a_supplying_pharmacy_has_a_gap():
    home = CareHomeFactory(supplying_pharmacy=None, name="Nowhere House")
    assert codes() == [("no_supplying_pharmacy", "Nowhere House")]
    assert codes(homes=home.__class__.objects.exclude(pk=home.pk)) == []


def test_gaps_page_shows_them_with_the_others(client_for, pm_user):
    CareHomeFactory(supplying_pharmacy=None, name="Nowhere House")
    html = client_for(pm_user).get("/gaps/").content.decode()
    assert "No supplying pharmacy recorded" in html and "Nowhere House" in html


def test_a_trust_that_stopped_referring_is_fixed_on_its_own_page(client_for, pm_user):
    quiet = OrganisationFactory(name="Quiet Trust")
    DischargeFollowUpFactory(
        trust=quiet, received_at=days_ago(29), routed_at=days_ago(29), state=State.CLOSED_COMPLETE
    )
    response = client_for(pm_user).get("/gaps/?rule=discharge_trust_drop_off")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quiet Trust" in html and f'href="/organisations/{quiet.pk}/">Talk to the trust' in html


def test_the_rules_run_the_same_few_queries_for_few_and_many_follow_ups_and_trusts():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from discharge.gaps import discharge_gaps

    def count():
        with CaptureQueriesContext(connection) as ctx:
            gaps = discharge_gaps(today=timezone.localdate())
        return len(ctx.captured_queries), len(gaps)

    DischargeFollowUpFactory(received_at=days_ago(2), routed_at=days_ago(2))
    DischargeFollowUpFactory(received_at=days_ago(40), routed_at=days_ago(40))
    few = count()
    for n in range(12):
        DischargeFollowUpFactory(received_at=days_ago(n % 20), routed_at=days_ago(n % 20))
        DischargeFollowUpFactory(received_at=days_ago(30 + n), routed_at=days_ago(30 + n))  # quiet trusts
    CareHomeFactory(supplying_pharmacy=None)
    many = count()
    assert few[0] == many[0] == 5
    assert many[1] > few[1] + 10


DISCHARGE_CODES = ["discharge_not_followed_up", "discharge_trust_drop_off", "no_supplying_pharmacy"]


def _city_of_discharge_gaps(n):
    for i in range(n):
        DischargeFollowUpFactory(
            received_at=days_ago(i % 10), routed_at=days_ago(i % 10), care_home__name=f"Home {n - i:03d}"
        )
        DischargeFollowUpFactory(received_at=days_ago(35 + i), routed_at=days_ago(35 + i))  # a quiet trust
        CareHomeFactory(supplying_pharmacy=None, name=f"Nowhere {i:03d}")


def test_a_page_of_the_gap_list_builds_the_same_gaps_as_collecting_them_all():
    """The discharge source is paged where the gaps are made: any slice of the gap list has the
    gaps, reasons and order that building every gap and slicing would give."""
    from carehomes.gaps import GapList

    _city_of_discharge_gaps(7)
    everything = [g.as_dict() for g in current_gaps(rules=DISCHARGE_CODES)]
    gaps = GapList(rules=DISCHARGE_CODES)
    assert len(gaps) == len(everything) == 7 + 7 + 7
    assert gaps.counts == {
        "discharge_not_followed_up": 7,
        "discharge_trust_drop_off": 7,
        "no_supplying_pharmacy": 7,
    }
    for start, stop in [(0, 5), (5, 9), (6, 15), (13, 21), (0, 21)]:
        assert [g.as_dict() for g in gaps[start:stop]] == everything[start:stop], (start, stop)
    assert gaps.keys() == {(g["rule"], g["care_home_id"], g["pcn_id"]) for g in everything}


def test_a_page_of_discharge_gaps_runs_the_same_queries_for_few_and_many():
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carehomes.gaps import GapList

    def count():
        with CaptureQueriesContext(connection) as ctx:
            shown = Paginator(GapList(rules=DISCHARGE_CODES), 4).get_page(1).object_list
        return len(ctx.captured_queries), len(shown)

    _city_of_discharge_gaps(5)
    few = count()
    _city_of_discharge_gaps(15)
    many = count()
    assert few[0] == many[0] and many[1] == 4


def test_a_home_with_several_open_discharges_is_one_gap_counted_once():
    """The count is of homes, not follow-ups: the gap list's total and its pages agree."""
    from carehomes.gaps import GapList

    home = CareHomeFactory(name="Busy House")
    for n in (1, 2, 3):
        DischargeFollowUpFactory(care_home=home, received_at=days_ago(n), routed_at=days_ago(n))
    DischargeFollowUpFactory(received_at=days_ago(2), routed_at=days_ago(2), care_home__name="Calm House")
    gaps = GapList(rules=["discharge_not_followed_up"])
    assert gaps.counts == {"discharge_not_followed_up": 2}
    assert [g.subject for g in gaps[0:10]] == ["Busy House", "Calm House"]
    assert "3 discharges from the last 14 days" in gaps[0:1][0].reason


def test_pages_of_discharge_gaps_follow_names_as_python_orders_them():
    """Capitals before small letters before accents (code point order), as the whole list sorts."""
    from carehomes.gaps import GapList

    for name in ("adams House", "Zed House", "Émile House", "Bob House", "bob House"):
        DischargeFollowUpFactory(received_at=days_ago(1), routed_at=days_ago(1), care_home__name=name)
    everything = [g.subject for g in current_gaps(rules=["discharge_not_followed_up"])]
    assert everything == ["Bob House", "Zed House", "adams House", "bob House", "Émile House"]
    gaps = GapList(rules=["discharge_not_followed_up"])
    assert [g.subject for g in gaps[0:2]] + [g.subject for g in gaps[2:5]] == everything
