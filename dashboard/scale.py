"""A national-scale data set for the benchmark: ~15,000 care homes, 1,250 PCNs, 6,500 practices,
10,000 staff, 2 million visits and three years of weekly reports.

Rows are generated as tuples and written with PostgreSQL's COPY (psycopg 3) when the database is
PostgreSQL, or with `bulk_create` in batches otherwise (the small version that runs in the suite).
Distributions follow the demo city: ~12 homes per PCN, ~5 practices per PCN, a visit to most homes
every week or so, and about 5–10 % of homes with a gap (no lead, no recent visit, or an outbreak).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from actionplan.models import GapReport
from carehomes.models import Assignment, CareHome, Visit
from carehomes.state import carehome_state_rebuild
from config.freshness import data_changed
from organisations.models import Organisation, StaffMember

REGIONS = [
    "North East",
    "North West",
    "Yorkshire",
    "East Midlands",
    "West Midlands",
    "East",
    "London",
    "South East",
    "South West",
]
HOME_TYPES = ["residential", "nursing", "both"]
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
# Postcode areas with a plausible district pattern, so postcodes pass the UK format check.
AREAS = [
    "LS",
    "BD",
    "HX",
    "WF",
    "HD",
    "YO",
    "HU",
    "S",
    "DN",
    "M",
    "L",
    "B",
    "NG",
    "LE",
    "CV",
    "NE",
    "SR",
    "DH",
    "BS",
    "EX",
    "PL",
    "SO",
    "BN",
    "CT",
    "ME",
    "RG",
    "OX",
    "MK",
    "CB",
    "NR",
    "IP",
    "CO",
    "SE",
    "N",
    "E",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class ScaleCounts:
    care_homes: int
    pcns: int
    practices: int
    staff: int
    visits: int


def targets(homes):
    """The national proportions, scaled to `homes` care homes."""
    return ScaleCounts(
        care_homes=homes,
        pcns=max(2, round(homes / 12)),
        practices=max(4, round(homes * 6500 / 15000)),
        staff=max(10, round(homes * 10000 / 15000)),
        visits=round(homes * 2_000_000 / 15000),
    )


def current_counts():
    return ScaleCounts(
        care_homes=CareHome.objects.count(),
        pcns=Organisation.objects.filter(kind=Organisation.Kind.PCN).count(),
        practices=Organisation.objects.filter(kind=Organisation.Kind.GP_PRACTICE).count(),
        staff=StaffMember.objects.count(),
        visits=Visit.objects.count(),
    )


def _postcode(rng):
    return f"{rng.choice(AREAS)}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


class _Writer:
    """COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def copy(self, model, columns, rows, batch=5000):
        if self.postgres:
            table = model._meta.db_table
            cols = ", ".join(f'"{c}"' for c in columns)
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg 3 cursor
                with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:  # noqa: S608 - table/column names are ours
                    for row in rows:
                        copy.write_row(row)
            return
        objs = []
        for row in rows:
            objs.append(model(**dict(zip(columns, row, strict=True))))
            if len(objs) >= batch:
                model.objects.bulk_create(objs)
                objs = []
        if objs:
            model.objects.bulk_create(objs)


