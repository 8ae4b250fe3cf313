"""Discharge follow-ups for the Leeds demo city (issue 15): called by the demo builder.

Two trusts' discharge teams (Leeds Teaching Hospitals, which refers every week, and Leeds and
York Partnership, which stopped five weeks ago: a drop-off gap), a supplying pharmacy for every
home but one (a deliberate gap), and 12 weeks of follow-ups in every state, including lost,
overdue, stalled, misrouted, duplicate, reopened and on-hold ones, and onward referrals at the
demo pharmacist's homes. Demo logins `trust` and `chemist`. Deterministic (seeded).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from carehomes.models import Assignment, CareHome
from discharge import deadline_fill
from discharge.models import (
    REASONS,
    ChangesBand,
    Channel,
    CloseReason,
    DischargeFollowUp,
    PharmacyOpeningHours,
    Readmitted,
)
from discharge.states import State
from organisations.access import COMMUNITY_PHARMACY, TRUST_DISCHARGE_TEAM
from organisations.models import Organisation, StaffMember

SEED = 15
WEEKS = 12
PER_WEEK = 18


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def build_discharges(city):
    """Add the discharge world to a demo city under construction (`nonprod.demo.city.DemoCity`)."""
    rng = random.Random(SEED)
    today = city.today
    pharmacies = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_PHARMACY).order_by("pk"))
    homes = list(CareHome.objects.order_by("name"))
    for index, home in enumerate(homes[:-1]):
        home.supplying_pharmacy = pharmacies[index % len(pharmacies)]
    CareHome.objects.bulk_update(homes[:-1], ["supplying_pharmacy"], batch_size=500)
    supplied = homes[:-1]

    ltht, lypft = city.orgs["ltht"], city.orgs["lypft"]
    technician = city._staff(ltht, StaffMember.Role.TECHNICIAN, hours="0")
    city._staff(lypft, StaffMember.Role.TECHNICIAN, hours="0")
    chemist = city._staff(pharmacies[0], StaffMember.Role.PHARMACIST, hours="0")
    _login(city, "trust", technician, TRUST_DISCHARGE_TEAM)
    _login(city, "chemist", chemist, COMMUNITY_PHARMACY)

    pharmacist = city.people.get("pharmacist")
    pharmacist_homes = (
        list(
            CareHome.objects.filter(
                pk__in=Assignment.objects.open().filter(staff=pharmacist).values("care_home")
            )
        )
        if pharmacist
        else []
    )
    chemist_homes = [h for h in supplied if h.supplying_pharmacy_id == pharmacies[0].pk]

    rows = []
    number = 0
    for day_offset in range(WEEKS * 7 - 1, -1, -1):
        day = today - datetime.timedelta(days=day_offset)
        if day.weekday() == 6:
            continue
        for _ in range(rng.randint(1, PER_WEEK * 2 // 6)):
            number += 1
            trust = lypft if (number % 5 == 0 and day_offset > 35) else ltht
            home = rng.choice(chemist_homes if number % 3 == 0 else supplied)
            received = _at(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
            if received > timezone.now():
                received = timezone.now() - datetime.timedelta(minutes=rng.randint(5, 90))
            rows.append(_follow_up(rng, number, trust, home, received, day_offset, pharmacies))

    # Onward referrals at the demo pharmacist's homes, one done and two waiting.
    for index, home in enumerate(pharmacist_homes[:3]):
        number += 1
        received = _at(today - datetime.timedelta(days=20 + index), 10)
        f = _follow_up(rng, number, ltht, home, received, 20 + index, pharmacies, state=State.CLOSED_COMPLETE)
        f.onward_referral = True
        f.with_care_home_staff = True
        rows.append(f)
    bulk_create_with_history(rows, DischargeFollowUp, batch_size=500, default_user=city.users.get("trust"))
    _duplicates_and_reopened(rng, city)
    fill_missing_deadlines()
    return len(rows)


def fill_missing_deadlines():
    """Store the two deadlines of every follow-up bulk-created without them (the bulk create skips
    the model's save, which works them out), as migration discharge 0004 did for older rows: else
    every Discharges figure and list works them out in Python on every load (`discharge.figures`'
    slow path, meant for no rows). Returns how many were filled; the caller rebuilds the day counts."""
    missing = DischargeFollowUp.objects.filter(routed_at__isnull=False).filter(
        Q(lost_at__isnull=True) | Q(stage1_due_at__isnull=True)
    )
    count = missing.count()
    if count:
        hours = PharmacyOpeningHours.objects.values_list("pharmacy_id", "weekday", "opens_at", "closes_at")
        deadline_fill.fill_deadlines(missing, hours, connection)
    return count


def _login(city, username, member, role):
    first, last = member._first_last
    user = get_user_model().objects.create(
        username=username,
        first_name=first,
        last_name=last,
        email=member.email,
        password=city.users["pm"].password,
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    city.users[username] = user


STATE_MIX = [
    (State.CLOSED_COMPLETE, 58),
    (State.CLOSED_PARTIAL, 16),
    (State.STAGE3, 4),
    (State.STAGE2, 4),
    (State.STAGE1, 4),
    (State.ON_HOLD, 3),
    (State.ACKNOWLEDGED, 5),
    (State.EXPECTED, 6),
]


def _follow_up(rng, number, trust, home, received, age_days, pharmacies, state=None):
    if state is None:
        if age_days <= 1:
            state = rng.choice([State.EXPECTED, State.EXPECTED, State.ACKNOWLEDGED])
        elif age_days <= 4:
            state = rng.choice([State.EXPECTED, State.ACKNOWLEDGED, State.STAGE1, State.STAGE1])
        elif age_days <= 12:
            state = rng.choice(
                [State.ACKNOWLEDGED, State.STAGE1, State.STAGE2, State.STAGE3, State.CLOSED_COMPLETE]
            )
        else:
            states, weights = zip(*STATE_MIX, strict=True)
            state = rng.choices(states, weights)[0]
    reasons = rng.sample(list(REASONS), rng.randint(1, 3))
    f = DischargeFollowUp(
        trust=trust,
        reference=f"{'PO' if number % 4 else 'RTP'}-{200000 + number * 7}",
        channel=Channel.PHARMOUTCOMES if number % 4 else Channel.REFER_TO_PHARMACY,
        care_home=home,
        pharmacy_id=home.supplying_pharmacy_id,
        pcn_id=home.pcn_id,
        discharged_on=(received - datetime.timedelta(days=rng.randint(0, 1))).date(),
        changes_band=rng.choice(ChangesBand.values),
        state=state,
        received_at=received,
        routed_at=received,
        created_at=received,
    )
    for code in reasons:
        setattr(f, f"reason_{code}", True)
    # Misrouted: every 23rd went to the wrong pharmacy first and was redirected the same day.
    if number % 23 == 0 and len(pharmacies) > 1:
        wrong = next(p for p in pharmacies if p.pk != home.supplying_pharmacy_id)
        f.misrouted_from = wrong
        f.routed_at = received + datetime.timedelta(hours=3)
    step = f.routed_at
    order = [State.ACKNOWLEDGED, State.STAGE1, State.STAGE2, State.STAGE3, State.CLOSED_COMPLETE]
    reached = order.index(state) if state in order else -1
    if state in (State.ON_HOLD, State.CLOSED_PARTIAL):
        reached = rng.randint(0, 2)
        if state == State.ON_HOLD:
            f.held_from = order[reached]
    stamps = ["acknowledged_at", "stage1_at", "stage2_at", "stage3_at", "closed_at"]
    gaps = [
        rng.randint(1, 20),
        rng.randint(4, 60),
        rng.randint(24, 96),
        rng.randint(24, 120),
        rng.randint(0, 4),
    ]
    for index in range(reached + 1):
        step = step + datetime.timedelta(hours=gaps[index])
        step = min(step, timezone.now())
        setattr(f, stamps[index], step)
    if state == State.STAGE3 or state == State.CLOSED_COMPLETE:
        f.with_care_home_staff = True
        f.with_resident = rng.random() < 0.4
        f.with_family = rng.random() < 0.3
        f.onward_referral = rng.random() < 0.15
        if rng.random() < 0.3:
            f.issue_stopped_in_packs = True
        if rng.random() < 0.25:
            f.issue_mar_not_updated = True
        if rng.random() < 0.15:
            f.issue_gp_mismatch = True
    if state == State.CLOSED_PARTIAL:
        f.close_reason = rng.choice(CloseReason.values)
        f.closed_at = min(step + datetime.timedelta(hours=rng.randint(2, 72)), timezone.now())
        if f.close_reason == CloseReason.READMITTED:
            f.readmitted = Readmitted.YES
    if f.closed_at and (timezone.now() - received).days > 30:
        f.readmitted = (
            f.readmitted
            or rng.choices(
                Readmitted.values, [10, 80, 10] if state == State.CLOSED_COMPLETE else [25, 55, 20]
            )[0]
        )
    return f


def _duplicates_and_reopened(rng, city):
    """A few follow-ups sent twice (merged) and one reopened, made through the same fields the services set."""
    now = timezone.now()
    originals = list(
        DischargeFollowUp.objects.filter(state=State.CLOSED_COMPLETE, channel=Channel.PHARMOUTCOMES).order_by(
            "pk"
        )[:4]
    )
    for index, original in enumerate(originals[:3]):
        DischargeFollowUp.objects.create(
            trust=original.trust,
            reference=f"NM-{900100 + index}",
            channel=Channel.NHSMAIL,
            care_home=original.care_home,
            pharmacy=original.pharmacy,
            pcn=original.pcn,
            discharged_on=original.discharged_on,
            changes_band=original.changes_band,
            reason_stopped=True,
            state=State.DUPLICATE,
            duplicate_of=original,
            received_at=original.received_at + datetime.timedelta(hours=2),
            routed_at=original.received_at + datetime.timedelta(hours=2),
            closed_at=original.received_at + datetime.timedelta(hours=5),
        )
    if len(originals) > 3:
        reopened = originals[3]
        reopened.state = State.REOPENED
        reopened.reopen_reason = "Closed before the care home confirmed the MAR chart was updated"
        reopened.stage3_at = None
        reopened.closed_at = None
        reopened._change_reason = "Reopened: closed before the care home confirmed the MAR chart was updated"
        reopened.updated_at = now
        reopened.save()
