"""What the national-scale builder makes: the target counts for a number of homes, the counts in
the database now, and the record of ids made so far that each table's builder leaves for the next."""

import datetime
from dataclasses import dataclass, field

from carehomes.models import CareHome, Visit
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


@dataclass
class Made:
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


def next_id(model):
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
