"""The discharge app's tables at national scale: a community pharmacy supplying every ~4 homes and
a year of discharge follow-ups."""

import datetime

from django.db import connection

from carehomes.models import CareHome
from discharge import timers
from discharge.models import DischargeFollowUp
from nonprod.scale.counts import next_id
from nonprod.table_writer import reset_sequences
from organisations.models import Organisation

FOLLOW_UP_COLUMNS = (
    "created_at", "updated_at", "trust_id", "reference", "channel", "care_home_id", "pharmacy_id", "pcn_id",
    "discharged_on", "reason_new_high_risk", "reason_stopped", "reason_dose_change", "reason_mds_change",
    "reason_new_monitoring", "changes_band", "state", "held_from", "received_at", "routed_at", "acknowledged_at",
    "stage1_at", "stage2_at", "stage3_at", "closed_at", "issue_gp_mismatch", "issue_stopped_in_packs",
    "issue_mar_not_updated", "issue_not_sent", "issue_other", "with_care_home_staff", "with_resident",
    "with_family", "onward_referral", "onward_closed_at", "onward_visit_id", "close_reason", "reopen_reason",
    "misrouted_from_id", "duplicate_of_id", "readmitted", "note", "created_by_id", "lost_at", "stage1_due_at",
)  # fmt: skip


def discharges(rng, made, write, homes):
    """A community pharmacy for every ~4 homes (each home's supplier), and a year of discharge
    follow-ups at the national rate (about 200,000 a year for 15,000 homes), most closed, the
    recent ones at every stage."""
    now = made.now
    first = next_id(Organisation)
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
    schedule = timers.default_schedule()  # no pharmacy has recorded hours at scale
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
                *timers.deadlines(received, schedule),
            )  # fmt: skip

    write.copy(DischargeFollowUp, FOLLOW_UP_COLUMNS, rows())
    reset_sequences([Organisation, DischargeFollowUp])
    return per_year
