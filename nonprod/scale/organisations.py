"""The organisations app's tables at national scale: organisations (commissioners, trusts, PCNs and
their practices) and the staff they employ."""

from decimal import Decimal

from nonprod.scale.counts import REGIONS, next_id, targets
from organisations.models import Organisation, StaffMember

SECTOR_FOR_KIND = {
    "acute_trust": "secondary",
    "mental_health_trust": "mental_health",
    "community_trust": "community",
    "community_pharmacy": "community_pharmacy",
}
FUNDING_FOR_KIND = {
    "acute_trust": "secondary_care",
    "mental_health_trust": "mental_health",
    "community_trust": "secondary_care",
    "community_pharmacy": "community_pharmacy",
    "pcn": "pcn",
    "gp_practice": "practice",
    "commissioner": "commissioner",
}

ORGANISATION_COLUMNS = (
    "id", "created_at", "updated_at", "name", "ods_code", "kind", "sector", "parent_id", "locality",
    "clinical_director_id", "engagement", "committed_hours", "postcode", "is_active",
)  # fmt: skip


def organisations(rng, made, write, homes):
    """A commissioner per region, trusts, PCNs and their practices."""
    now, rows = made.now, []
    new_id = next_id(Organisation)

    def add(name, ods, kind, sector, parent, locality, engagement="", committed=Decimal("0")):
        nonlocal new_id
        rows.append(
            (
                new_id,
                now,
                now,
                name,
                ods,
                kind,
                sector,
                parent,
                locality,
                None,
                engagement,
                committed,
                "",
                True,
            )
        )
        new_id += 1
        return new_id - 1

    for i, region in enumerate(REGIONS):
        made.commissioners.append(
            add(f"NHS {region} ICB", f"Q{i + 70:02d}", "commissioner", "commissioner", None, region)
        )
    for i in range(max(4, homes // 150)):
        kind = rng.choice(["acute_trust", "mental_health_trust", "community_trust", "community_pharmacy"])
        name = f"Scale {kind.replace('_', ' ').title()} {i}"
        made.trusts.append(
            (add(name, f"Z{i:05d}", kind, SECTOR_FOR_KIND[kind], None, rng.choice(REGIONS)), kind)
        )
    for i in range(targets(homes).pcns):
        region = REGIONS[i % len(REGIONS)]
        committed = Decimal("0") if rng.random() < 0.04 else Decimal(rng.choice([4, 6, 8, 10, 12, 15, 20]))
        engagement = rng.choices(["engaged", "hesitant", "not_engaged"], [0.75, 0.18, 0.07])[0]
        parent = made.commissioners[i % len(made.commissioners)]
        made.pcns.append(
            add(
                f"Scale PCN {i}",
                f"U{i:05d}",
                "pcn",
                "primary_care",
                parent,
                f"{region} {i % 40}",
                engagement,
                committed,
            )
        )
    for i in range(targets(homes).practices):
        pcn = made.pcns[i % len(made.pcns)]
        made.practices.append(
            (add(f"Scale Practice {i}", f"P{i:05d}", "gp_practice", "primary_care", pcn, ""), pcn)
        )
    write.copy(Organisation, ORGANISATION_COLUMNS, rows)
    return len(rows)


STAFF_COLUMNS = (
    "id", "created_at", "updated_at", "name", "user_id", "email", "role", "gphc_number", "organisation_id",
    "second_organisation_id", "funding", "hours_per_week", "is_active",
)  # fmt: skip


def staff(rng, made, write, count):
    """Pharmacists and technicians employed by PCNs, trusts and one practice in five."""
    now, base = made.now, next_id(StaffMember)
    employers = (
        [(pcn, "pcn") for pcn in made.pcns]
        + made.trusts
        + [(p, "gp_practice") for p, _ in made.practices[::5]]
    )
    rows = []
    for i in range(count):
        org_id, kind = rng.choice(employers)
        role = "pharmacist" if rng.random() < 0.7 else "technician"
        hours = Decimal(rng.choice([7.5, 10, 12, 15, 18, 22.5]))
        staff_id = base + i
        made.staff_hours[staff_id] = hours
        active = rng.random() > 0.02
        if active:
            made.active_staff.append(staff_id)
        funding = FUNDING_FOR_KIND.get(kind, "pcn")
        rows.append(
            (
                staff_id,
                now,
                now,
                f"Scale Staff {i}",
                None,
                "",
                role,
                f"{5000000 + i:07d}",
                org_id,
                None,
                funding,
                hours,
                active,
            )
        )
    write.copy(StaffMember, STAFF_COLUMNS, rows)
    return len(rows)
