"""Suggested named leads: the shortlist's ranking and reasons, and the optimal fill of the gaps."""

import itertools
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from carehomes import suggestions
from carehomes.models import Assignment
from tests.factories import (
    AssignmentFactory,
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    PracticeFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db


def test_solve_finds_the_optimum_where_greedy_would_not():
    # Worked by hand: greedy takes A-p1 (9) and ends with 9 + 7 + 1 = 17;
    # the best is A-p2, B-p1, C-p3 = 8 + 8 + 6 = 22 (checked against all six permutations).
    scores = [
        [9, 8, 1],  # home A
        [8, 1, 1],  # home B
        [1, 7, 6],  # home C
    ]
    assert sorted(suggestions.solve(scores)) == [(0, 1), (1, 0), (2, 2)]
    best = max(sum(scores[r][c] for r, c in enumerate(p)) for p in itertools.permutations(range(3)))
    assert best == 22


def test_shortlist_is_in_the_order_the_page_states_spare_hours_first_with_reasons():
    pcn = PcnFactory(name="Chapel Allerton PCN", locality="Leeds North")
    home = CareHomeFactory(pcn=pcn, locality="Leeds North")
    StaffMemberFactory(
        name="Local Person",
        organisation=PracticeFactory(parent=pcn, locality="Leeds North"),
        hours_per_week=Decimal("4"),
    )
    StaffMemberFactory(
        name="Far Person",
        organisation=OrganisationFactory(locality="Leeds South"),
        hours_per_week=Decimal("8"),
    )
    StaffMemberFactory(name="Busy Person", hours_per_week=Decimal("0.5"))
    StaffMemberFactory(name="Inactive Person", is_active=False, hours_per_week=Decimal("20"))
    StaffMemberFactory(
        name="Another Far Person",
        organisation=OrganisationFactory(locality="Leeds South"),
        hours_per_week=Decimal("4"),
    )
    ranked = suggestions.shortlist(home)
    # Spare hours first; at equal hours, the same PCN or locality first.
    assert [s.candidate.name for s in ranked] == ["Far Person", "Local Person", "Another Far Person"]
    local = ranked[1]
    assert "works in the home's PCN (Chapel Allerton PCN)" in local.reason
    assert "same locality (Leeds North)" in local.reason
    assert local.reason.startswith("4 hours a week spare")


def test_shortlist_is_the_first_of_every_candidate_in_the_stated_order():
    """The database ranks the candidates: the five it sends are the first five of every candidate
    sorted by the order the page states (`_order`), ties on spare hours, nearness and sector
    broken by name as Python orders text (by code point: "Zoe" before "adam" before "Émile"),
    then by id; with the reasons the page shows."""
    pcn = PcnFactory(locality="Leeds North")
    home = CareHomeFactory(pcn=pcn, locality="Leeds North")
    trust = OrganisationFactory(sector="secondary", locality="X")
    AssignmentFactory(
        care_home=home,
        role="support",
        staff=StaffMemberFactory(name="Supporter", organisation=trust, hours_per_week=Decimal("1")),
    )
    near = PracticeFactory(parent=pcn, locality="Elsewhere")
    same_sector = OrganisationFactory(sector="secondary", locality="X")
    other_sector = OrganisationFactory(sector="community_pharmacy", locality="X")
    for name, organisation, hours in [
        ("adam", other_sector, "6"),
        ("Zoe", other_sector, "6"),
        ("Émile", other_sector, "6"),
        ("Zoe", other_sector, "6"),
        ("Near Six", near, "6"),
        ("Same Six", same_sector, "6"),
        ("Locality Six", OrganisationFactory(sector="secondary", locality="Leeds North"), "6"),
        ("Seven", same_sector, "7"),
        ("Busy", other_sector, "0.5"),
    ]:
        StaffMemberFactory(name=name, organisation=organisation, hours_per_week=Decimal(hours))
    second = StaffMemberFactory(name="Second Org", organisation=other_sector, hours_per_week=Decimal("6"))
    second.second_organisation = pcn
    second.save()
    (facts,) = suggestions.home_facts([home])
    everyone = sorted(suggestions.candidates(), key=lambda c: suggestions._order(facts, c))

    for limit in (3, 5, 8, 20):
        ranked = suggestions.shortlist(home, limit=limit)

        assert [s.staff_id for s in ranked] == [c.staff_id for c in everyone[:limit]]
        assert [s.reason for s in ranked] == [suggestions.score(facts, c)[1] for c in everyone[:limit]]
    names = [s.candidate.name for s in suggestions.shortlist(home, limit=20)]
    assert names[:4] == ["Seven", "Near Six", "Second Org", "Locality Six"]
    assert names[4:9] == ["Zoe", "Zoe", "adam", "Émile", "Same Six"]


def test_shortlist_rewards_a_sector_not_yet_supporting_the_home():
    home = CareHomeFactory(locality="Elsewhere")
    trust = OrganisationFactory(sector="secondary", locality="X")
    AssignmentFactory(care_home=home, role="support", staff=StaffMemberFactory(organisation=trust))
    same = StaffMemberFactory(
        name="Same Sector", organisation=OrganisationFactory(sector="secondary", locality="X")
    )
    other = StaffMemberFactory(
        name="Other Sector", organisation=OrganisationFactory(sector="community_pharmacy", locality="X")
    )
    ranked = [s for s in suggestions.shortlist(home) if s.staff_id in (same.pk, other.pk)]
    assert ranked[0].staff_id == other.pk
    assert "adds community pharmacy to the home's support" in ranked[0].reason


def test_fill_gaps_matches_the_hand_worked_optimum():
    # Every candidate has 2 spare hours (2 points) and a sector new to every home (2 points).
    pa, pb, pc = PcnFactory(), PcnFactory(), PcnFactory()
    CareHomeFactory(name="A", pcn=pa, locality="North")
    CareHomeFactory(name="B", pcn=pb, locality="East")
    CareHomeFactory(name="C", pcn=pc, locality="South")
    p1 = StaffMemberFactory(
        name="p1", organisation=OrganisationFactory(locality="East"), hours_per_week=Decimal("2")
    )
    p1.second_organisation = pa
    p1.save()  # A: 4 + PCN 4 = 8; B: 4 + locality 3 = 7; C: 4
    p2 = StaffMemberFactory(
        name="p2", organisation=PracticeFactory(parent=pb, locality="North"), hours_per_week=Decimal("2")
    )
    # A: 4 + locality 3 = 7; B: 4 + PCN 4 = 8; C: 4
    p3 = StaffMemberFactory(
        name="p3", organisation=PracticeFactory(parent=pc, locality="South"), hours_per_week=Decimal("2")
    )
    # A: 4; B: 4; C: 4 + 4 + 3 = 11.  Best: A-p1, B-p2, C-p3 = 27 (A-p2, B-p1 gives 25).
    proposal = {row.home.name: row.suggestion for row in suggestions.fill_gaps(hours_per_home=Decimal("2"))}
    assert {name: s.staff_id for name, s in proposal.items()} == {"A": p1.pk, "B": p2.pk, "C": p3.pk}
    assert sum(s.score for s in proposal.values()) == 27


def test_fill_gaps_gives_one_person_several_homes_when_hours_allow():
    homes = CareHomeFactory.create_batch(2, locality="North")
    person = StaffMemberFactory(hours_per_week=Decimal("4"))
    proposal = suggestions.fill_gaps(locality="North", hours_per_home=Decimal("2"))
    assert [row.suggestion.staff_id for row in proposal] == [person.pk, person.pk]
    assert {row.home.pk for row in proposal} == {h.pk for h in homes}


def test_fill_gaps_leaves_homes_with_a_lead_alone():
    AssignmentFactory(role="lead")
    StaffMemberFactory()
    assert suggestions.fill_gaps() == []


def test_accept_all_creates_every_lead_in_one_step(client_for, pm_user):
    homes = CareHomeFactory.create_batch(2, locality="North")
    people = StaffMemberFactory.create_batch(2, hours_per_week=Decimal("2"))
    data = {"locality": "North", "hours_per_week": "2", "home": [h.pk for h in homes]}
    data |= {f"staff_{h.pk}": p.pk for h, p in zip(homes, people, strict=True)}
    response = client_for(pm_user).post("/care-homes/fill-gaps/", data)
    assert response.status_code == 302
    assert Assignment.objects.filter(role="lead", starts_on=timezone.localdate()).count() == 2


def test_accept_all_rolls_everything_back_and_names_the_failing_row(client_for, pm_user):
    homes = CareHomeFactory.create_batch(2, locality="North")
    good = StaffMemberFactory(hours_per_week=Decimal("2"))
    gone = StaffMemberFactory(name="Gone Person", hours_per_week=Decimal("2"), is_active=False)
    data = {"locality": "North", "hours_per_week": "2", "home": [h.pk for h in homes]}
    data |= {f"staff_{homes[0].pk}": good.pk, f"staff_{homes[1].pk}": gone.pk}
    response = client_for(pm_user).post("/care-homes/fill-gaps/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 2" in html and "Gone Person is not active" in html
    assert not Assignment.objects.exists()


def test_fill_gaps_page_shows_a_proposal(client_for, pm_user):
    CareHomeFactory(name="Needs A Lead", locality="North")
    StaffMemberFactory(name="Spare Person", hours_per_week=Decimal("5"))
    html = client_for(pm_user).get("/care-homes/fill-gaps/?locality=North&hours_per_week=2").content.decode()
    assert "Needs A Lead" in html and "Spare Person (proposed)" in html and "Accept all" in html


def test_fill_gaps_page_is_for_coordinators(client_for, slt_user):
    assert client_for(slt_user).get("/care-homes/fill-gaps/").status_code == 403


def test_fill_gaps_reasons_follow_the_person_chosen_in_each_row(client_for, pm_user):
    """Issue 14: each option carries its own reason (the page's script shows it when the row is
    changed), and a proposal shown again after an error gives the reason for the person chosen."""
    homes = CareHomeFactory.create_batch(2, locality="North")
    alex = StaffMemberFactory(name="Alex Spare", hours_per_week=Decimal("6"))
    sam = StaffMemberFactory(name="Sam Some", hours_per_week=Decimal("3"))
    gone = StaffMemberFactory(name="Gone Person", hours_per_week=Decimal("2"), is_active=False)
    client = client_for(pm_user)
    html = client.get("/care-homes/fill-gaps/?locality=North&hours_per_week=2").content.decode()
    assert '<script type="module" src="/static/js/fill_gaps.js">' in html
    for home in homes:
        assert (
            f'data-reason-for="reason_{home.pk}"' in html
            and f'id="reason_{home.pk}" aria-live="polite"' in html
        )
    assert re.search(rf'<option value="{sam.pk}" data-reason="3 hours a week spare[^"]*"', html)
    assert re.search(rf'<option value="{alex.pk}" data-reason="\d+ hours a week spare[^"]*"', html)
    assert 'data-reason="No named lead: the home stays on the gap list."' in html

    # Sam chosen for the first home and an inactive person for the second: refused, shown again;
    # the first row's reason is Sam's, not the proposed person's.
    data = {"locality": "North", "hours_per_week": "2", "home": [h.pk for h in homes]}
    data |= {f"staff_{homes[0].pk}": sam.pk, f"staff_{homes[1].pk}": gone.pk}
    html = client.post("/care-homes/fill-gaps/", data).content.decode()
    reason = re.search(rf'id="reason_{homes[0].pk}" aria-live="polite">([^<]*)<', html).group(1)
    assert reason.startswith("3 hours a week spare"), reason