def _reset_sequences(models):
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def build(homes=15000, *, seed=2020, weeks_of_reports=156, stdout=None):
    """Build the data set. Returns the counts made. Meant for an empty (or demo) database."""
    rng = random.Random(seed)
    t = targets(homes)
    today = timezone.localdate()
    now = timezone.now()
    write = _Writer()
    say = (lambda msg: stdout.write(msg)) if stdout else (lambda msg: None)

    with transaction.atomic():
        # Organisations: a commissioner per region, trusts, PCNs and practices.
        base_id = (Organisation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        org_rows = []
        next_id = base_id
        commissioners = []
        for i, region in enumerate(REGIONS):
            org_rows.append(
                (
                    next_id,
                    now,
                    now,
                    f"NHS {region} ICB",
                    f"Q{i + 70:02d}",
                    "commissioner",
                    "commissioner",
                    None,
                    region,
                    None,
                    "",
                    Decimal("0"),
                )
            )
            commissioners.append(next_id)
            next_id += 1
        trusts = []
        for i in range(max(4, homes // 150)):
            kind = rng.choice(["acute_trust", "mental_health_trust", "community_trust", "community_pharmacy"])
            org_rows.append(
                (
                    next_id,
                    now,
                    now,
                    f"Scale {kind.replace('_', ' ').title()} {i}",
                    f"Z{i:05d}",
                    kind,
                    SECTOR_FOR_KIND[kind],
                    None,
                    rng.choice(REGIONS),
                    None,
                    "",
                    Decimal("0"),
                )
            )
            trusts.append((next_id, kind))
            next_id += 1
        pcns = []
        for i in range(t.pcns):
            region = REGIONS[i % len(REGIONS)]
            committed = (
                Decimal("0") if rng.random() < 0.04 else Decimal(rng.choice([4, 6, 8, 10, 12, 15, 20]))
            )
            engagement = rng.choices(["engaged", "hesitant", "not_engaged"], [0.75, 0.18, 0.07])[0]
            org_rows.append(
                (
                    next_id,
                    now,
                    now,
                    f"Scale PCN {i}",
                    f"U{i:05d}",
                    "pcn",
                    "primary_care",
                    commissioners[i % len(commissioners)],
                    f"{region} {i % 40}",
                    None,
                    engagement,
                    committed,
                )
            )
            pcns.append(next_id)
            next_id += 1
        practices = []
        for i in range(t.practices):
            pcn = pcns[i % len(pcns)]
            org_rows.append(
                (
                    next_id,
                    now,
                    now,
                    f"Scale Practice {i}",
                    f"P{i:05d}",
                    "gp_practice",
                    "primary_care",
                    pcn,
                    "",
                    None,
                    "",
                    Decimal("0"),
                )
            )
            practices.append((next_id, pcn))
            next_id += 1
        write.copy(
            Organisation,
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "ods_code",
                "kind",
                "sector",
                "parent_id",
                "locality",
                "clinical_director_id",
                "engagement",
                "committed_hours",
            ],
            org_rows,
        )
        say(f"organisations: {len(org_rows)}\n")

        # Staff.
        staff_base = (StaffMember.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        employers = [(pcn, "pcn") for pcn in pcns] + trusts + [(p, "gp_practice") for p, _ in practices[::5]]
        staff_rows = []
        staff_hours = {}
        for i in range(t.staff):
            org_id, kind = rng.choice(employers)
            role = "pharmacist" if rng.random() < 0.7 else "technician"
            hours = Decimal(rng.choice([7.5, 10, 12, 15, 18, 22.5]))
            staff_id = staff_base + i
            staff_hours[staff_id] = hours
            staff_rows.append(
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
                    FUNDING_FOR_KIND.get(kind, "pcn"),
                    hours,
                    rng.random() > 0.02,
                )
            )
        write.copy(
            StaffMember,
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "user_id",
                "email",
                "role",
                "gphc_number",
                "organisation_id",
                "second_organisation_id",
                "funding",
                "hours_per_week",
                "is_active",
            ],
            staff_rows,
        )
        say(f"staff: {len(staff_rows)}\n")

        # Care homes, aligned to PCNs (a skewed number per PCN) and one of their practices.
        home_base = (CareHome.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        practices_by_pcn = {}
        for practice_id, pcn in practices:
            practices_by_pcn.setdefault(pcn, []).append(practice_id)
        weights = [rng.paretovariate(2.0) for _ in pcns]
        home_rows = []
        home_pcn = []
        outbreak_homes = set()
        for i in range(homes):
            pcn = rng.choices(pcns, weights)[0]
            outbreak = rng.random() < 0.02
            started = today - datetime.timedelta(days=rng.randint(0, 20)) if outbreak else None
            if outbreak:
                outbreak_homes.add(home_base + i)
            home_rows.append(
                (
                    home_base + i,
                    now,
                    now,
                    f"Scale Care Home {i}",
                    f"1-{2000000000 + i}",
                    f"{rng.randint(1, 300)} High Street",
                    _postcode(rng),
                    f"Locality {pcn % 400}",
                    rng.randint(10, 120),
                    rng.choice(HOME_TYPES),
                    pcn,
                    rng.choice(practices_by_pcn.get(pcn, [None])),
                    "registered",
                    datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 4000)),
                    "confirmed" if outbreak else "none",
                    started,
                )
            )
            home_pcn.append(pcn)
        write.copy(
            CareHome,
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "cqc_location_id",
                "address",
                "postcode",
                "locality",
                "beds",
                "home_type",
                "pcn_id",
                "practice_id",
                "registration_status",
                "registered_on",
                "outbreak_status",
                "outbreak_started_on",
            ],
            home_rows,
        )
        say(f"care homes: {len(home_rows)}\n")

        # Assignments: a lead for ~96 % of homes, support for ~30 %, within each person's hours.
        active_staff = [row[0] for row in staff_rows if row[-1]]
        spare = {sid: staff_hours[sid] for sid in active_staff}
        assignment_rows = []
        aid = (Assignment.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        leads = {}
        pool = list(active_staff)
        for i in range(homes):
            home_id = home_base + i
            roles = []
            if rng.random() > 0.04:
                roles.append("lead")
            if rng.random() < 0.3:
                roles.append("support")
            for role in roles:
                hours = Decimal("2") if role == "lead" else Decimal("1")
                for _ in range(6):
                    sid = rng.choice(pool)
                    if spare[sid] >= hours:
                        spare[sid] -= hours
                        starts = today - datetime.timedelta(days=rng.randint(30, 1000))
                        assignment_rows.append((aid, now, now, sid, home_id, role, hours, starts, None))
                        aid += 1
                        if role == "lead":
                            leads[home_id] = sid
                        break
        write.copy(
            Assignment,
            [
                "id",
                "created_at",
                "updated_at",
                "staff_id",
                "care_home_id",
                "role",
                "hours_per_week",
                "starts_on",
                "ends_on",
            ],
            assignment_rows,
        )
        say(f"assignments: {len(assignment_rows)}\n")

        # Visits: spread over three years, most homes visited within the last 28 days.
        per_home = max(1, t.visits // homes)
        lapsed = set(rng.sample(range(homes), k=max(1, homes // 25)))
        visit_count = 0

        def visit_rows():
            nonlocal visit_count
            for i in range(homes):
                home_id = home_base + i
                visitor = leads.get(home_id) or rng.choice(active_staff)
                newest = rng.randint(35, 120) if i in lapsed else rng.randint(0, 20)
                if home_id in outbreak_homes and rng.random() < 0.5:
                    newest = 25
                span = 3 * 365
                step = max(1, (span - newest) // per_home)
                for k in range(per_home):
                    visited = today - datetime.timedelta(days=newest + k * step)
                    smr = rng.random() < 0.5
                    visit_count += 1
                    yield (
                        now,
                        now,
                        home_id,
                        visitor,
                        visited,
                        rng.choice(["on_site", "on_site", "video", "phone"]),
                        smr,
                        rng.random() < 0.2,
                        rng.random() < 0.15,
                        rng.random() < 0.3,
                        rng.random() < 0.1,
                        rng.random() < 0.05,
                        rng.random() < 0.05,
                        False,
                        rng.randint(0, 8),
                        rng.randint(0, 3),
                        rng.randint(0, 2),
                        rng.randint(0, 1),
                        rng.randint(0, 1),
                        rng.randint(0, 1),
                        rng.randint(0, 1),
                        "",
                        rng.randint(20, 240),
                        "",
                        False,
                        None,
                        None,
                    )

        write.copy(
            Visit,
            [
                "created_at",
                "updated_at",
                "care_home_id",
                "staff_id",
                "visited_on",
                "mode",
                "activity_smr",
                "activity_medicines_reconciliation",
                "activity_post_discharge_review",
                "activity_home_round",
                "activity_medicines_supply",
                "activity_staff_training",
                "activity_audit",
                "activity_other",
                "residents_reviewed",
                "interventions_stopped",
                "interventions_dose_changed",
                "interventions_started",
                "interventions_switched",
                "interventions_monitoring",
                "issues_escalated",
                "escalation_summary",
                "minutes_spent",
                "notes",
                "is_cover",
                "submission_token",
                "created_by_id",
            ],
            visit_rows(),
        )
        say(f"visits: {visit_count}\n")

        # Three years of weekly reports (headline figures only: the trend charts read these).
        reports = []
        for w in range(weeks_of_reports, 0, -1):
            day = today - datetime.timedelta(weeks=w)
            year, week, _ = day.isocalendar()
            pct_lead = round(90 + rng.random() * 6, 1)
            reports.append(
                GapReport(
                    week=f"{year}-W{week:02d}",
                    version=1,
                    is_current=True,
                    generated_at=now - datetime.timedelta(weeks=w),
                    data={
                        "backfilled": True,
                        "headlines": {
                            "care_homes": homes,
                            "pct_with_lead": pct_lead,
                            "pct_visited_28d": round(88 + rng.random() * 8, 1),
                            "in_outbreak": rng.randint(homes // 100, homes // 40),
                        },
                        "gaps": [],
                    },
                )
            )
        existing = set(GapReport.objects.filter(is_current=True).values_list("week", flat=True))
        GapReport.objects.bulk_create([r for r in reports if r.week not in existing], batch_size=500)
        _reset_sequences([Organisation, StaffMember, CareHome, Assignment, Visit])
        # Rows went in by COPY / bulk_create (no signals): keep every home's state now.
        carehome_state_rebuild()

    data_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM also sets the visibility map, so index-only scans need no heap fetches.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return current_counts()
