"""Who could be a care home's named lead: a ranked shortlist, and an optimal fill of the gaps.

A candidate is an active pharmacist or pharmacy technician with at least an hour a week spare.
The score of a candidate for a home, and the reason shown for it, add up:

- spare hours a week, one point an hour up to `SPARE_CAP` (so capacity counts, but does not
  swamp everything else);
- `PCN_POINTS` if they work for the home's PCN (or a practice in it);
- `LOCALITY_POINTS` if their organisation is in the home's locality;
- `SECTOR_POINTS` if their sector is not yet among the people supporting the home (sector balance).

`fill_gaps` gives every home without a lead at most one person, maximising the total score with
SciPy's `linear_sum_assignment` (the Hungarian method). A person with spare hours for several
homes appears as several "slots", each worth the spare hours left after the slots before it.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from scipy.optimize import linear_sum_assignment

from carehomes.gaps import with_gap_facts
from carehomes.models import Assignment, CareHome, not_ended_by
from carehomes.selectors import HOURS
from config.presenters import hours as hours_text
from config.querysets import by_code_point
from organisations.models import Sector, StaffMember

SPARE_CAP = Decimal("10")
PCN_POINTS = 4
LOCALITY_POINTS = 3
SECTOR_POINTS = 2
MIN_SPARE = Decimal("1")
DEFAULT_HOURS_PER_HOME = Decimal("2")
MAX_HOMES_PER_RUN = 500  # keeps the cost matrix small enough to solve in a request
SECTOR_NAMES = dict(Sector.choices)


@dataclass
class Candidate:
    staff_id: int
    name: str
    role: str
    spare: Decimal
    organisation_ids: frozenset
    organisation_name: str
    organisation_parent_id: int | None
    locality: str
    sector: str


@dataclass
class HomeFacts:
    pk: int
    name: str
    pcn_id: int | None
    pcn_name: str
    locality: str
    sectors: frozenset  # sectors already supporting the home
    supporters: frozenset  # staff ids assigned now


@dataclass
class Suggestion:
    candidate: Candidate
    score: float
    reason: str

    @property
    def staff_id(self):
        return self.candidate.staff_id


def _candidate_rows(min_spare):
    """Active pharmacists and technicians with at least `min_spare` hours a week spare, as rows.

    Hours assigned are summed over one join of the assignments not yet ended (as `staff_capacity`
    counts them), which PostgreSQL aggregates in one pass: a correlated sum per person cost a
    country's 10,000 people 20,000 index look-ups."""
    today = timezone.localdate()
    assigned = Sum("assignments__hours_per_week", filter=not_ended_by(today, prefix="assignments__"))
    return (
        StaffMember.objects.filter(
            is_active=True, role__in=[StaffMember.Role.PHARMACIST, StaffMember.Role.TECHNICIAN]
        )
        .deployable()
        .annotate(assigned_hours=Coalesce(assigned, Value(Decimal("0")), output_field=HOURS))
        .annotate(
            spare_hours=ExpressionWrapper(F("hours_per_week") - F("assigned_hours"), output_field=HOURS)
        )
        .filter(spare_hours__gte=min_spare)
    )


def _as_candidates(rows):
    rows = rows.values(
        "pk",
        "name",
        "role",
        "spare_hours",
        "organisation_id",
        "second_organisation_id",
        "organisation__name",
        "organisation__parent_id",
        "organisation__locality",
        "organisation__sector",
    )
    return [
        Candidate(
            staff_id=r["pk"],
            name=r["name"],
            role=r["role"],
            spare=Decimal(r["spare_hours"]),
            organisation_ids=frozenset(i for i in (r["organisation_id"], r["second_organisation_id"]) if i),
            organisation_name=r["organisation__name"],
            organisation_parent_id=r["organisation__parent_id"],
            locality=r["organisation__locality"] or "",
            sector=r["organisation__sector"],
        )
        for r in rows
    ]


def candidates(min_spare=MIN_SPARE):
    """Active pharmacists and technicians with at least `min_spare` hours a week spare (one query)."""
    return _as_candidates(_candidate_rows(min_spare).order_by("name", "pk"))


def home_facts(homes):
    """What the score needs to know about each home (one query for who supports them now)."""
    homes = list(homes)
    today = timezone.localdate()
    sectors, supporters = defaultdict(set), defaultdict(set)
    current = (
        Assignment.objects.filter(care_home__in=[h.pk for h in homes])
        .current(today)
        .values_list("care_home_id", "staff_id", "staff__organisation__sector")
    )
    for home_id, staff_id, sector in current:
        sectors[home_id].add(sector)
        supporters[home_id].add(staff_id)
    return [
        HomeFacts(
            pk=h.pk,
            name=h.name,
            pcn_id=h.pcn_id,
            pcn_name=h.pcn.name if h.pcn_id else "",
            locality=h.locality,
            sectors=frozenset(sectors[h.pk]),
            supporters=frozenset(supporters[h.pk]),
        )
        for h in homes
    ]


