"""A national-scale data set for the benchmark: ~15,000 care homes, 1,250 PCNs, 6,500 practices,
10,000 staff, 2 million visits and three years of weekly reports.

Rows are generated as tuples and written with PostgreSQL's COPY (psycopg 3) when the database is
PostgreSQL, or with `bulk_create` in batches otherwise (the small version that runs in the suite).
Distributions follow the demo city: ~12 homes per PCN, ~5 practices per PCN, a visit to most homes
every week or so, and about 5–10 % of homes with a gap (no lead, no recent visit, or an outbreak).
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from actionplan.models import GapReport
from carehomes.models import Assignment, CareHome, Visit
from carehomes.hours_state import organisation_hours_rebuild
from carehomes.state import carehome_state_rebuild
from config.freshness import data_changed
from nonprod.table_writer import TableWriter, reset_sequences
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
    "LS", "BD", "HX", "WF", "HD", "YO", "HU", "S", "DN", "M", "L", "B", "NG", "LE", "CV", "NE", "SR", "DH",
    "BS", "EX", "PL", "SO", "BN", "CT", "ME", "RG", "OX", "MK", "CB", "NR", "IP", "CO", "SE", "N", "E",
]  # fmt: skip
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


def build(homes=15000, *, seed=2020, weeks_of_reports=156, stdout=None):
    """Build the data set. Returns the counts made. Meant for an empty (or demo) database."""
    rng = random.Random(seed)
    made = _Made(today=timezone.localdate(), now=timezone.now())
    write = TableWriter()
    say = (lambda msg: stdout.write(msg)) if stdout else (lambda msg: None)
    with transaction.atomic():
        say(f"organisations: {_organisations(rng, made, write, homes)}\n")
        say(f"staff: {_staff(rng, made, write, targets(homes).staff)}\n")
        say(f"care homes: {_care_homes(rng, made, write, homes)}\n")
        say(f"assignments: {_assignments(rng, made, write)}\n")
        say(f"visits: {_visits(rng, made, write, per_home=max(1, targets(homes).visits // homes))}\n")
        say(f"discharge follow-ups: {_discharges(rng, made, write, homes)}\n")
        _gap_reports(rng, made, homes, weeks_of_reports)
        reset_sequences([Organisation, StaffMember, CareHome, Assignment, Visit])
        # Rows went in by COPY / bulk_create (no signals): keep every home's state now.
        carehome_state_rebuild()
        organisation_hours_rebuild()
    data_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM also sets the visibility map, so index-only scans need no heap fetches.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return current_counts()


@dataclass
class _Made:
    """What the table builders have made so far, for the tables after them."""

    today: datetime.date
    now: datetime.datetime
    commissioners: list = field(default_factory=list)
    trusts: list = field(default_factory=list)  # (id, kind)
    pcns: list = field(default_factory=list)
    practices: list = field(default_factory=list)  # (id, pcn id)
    staff_hours: dict = field(default_factory=dict)  # staff id -> hours a week
    active_staff: list = field(default_factory=list)
    home_ids: list = field(default_factory=list)
    outbreak_homes: set = field(default_factory=set)
    leads: dict = field(default_factory=dict)  # home id -> lead staff id


def _next_id(model):
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


ORGANISATION_COLUMNS = (
    "id", "created_at", "updated_at", "name", "ods_code", "kind", "sector", "parent_id", "locality",
    "clinical_director_id", "engagement", "committed_hours", "postcode", "is_active",
)  # fmt: skip


def _organisations(rng, made, write, homes):
    """A commissioner per region, trusts, PCNs and their practices."""
    now, rows = made.now, []
    next_id = _next_id(Organisation)

    def add(name, ods, kind, sector, parent, locality, engagement="", committed=Decimal("0")):
        nonlocal next_id
        rows.append(
            (
                next_id,
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
        next_id += 1
        return next_id - 1

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


def _staff(rng, made, write, count):
    """Pharmacists and technicians employed by PCNs, trusts and one practice in five."""
    now, base = made.now, _next_id(StaffMember)
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


CARE_HOME_COLUMNS = (
    "id", "created_at", "updated_at", "name", "cqc_location_id", "address", "postcode", "locality", "beds",
    "home_type", "pcn_id", "practice_id", "registration_status", "registered_on", "outbreak_status",
    "outbreak_started_on",
)  # fmt: skip


def _care_homes(rng, made, write, homes):
    """Care homes aligned to PCNs (a skewed number per PCN) and one of their practices."""
    now, today, base = made.now, made.today, _next_id(CareHome)
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


def _assignments(rng, made, write):
    """A lead for ~96 % of homes, support for ~30 %, within each person's hours."""
    now, today = made.now, made.today
    spare = {sid: made.staff_hours[sid] for sid in made.active_staff}
    rows = []
    aid = _next_id(Assignment)
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


