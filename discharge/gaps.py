"""The discharge gap rules, registered with the care-home gap machinery (`carehomes.gaps`).

- a home that received a discharge in the last `GAP_RECENT_DAYS` (14) days that has not been
  followed up (closed complete or partial);
- a trust that referred care-home residents before and has sent nothing in `DROP_OFF_DAYS` (28)
  days: a drop-off;
- a registered home whose supplying pharmacy is not recorded (follow-ups have nowhere to go).

Each rule is one aggregate query, whatever the number of homes or follow-ups.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q

from carehomes.gaps import HIGH, LOW, MEDIUM, Gap, Rule, register_gap_source
from carehomes.models import CareHome
from config.dates import uk_date
from discharge.models import DischargeFollowUp
from discharge.states import CLOSED_STATES, State

NOT_FOLLOWED_UP = Rule(
    "discharge_not_followed_up", "Discharge not yet followed up", HIGH, "Chase the pharmacy"
)
TRUST_DROP_OFF = Rule("discharge_trust_drop_off", "Trust has stopped referring", MEDIUM, "Talk to the trust")
NO_SUPPLYING_PHARMACY = Rule(
    "no_supplying_pharmacy", "No supplying pharmacy recorded", LOW, "Record the home's pharmacy"
)
DISCHARGE_RULES = (NOT_FOLLOWED_UP, TRUST_DROP_OFF, NO_SUPPLYING_PHARMACY)


def _midnight(day):
    from django.utils import timezone

    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _days(since, today):
    return (today - since).days


def discharge_gaps(*, homes=None, today):
    config = settings.DISCHARGE
    gaps = []
    since = _midnight(today - datetime.timedelta(days=config["GAP_RECENT_DAYS"]))
    until = _midnight(today + datetime.timedelta(days=1))
    recent = DischargeFollowUp.objects.filter(received_at__gte=since, received_at__lt=until).exclude(
        state__in=[*CLOSED_STATES, State.DUPLICATE]
    )
    if homes is not None:
        recent = recent.filter(care_home__in=homes)
    rows = (
        recent.values(
            "care_home_id",
            "care_home__name",
            "care_home__pcn_id",
            "care_home__pcn__name",
            "care_home__locality",
        )
        .annotate(open=Count("pk"), oldest=Min("received_at"))
        .order_by("care_home__name")
    )
    for row in rows:
        oldest = row["oldest"].astimezone(since.tzinfo).date()
        count = row["open"]
        gaps.append(
            Gap(
                NOT_FOLLOWED_UP,
                f"{row['care_home__name']} has {count} discharge{'s' if count != 1 else ''} from the last "
                f"{config['GAP_RECENT_DAYS']} days not yet followed up (the oldest received "
                f"{_days(oldest, today)} days ago).",
                care_home_id=row["care_home_id"],
                care_home_name=row["care_home__name"],
                pcn_id=row["care_home__pcn_id"],
                pcn_name=row["care_home__pcn__name"] or "",
                locality=row["care_home__locality"],
                organisation_ids=[i for i in (row["care_home__pcn_id"],) if i],
            )
        )
    cutoff = _midnight(today - datetime.timedelta(days=config["DROP_OFF_DAYS"]))
    trusts = (
        DischargeFollowUp.objects.filter(received_at__lt=until)
        .values("trust_id", "trust__name", "trust__locality")
        .annotate(last=Max("received_at"))
        .filter(last__lt=cutoff)
        .order_by("trust__name")
    )
    for row in trusts:
        last = row["last"].astimezone(since.tzinfo).date()
        gaps.append(
            Gap(
                TRUST_DROP_OFF,
                f"{row['trust__name']} has sent no discharge referral for a care-home resident for "
                f"{_days(last, today)} days (the last on {uk_date(last)}); the rule is "
                f"{config['DROP_OFF_DAYS']} days.",
                subject_name=row["trust__name"],
                locality=row["trust__locality"],
                organisation_ids=[row["trust_id"]],
            )
        )
    without = (homes if homes is not None else CareHome.objects.all()).filter(
        Q(supplying_pharmacy__isnull=True), registration_status=CareHome.Registration.REGISTERED
    )
    for home in without.select_related("pcn").order_by("name"):
        gaps.append(
            Gap(
                NO_SUPPLYING_PHARMACY,
                f"{home.name} has no supplying pharmacy recorded, so discharge follow-ups have no default "
                "pharmacy to go to.",
                care_home_id=home.pk,
                care_home_name=home.name,
                pcn_id=home.pcn_id,
                pcn_name=home.pcn.name if home.pcn else "",
                locality=home.locality,
                organisation_ids=[i for i in (home.pcn_id,) if i],
            )
        )
    return gaps


def register():
    register_gap_source(rules=DISCHARGE_RULES, collect=discharge_gaps)
