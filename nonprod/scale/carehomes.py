"""The carehomes app's tables at national scale: care homes, their assignments and their visits."""

import datetime
from decimal import Decimal

from carehomes.models import Assignment, CareHome, Visit
from nonprod.scale.counts import next_id

HOME_TYPES = ["residential", "nursing", "both"]
# Postcode areas with a plausible district pattern, so postcodes pass the UK format check.
AREAS = [
    "LS", "BD", "HX", "WF", "HD", "YO", "HU", "S", "DN", "M", "L", "B", "NG", "LE", "CV", "NE", "SR", "DH",
    "BS", "EX", "PL", "SO", "BN", "CT", "ME", "RG", "OX", "MK", "CB", "NR", "IP", "CO", "SE", "N", "E",
]  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _postcode(rng):
    return f"{rng.choice(AREAS)}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


CARE_HOME_COLUMNS = (
    "id", "created_at", "updated_at", "name", "cqc_location_id", "address", "postcode", "locality", "beds",
    "home_type", "pcn_id", "practice_id", "registration_status", "registered_on", "outbreak_status",
    "outbreak_started_on",
)  # fmt: skip


def care_homes(rng, made, write, homes):
    """Care homes aligned to PCNs (a skewed number per PCN) and one of their practices."""
    now, today, base = made.now, made.today, next_id(CareHome)
    practices_by_pcn = {}
    for practice_id, pcn in made.practices:
        practices_by_pcn.setdefault(pcn, []).append(practice_id)
    weights = [rng.paretovariate(2.0) for _ in made.pcns]
    rows = []
    for i in range(homes):
        home_id = base + i
        pcn = rng.choices(made.pcns, weights)[0]
        outbreak = rng.random() < 0.02
        started = today - datetime.timedelta(days=rng.randint(0, 20)) if outbreak else None
        if outbreak:
            made.outbreak_homes.add(home_id)
        rows.append(
            (
                home_id, now, now, f"Scale Care Home {i}", f"1-{2000000000 + i}",
                f"{rng.randint(1, 300)} High Street", _postcode(rng), f"Locality {pcn % 400}",
                rng.randint(10, 120), rng.choice(HOME_TYPES), pcn, rng.choice(practices_by_pcn.get(pcn, [None])),
                "registered", datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 4000)),
                "confirmed" if outbreak else "none", started,
            )
        )  # fmt: skip
        made.home_ids.append(home_id)
    write.copy(CareHome, CARE_HOME_COLUMNS, rows)
    return len(rows)


ASSIGNMENT_COLUMNS = (
    "id", "created_at", "updated_at", "staff_id", "care_home_id", "role", "hours_per_week", "starts_on", "ends_on",
)  # fmt: skip


def assignments(rng, made, write):
    """A lead for ~96 % of homes, support for ~30 %, within each person's hours."""
    now, today = made.now, made.today
    spare = {sid: made.staff_hours[sid] for sid in made.active_staff}
    rows = []
    aid = next_id(Assignment)
    for home_id in made.home_ids:
        roles = []
        if rng.random() > 0.04:
            roles.append("lead")
        if rng.random() < 0.3:
            roles.append("support")
        for role in roles:
            hours = Decimal("2") if role == "lead" else Decimal("1")
            for _ in range(6):
                sid = rng.choice(made.active_staff)
                if spare[sid] >= hours:
                    spare[sid] -= hours
                    starts = today - datetime.timedelta(days=rng.randint(30, 1000))
                    rows.append((aid, now, now, sid, home_id, role, hours, starts, None))
                    aid += 1
                    if role == "lead":
                        made.leads[home_id] = sid
                    break
    write.copy(Assignment, ASSIGNMENT_COLUMNS, rows)
    return len(rows)


VISIT_COLUMNS = (
    "created_at", "updated_at", "care_home_id", "staff_id", "visited_on", "mode", "activity_smr",
    "activity_medicines_reconciliation", "activity_post_discharge_review", "activity_home_round",
    "activity_medicines_supply", "activity_staff_training", "activity_audit", "activity_other",
    "residents_reviewed", "interventions_stopped", "interventions_dose_changed", "interventions_started",
    "interventions_switched", "interventions_monitoring", "issues_escalated", "escalation_summary",
    "minutes_spent", "notes", "is_cover", "submission_token", "created_by_id",
)  # fmt: skip


def visits(rng, made, write, *, per_home):
    """Visits spread over three years, most homes visited within the last 28 days."""
    now, today = made.now, made.today
    lapsed = set(rng.sample(range(len(made.home_ids)), k=max(1, len(made.home_ids) // 25)))
    count = 0

    def rows():
        nonlocal count
        for i, home_id in enumerate(made.home_ids):
            visitor = made.leads.get(home_id) or rng.choice(made.active_staff)
            newest = rng.randint(35, 120) if i in lapsed else rng.randint(0, 20)
            if home_id in made.outbreak_homes and rng.random() < 0.5:
                newest = 25
            step = max(1, (3 * 365 - newest) // per_home)
            for k in range(per_home):
                visited = today - datetime.timedelta(days=newest + k * step)
                smr = rng.random() < 0.5
                count += 1
                yield (
                    now, now, home_id, visitor, visited, rng.choice(["on_site", "on_site", "video", "phone"]),
                    smr, rng.random() < 0.2, rng.random() < 0.15, rng.random() < 0.3,
                    rng.random() < 0.1, rng.random() < 0.05, rng.random() < 0.05, False,
                    rng.randint(0, 8), rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 1), rng.randint(0, 1),
                    rng.randint(0, 1), rng.randint(0, 1), "", rng.randint(20, 240), "", False, None, None,
                )  # fmt: skip

    write.copy(Visit, VISIT_COLUMNS, rows())
    return count