def _visits(rng, made, write, *, per_home):
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


FOLLOW_UP_COLUMNS = (
    "created_at", "updated_at", "trust_id", "reference", "channel", "care_home_id", "pharmacy_id", "pcn_id",
    "discharged_on", "reason_new_high_risk", "reason_stopped", "reason_dose_change", "reason_mds_change",
    "reason_new_monitoring", "changes_band", "state", "held_from", "received_at", "routed_at", "acknowledged_at",
    "stage1_at", "stage2_at", "stage3_at", "closed_at", "issue_gp_mismatch", "issue_stopped_in_packs",
    "issue_mar_not_updated", "issue_not_sent", "issue_other", "with_care_home_staff", "with_resident",
    "with_family", "onward_referral", "onward_closed_at", "onward_visit_id", "close_reason", "reopen_reason",
    "misrouted_from_id", "duplicate_of_id", "readmitted", "note", "created_by_id",
)  # fmt: skip


def _discharges(rng, made, write, homes):
    """A community pharmacy for every ~4 homes (each home's supplier), and a year of discharge
    follow-ups at the national rate (about 200,000 a year for 15,000 homes), most closed, the
    recent ones at every stage."""
    from discharge.models import DischargeFollowUp

    now = made.now
    first = _next_id(Organisation)
    count = max(2, homes // 4)
    Organisation.objects.bulk_create(
        [
            Organisation(
                id=first + i, name=f"Scale Pharmacy {i}", ods_code=f"FS{i:05d}"[:8], kind="community_pharmacy",
                sector="community_pharmacy", locality=f"Locality {i % 400}", created_at=now, updated_at=now,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(CareHome._meta.db_table)
        # Every home supplied by one of the new pharmacies (ids first .. first + count - 1).
        cursor.execute(f"UPDATE {table} SET supplying_pharmacy_id = %s + (id %% %s)", [first, count])  # noqa: S608
    pcn_of = dict(CareHome.objects.values_list("id", "pcn_id"))
    trusts = [tid for tid, kind in made.trusts if kind == Organisation.Kind.ACUTE_TRUST] or [
        tid for tid, _ in made.trusts
    ]
    per_year = round(homes * 200_000 / 15000)
    hour = datetime.timedelta(hours=1)

    def rows():
        for n in range(per_year):
            home_id = rng.choice(made.home_ids)
            received = now - datetime.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            age_days = (now - received).days
            stage = 5 if age_days > 14 else rng.randint(0, 5)
            partial = stage == 5 and rng.random() < 0.15
            stamps = [received + hour * h for h in (3, 30, 80, 120, 122)]
            stamps = [s if i < stage and s < now else None for i, s in enumerate(stamps)]
            state = ["expected", "acknowledged", "stage1", "stage2", "stage3", "closed_complete"][stage]
            if partial:
                state, stamps[4] = "closed_partial", min(received + hour * 48, now)
            yield (
                now, now, rng.choice(trusts), f"S-{n}", "pharmoutcomes", home_id, first + home_id % count,
                pcn_of.get(home_id), received.date(), False, True, rng.random() < 0.4, False, False,
                rng.choice(["1-2", "3-5", "6+"]), state, "", received, received, *stamps,
                False, rng.random() < 0.2, rng.random() < 0.2, False, False, stage >= 4, False, False,
                stage >= 4 and rng.random() < 0.1, None, None, "not_contacted" if partial else "", "",
                None, None, rng.choice(["", "no", "yes"]) if stage == 5 else "", "", None,
            )  # fmt: skip

    write.copy(DischargeFollowUp, FOLLOW_UP_COLUMNS, rows())
    reset_sequences([Organisation, DischargeFollowUp])
    return per_year


def _gap_reports(rng, made, homes, weeks):
    """Weekly reports (headline figures only: the trend charts read these) for `weeks` weeks."""
    reports = []
    for w in range(weeks, 0, -1):
        day = made.today - datetime.timedelta(weeks=w)
        year, week, _ = day.isocalendar()
        headlines = {
            "care_homes": homes,
            "pct_with_lead": round(90 + rng.random() * 6, 1),
            "pct_visited_28d": round(88 + rng.random() * 8, 1),
            "in_outbreak": rng.randint(homes // 100, homes // 40),
        }
        reports.append(
            GapReport(
                week=f"{year}-W{week:02d}",
                version=1,
                is_current=True,
                generated_at=made.now - datetime.timedelta(weeks=w),
                data={"backfilled": True, "headlines": headlines, "gaps": []},
            )
        )
    existing = set(GapReport.objects.filter(is_current=True).values_list("week", flat=True))
    GapReport.objects.bulk_create([r for r in reports if r.week not in existing], batch_size=500)