def score(home: HomeFacts, candidate: Candidate, spare=None):
    """(score, reason) of a candidate for a home."""
    spare = candidate.spare if spare is None else spare
    points = float(min(spare, SPARE_CAP))
    reasons = [f"{hours_text(spare)} hours a week spare"]
    in_pcn = home.pcn_id is not None and (
        home.pcn_id in candidate.organisation_ids or candidate.organisation_parent_id == home.pcn_id
    )
    if in_pcn:
        points += PCN_POINTS
        reasons.append(f"works in the home's PCN ({home.pcn_name})")
    if home.locality and candidate.locality == home.locality:
        points += LOCALITY_POINTS
        reasons.append(f"same locality ({home.locality})")
    if candidate.sector not in home.sectors:
        points += SECTOR_POINTS
        sector = SECTOR_NAMES.get(candidate.sector, candidate.sector).lower()
        reasons.append(
            f"adds {sector} to the home's support"
            if home.sectors
            else f"{sector} ({candidate.organisation_name})"
        )
    if candidate.staff_id in home.supporters:
        reasons.append("already supports this home")
    reason = "; ".join(reasons)
    return points, reason[0].upper() + reason[1:] + "."


def _order(home: HomeFacts, candidate: Candidate):
    """The order the home's page states: spare hours, then the same PCN or locality, then a new sector."""
    near = (
        home.pcn_id is not None
        and (home.pcn_id in candidate.organisation_ids or candidate.organisation_parent_id == home.pcn_id)
    ) or bool(home.locality and candidate.locality == home.locality)
    return (-candidate.spare, not near, candidate.sector in home.sectors, candidate.name, candidate.staff_id)


def _flag(conditions):
    """1 where any of the conditions holds, else 0 (0 for none at all)."""
    if not conditions:
        return Value(0)
    either = conditions[0]
    for condition in conditions[1:]:
        either |= condition
    return Case(When(either, then=Value(1)), default=Value(0), output_field=IntegerField())


def _ranked_for(home: HomeFacts, rows):
    """The rows in `_order`'s order for the home, decided in the database."""
    near = []
    if home.pcn_id is not None:
        near += [
            Q(organisation_id=home.pcn_id),
            Q(second_organisation_id=home.pcn_id),
            Q(organisation__parent_id=home.pcn_id),
        ]
    if home.locality:
        near.append(Q(organisation__locality=home.locality))
    known = [sector for sector in home.sectors if sector is not None]
    in_sectors = [Q(organisation__sector__in=known)] if known else []
    if None in home.sectors:
        in_sectors.append(Q(organisation__sector__isnull=True))
    return rows.annotate(near=_flag(near), in_sectors=_flag(in_sectors)).order_by(
        "-spare_hours", "-near", "in_sectors", by_code_point("name"), "pk"
    )


def shortlist(care_home, limit=5):
    """The best `limit` candidates to be a home's named lead, in the order the page states, each with its reason.

    Most spare hours first; among equal hours, someone in the home's PCN or locality; then someone
    from a sector not yet supporting the home. (Fill the gaps weighs the same facts as a score.)
    The database ranks every candidate and sends only the first `limit`: a country has 10,000.
    """
    (home,) = home_facts([care_home])
    chosen = _as_candidates(_ranked_for(home, _candidate_rows(MIN_SPARE))[:limit])
    return [Suggestion(candidate, *score(home, candidate)) for candidate in chosen]


def solve(scores):
    """Row → column pairs that maximise the total of a (rows × columns) score matrix."""
    matrix = np.asarray(scores, dtype=float)
    if matrix.size == 0:
        return []
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


@dataclass
class ProposalRow:
    home: CareHome
    suggestion: Suggestion | None
    alternatives: list  # other good candidates for the home, for the PM to choose instead


def homes_without_lead(locality=None):
    """Registered homes with no lead now and none planned, worst gaps first (capped per run)."""
    today = timezone.localdate()
    planned_lead = Assignment.objects.filter(role=Assignment.Role.LEAD).not_ended(today)
    qs = with_gap_facts(CareHome.objects.exclude(registration_status=CareHome.Registration.DEREGISTERED))
    qs = qs.filter(gap_no_lead=True).exclude(pk__in=planned_lead.values("care_home_id"))
    if locality:
        qs = qs.filter(locality=locality)
    return list(qs.select_related("pcn").order_by("-gap_count", "name", "pk")[:MAX_HOMES_PER_RUN])


def fill_gaps(locality=None, hours_per_home=DEFAULT_HOURS_PER_HOME, alternatives=4):
    """An optimal proposal: each home without a lead → at most one person with spare hours."""
    hours_per_home = Decimal(hours_per_home)
    homes = homes_without_lead(locality)
    facts = home_facts(homes)
    pool = candidates(min_spare=hours_per_home)
    slots = []  # (candidate, spare before this slot)
    for candidate in pool:
        count = min(math.floor(candidate.spare / hours_per_home), len(homes))
        slots += [(candidate, candidate.spare - k * hours_per_home) for k in range(count)]
    matrix = [[score(home, c, spare)[0] for c, spare in slots] for home in facts]
    chosen = dict(solve(matrix)) if slots else {}
    proposal = []
    for row, (home, fact) in enumerate(zip(homes, facts, strict=True)):
        suggestion = None
        if row in chosen:
            candidate, spare = slots[chosen[row]]
            points, reason = score(fact, candidate, spare)
            suggestion = Suggestion(candidate, points, reason)
        ranked = sorted(
            (Suggestion(c, *score(fact, c)) for c in pool),
            key=lambda s: (-s.score, s.candidate.name, s.candidate.staff_id),
        )
        others = [s for s in ranked if not suggestion or s.staff_id != suggestion.staff_id][:alternatives]
        proposal.append(ProposalRow(home, suggestion, others))
    return proposal
