"""The Leeds demo city: a Leeds-sized health system with a year of care-home pharmacy work.

Organisations of the seed story, 19 PCNs and their practices, about 150 care homes, 70+
pharmacists and technicians from every sector, the SLT and the operational team, assignments
with some deliberate gaps, a year of visits, workstreams, requests for help and the Silver
Command action plan. Four demo logins (and an `admin` superuser) share `settings.DEMO_PASSWORD`.

Everything comes from one seeded random generator and from dates counted back from the day it
runs, so two runs on the same day build the same city. `build_demo_city` is all or nothing (one
transaction); `demo_present` says whether it has already run, so that running it twice changes
nothing. Bulk-created rows (assignments, visits) skip `full_clean()`, so they are valid by
construction: at most one open lead per home, assigned hours within available hours (bar the one
deliberate over-capacity case), residents reviewed within beds, no numbers in the notes.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, Value
from django.db.models.functions import Cast
from django.utils import timezone

from actionplan.models import Action, ActionPlan, ActionUpdate, Meeting, Rag, Section
from carehomes.models import Assignment, CareHome, Specialism, Visit
from carehomes.state import carehome_state_rebuild
from organisations.access import ORGANISATION_LEAD, PHARMACY_PROFESSIONAL, PROJECT_MANAGER, SLT
from organisations.models import EngagementNote, Membership, Organisation, Sector, StaffMember, Team
from workstreams.models import ProgressNote, SupportOffer, SupportRequest, Workstream

RNG_SEED = 20201
MARKER_ODS_CODE = "RR8"  # Leeds Teaching Hospitals: present once the demo city has been built
DEFAULT_PASSWORD = "carehomes-demo"  # noqa: S105 - the published demo default, as settings.py
VISIT_BATCH = 1000

Kind = Organisation.Kind
Engagement = Organisation.Engagement
Role = StaffMember.Role
Funding = StaffMember.Funding


@dataclass(frozen=True)
class SignIn:
    username: str
    role: str
    who: str = ""


# username -> the role it demonstrates (superuser last)
DEMO_LOGINS = {
    "slt": SLT,
    "pm": PROJECT_MANAGER,
    "pharmacist": PHARMACY_PROFESSIONAL,
    "orglead": ORGANISATION_LEAD,
    "trust": "Trust discharge team",
    "chemist": "Community pharmacy",
    "admin": "Superuser (Django admin)",
}

# key, name, ODS code, kind, sector, locality
SYSTEM_ORGANISATIONS = [
    ("ltht", "Leeds Teaching Hospitals NHS Trust", "RR8", Kind.ACUTE_TRUST, Sector.SECONDARY, "Leeds"),
    (
        "lypft",
        "Leeds and York Partnership NHS Foundation Trust",
        "RGD",
        Kind.MENTAL_HEALTH_TRUST,
        Sector.MENTAL_HEALTH,
        "Leeds",
    ),
    ("lch", "Leeds Community Healthcare NHS Trust", "RY6", Kind.COMMUNITY_TRUST, Sector.COMMUNITY, "Leeds"),
    ("confed", "The Leeds GP Confederation", None, Kind.GP_CONFEDERATION, Sector.PRIMARY_CARE, "Leeds"),
    ("ccg", "NHS Leeds CCG", "15F", Kind.COMMISSIONER, Sector.COMMISSIONER, "Leeds"),
    (
        "cpwy",
        "Community Pharmacy West Yorkshire",
        None,
        Kind.LPC,
        Sector.COMMUNITY_PHARMACY,
        "West Yorkshire",
    ),
    ("uol", "University of Leeds", None, Kind.UNIVERSITY, Sector.ACADEMIC, "Leeds"),
    ("uob", "University of Bradford", None, Kind.UNIVERSITY, Sector.ACADEMIC, "Bradford"),
    ("lcc", "Leeds City Council", None, Kind.LOCAL_AUTHORITY, Sector.SOCIAL_CARE, "Leeds"),
]
SLT_ORGANISATIONS = ["ltht", "lypft", "lch", "confed", "ccg", "cpwy"]

COMMUNITY_PHARMACIES = [
    ("Chapel Allerton Pharmacy", "FCA17", "Chapeltown"),
    ("Cross Gates Pharmacy", "FXG42", "Cross Gates"),
    ("Morley Bottoms Pharmacy", "FMB08", "Morley"),
    ("Headingley Lane Pharmacy", "FHL63", "Headingley"),
]

# name, locality, postcode districts, engagement, care homes
PCNS = [
    ("Chapeltown PCN", "Chapeltown", ["LS7"], Engagement.ENGAGED, 9),
    ("Armley PCN", "Armley", ["LS12"], Engagement.ENGAGED, 10),
    ("Morley Town PCN", "Morley", ["LS27"], Engagement.ENGAGED, 10),
    ("Otley and Aireborough PCN", "Otley", ["LS21", "LS20"], Engagement.ENGAGED, 9),
    ("Seacroft PCN", "Seacroft", ["LS14"], Engagement.HESITANT, 8),
    ("Headingley and Woodsley PCN", "Headingley", ["LS6"], Engagement.ENGAGED, 7),
    ("Holt Park and Adel PCN", "Holt Park", ["LS16"], Engagement.ENGAGED, 9),
    ("Beeston PCN", "Beeston", ["LS11"], Engagement.ENGAGED, 8),
    ("Middleton and Hunslet PCN", "Middleton", ["LS10"], Engagement.NOT_ENGAGED, 7),
    ("Cross Gates PCN", "Cross Gates", ["LS15"], Engagement.ENGAGED, 8),
    ("Garforth and Kippax PCN", "Garforth", ["LS25"], Engagement.ENGAGED, 8),
    ("Wetherby PCN", "Wetherby", ["LS22", "LS23"], Engagement.ENGAGED, 9),
    ("Pudsey PCN", "Pudsey", ["LS28"], Engagement.HESITANT, 7),
    ("Bramley and Wortley PCN", "Bramley", ["LS13"], Engagement.ENGAGED, 8),
    ("Yeadon and Rawdon PCN", "Yeadon", ["LS19"], Engagement.ENGAGED, 7),
    ("Harehills and Burmantofts PCN", "Harehills", ["LS8", "LS9"], Engagement.NOT_ENGAGED, 6),
    ("Rothwell PCN", "Rothwell", ["LS26"], Engagement.ENGAGED, 8),
    ("Moortown and Alwoodley PCN", "Moortown", ["LS17"], Engagement.HESITANT, 8),
    ("Leeds City Centre PCN", "City Centre", ["LS2", "LS1"], Engagement.ENGAGED, 4),
]
CHAPELTOWN, MORLEY, SEACROFT, MIDDLETON, ARMLEY, HAREHILLS, MOORTOWN = 0, 2, 4, 8, 1, 15, 17

STREETS = [
    "Harrogate Road", "Street Lane", "Town Street", "Church Lane", "Station Road", "Otley Road",
    "Kirkstall Road", "Selby Road", "York Road", "Wakefield Road", "Dewsbury Road", "Stonegate Road",
    "Moor Road", "Park Avenue", "Victoria Road", "The Green", "Woodland Lane", "Grange Avenue",
    "Manor Drive", "Westfield Road", "Low Lane", "High Street", "Spen Lane", "Green Lane",
]  # fmt: skip
HOME_NAME_FIRST = [
    "Ashfield", "Beechwood", "Oakwood", "Elmhurst", "Hollybank", "Meadowbank", "Rosewood", "Willow",
    "Larchfield", "Hawthorn", "Fernlea", "Kirkdale", "Moorview", "Parkside", "Springfield", "Sycamore",
    "Westfield", "Woodlands", "Lavender", "Primrose", "Bramblewood", "Cherry Tree", "Maple", "Heather",
    "Laurel", "Linden", "Chestnut", "Birchwood", "Brookfield", "Highfield", "Hillcrest", "Mulberry",
    "Orchard", "Thornfield", "Aire View", "Wharfe View", "Templar", "Gledhow", "Roundhay", "Kirkstall",
]  # fmt: skip
HOME_NAME_LAST = ["House", "Lodge", "Court", "Manor", "Grange", "Care Home", "Nursing Home", "Hall",
                  "Gardens"]  # fmt: skip
PRACTICE_PATTERNS = ["{area} Medical Practice", "{street} Surgery", "{area} Health Centre", "{area} Group Practice",
                     "{tree} Family Practice", "{tree} Medical Centre"]  # fmt: skip
PRACTICE_TREES = ["Oakwood", "Larchwood", "Beechtree", "Ashgrove", "Hollins", "Fieldhead", "Millbank", "Priory",
                  "Elmfield", "Thorntree", "Rowan", "Woodview", "Hawthorn", "Cedar", "Parkview", "Brookside"]  # fmt: skip
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

FIRST_NAMES = [
    "Priya", "James", "Aisha", "Tom", "Sarah", "Mohammed", "Emma", "Daniel", "Fatima", "Rachel",
    "Oliver", "Hannah", "Imran", "Claire", "Joseph", "Laura", "Ravi", "Helen", "Samuel", "Nadia",
    "Chris", "Sophie", "Adeel", "Katie", "Ben", "Zara", "Michael", "Gemma", "Kwame", "Lucy",
    "Andrew", "Jasmine", "David", "Amara", "Peter", "Nicola", "Hassan", "Rebecca", "Simon", "Leah",
    "Grace", "Matthew", "Anita", "Paul", "Chloe", "Yusuf", "Joanne", "Rory", "Mei", "Kate",
]  # fmt: skip
LAST_NAMES = [
    "Shah", "Walker", "Khan", "Robinson", "Hussain", "Wood", "Patel", "Thompson", "Ali", "Wright",
    "Begum", "Clarke", "Green", "Mistry", "Hall", "Ahmed", "Taylor", "Okafor", "Brown", "Kaur",
    "Harrison", "Iqbal", "Mitchell", "Singh", "Cooper", "Mahmood", "Holmes", "Chen", "Turner", "Asante",
    "Jackson", "Lee", "Foster", "Rahman", "Barker", "Nowak", "Hughes", "Sutcliffe", "Marsden", "Dawson",
    "Kowalski", "Akhtar", "Pearson", "Hirst", "Atkinson", "Murray", "Bibi", "Ellis", "Booth", "Hepworth",
]  # fmt: skip

FUNDING_FOR_KIND = {
    Kind.ACUTE_TRUST: Funding.SECONDARY_CARE,
    Kind.MENTAL_HEALTH_TRUST: Funding.MENTAL_HEALTH,
    Kind.COMMUNITY_TRUST: Funding.COMMISSIONER,
    Kind.GP_CONFEDERATION: Funding.COMMISSIONER,
    Kind.COMMISSIONER: Funding.COMMISSIONER,
    Kind.PCN: Funding.PCN,
    Kind.GP_PRACTICE: Funding.PRACTICE,
    Kind.COMMUNITY_PHARMACY: Funding.COMMUNITY_PHARMACY,
    Kind.LPC: Funding.COMMUNITY_PHARMACY,
}

# organisation key -> (pharmacists, technicians) deployed to care homes
DEPLOYED = {"ltht": (8, 4), "lypft": (5, 3), "lch": (6, 4), "confed": (8, 4), "ccg": (4, 2)}
PHARMACIST_HOURS = ["4", "6", "7.5", "7.5", "9", "10", "12", "15", "15", "18.5", "22.5"]
TECHNICIAN_HOURS = ["4", "6", "7.5", "7.5", "10", "12", "15", "22.5"]

VISIT_NOTES = {
    "smr": [
        "Structured medication reviews with the senior carer; changes agreed with the GP.",
        "Reviewed antipsychotic prescribing for residents with dementia; two reductions proposed.",
        "Falls-risk medicines reviewed on the ground floor; follow-up booked.",
    ],
    "medicines_reconciliation": [
        "Reconciled medicines for new admissions; discrepancies resolved with the practice.",
        "Checked MAR charts against the repeat templates.",
    ],
    "post_discharge_review": [
        "Post-discharge review for a resident back from hospital; discharge letter chased.",
        "Followed up a Discharge Medicines Service referral from the community pharmacy.",
    ],
    "home_round": [
        "Joined the GP home round; advised on PRN protocols.",
        "Home round with the nurse in charge.",
    ],
    "medicines_supply": [
        "Checked end-of-life medicines held in the home; stock in date.",
        "Sorted out a delayed supply of anticipatory medicines with the community pharmacy.",
    ],
    "staff_training": [
        "Training for care staff on covert administration and thickened fluids.",
        "Short session for night staff on PRN recording.",
    ],
    "audit": [
        "Controlled drugs register and fridge temperature records audited; no concerns.",
        "Care-home medicines audit.",
    ],
    "other": [
        "Call with the manager about repeat ordering.",
        "Advice on medicines storage after a refurbishment.",
    ],
}
ESCALATIONS = [
    "Supply delay escalated to the practice manager.",
    "Missing discharge letter chased with the ward.",
    "Medicines storage concern raised with the home manager.",
    "Safeguarding concern passed to the local authority team.",
]


def demo_password():
    return getattr(settings, "DEMO_PASSWORD", DEFAULT_PASSWORD) or DEFAULT_PASSWORD


def demo_present():
    """True when the demo city has already been built in this database."""
    return Organisation.objects.filter(ods_code=MARKER_ODS_CODE).exists()


def clashing_logins():
    """Demo usernames (other than `admin`) already taken, which would stop the demo city being built."""
    wanted = [username for username in DEMO_LOGINS if username != "admin"]
    return sorted(get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True))


def demo_sign_ins():
    """The demo logins that exist, with who they are."""
    users = get_user_model().objects.filter(username__in=list(DEMO_LOGINS)).select_related("staff_member")
    by_username = {user.username: user for user in users}
    sign_ins = []
    for username, role in DEMO_LOGINS.items():
        user = by_username.get(username)
        if user is None:
            continue
        member = getattr(user, "staff_member", None)
        who = f"{member.name}, {member.get_role_display().lower()}, {member.organisation}" if member else ""
        sign_ins.append(SignIn(username=username, role=role, who=who))
    return sign_ins


def build_demo_city(*, today=None, password=None):
    """Build the whole demo city in one transaction and return a summary of what was made."""
    city = _DemoCity(today=today or timezone.localdate(), password=password or demo_password())
    with transaction.atomic():
        city.build()
        # Assignments and visits were bulk-created (no signals): keep every home's state now.
        carehome_state_rebuild()
    return city.summary()


def _hours(value):
    return Decimal(str(value)).quantize(Decimal("0.1"))


class _DemoCity:
    def __init__(self, *, today, password):
        self.today = today
        self.window_start = today - timedelta(days=364)
        self.rng = random.Random(RNG_SEED)
        self.password = password
        self.orgs = {}
        self.pcns = []
        self.practices = defaultdict(list)  # PCN index -> practices
        self.people = {}  # named people: "chief_ltht", "pm", "cd_4", "pharmacist", ...
        self.deployed = []  # pharmacists and technicians, in creation order
        self.patch = {}  # staff pk -> PCN indexes they usually cover
        self.users = {}
        self.homes = []
        self.home_pcn = []  # home index -> PCN index
        self.assigned = defaultdict(Decimal)  # staff pk -> open assigned hours
        self.current_leads = defaultdict(int)  # staff pk -> homes they lead now
        self.assignments = []
        self.stints = defaultdict(list)  # home index -> [(staff, role, starts_on, ends_on)]
        self.visit_count = 0
        self._names = set()
        self._numbers = set()

    # ---- the whole city -------------------------------------------------------------------

    def build(self):
        self._organisations()
        self._pcns_and_practices()
        self._people()
        self._teams()
        self._logins()
        self._plan_homes()
        self._care_homes()
        self._assignments()
        self._over_capacity()
        self._visits()
        self._workstreams()
        self._requests_for_help()
        self._action_plan()
        self._meetings()
        self._engagement_notes()
        self._discharges()

    def _discharges(self):
        from dashboard.demo_discharge import build_discharges

        self.discharge_count = build_discharges(self)

    def summary(self):
        return {
            "organisations": len(self.orgs) + len(self.pcns) + sum(len(p) for p in self.practices.values()),
            "pcns": len(self.pcns),
            "care_homes": len(self.homes),
            "pharmacists_and_technicians": len(self.deployed),
            "assignments": len(self.assignments),
            "visits": self.visit_count,
        }

    # ---- helpers ---------------------------------------------------------------------------

    def _days_ago(self, low, high):
        return self.today - timedelta(days=self.rng.randint(low, high))

    def _save(self, obj):
        obj.full_clean()
        obj.save()
        return obj

    def _unique(self, make, seen):
        """A value from `make` not yet in `seen` (bounded, so a too-small list fails loudly)."""
        for _ in range(10_000):
            value = make()
            if value not in seen:
                seen.add(value)
                return value
        raise RuntimeError("The demo city ran out of unique values; add more to the name lists.")

    def _unique_number(self, make):
        return self._unique(make, self._numbers)

    def _person_name(self, prefix=""):
        first, last = self._unique(
            lambda: (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)), self._names
        )
        return first, last, f"{prefix}{first} {last}"

    def _staff(self, organisation, role, *, hours="0", second=None, active=True, prefix=""):
        first, last, name = self._person_name(prefix)
        registrant = role in (Role.PHARMACIST, Role.TECHNICIAN, Role.CHIEF_PHARMACIST)
        first_digit = 5 if role == Role.TECHNICIAN else 2
        member = StaffMember(
            name=name,
            email=f"{first}.{last}@demo.carehomes.example".lower(),
            role=role,
            gphc_number=self._unique_number(lambda: f"{first_digit}{self.rng.randint(0, 999999):06d}")
            if registrant
            else None,
            organisation=organisation,
            second_organisation=second,
            funding=FUNDING_FOR_KIND.get(organisation.kind, Funding.COMMISSIONER),
            hours_per_week=_hours(hours),
            is_active=active,
        )
        member._first_last = (first, last)
        return self._save(member)

    # ---- organisations and people ----------------------------------------------------------

    def _organisations(self):
        for key, name, ods, kind, sector, locality in SYSTEM_ORGANISATIONS:
            self.orgs[key] = self._save(
                Organisation(name=name, ods_code=ods, kind=kind, sector=sector, locality=locality)
            )
        for index, (name, ods, locality) in enumerate(COMMUNITY_PHARMACIES):
            self.orgs[f"pharmacy_{index}"] = self._save(
                Organisation(
                    name=name,
                    ods_code=ods,
                    kind=Kind.COMMUNITY_PHARMACY,
                    sector=Sector.COMMUNITY_PHARMACY,
                    locality=locality,
                )
            )

    def _pcns_and_practices(self):
        ccg = self.orgs["ccg"]
        practice_names = set()
        for index, (name, locality, _districts, engagement, _homes) in enumerate(PCNS):
            if engagement == Engagement.NOT_ENGAGED:
                committed = 0
            elif engagement == Engagement.HESITANT:
                committed = self.rng.choice([2, 3, 4, 6])
            else:
                committed = self.rng.choice([7.5, 10, 15, 15, 22.5, 30, 37.5])
            pcn = self._save(
                Organisation(
                    name=name,
                    ods_code=self._unique_number(lambda: f"U{self.rng.randint(10000, 99999)}"),
                    kind=Kind.PCN,
                    sector=Sector.PRIMARY_CARE,
                    parent=ccg,
                    locality=locality,
                    engagement=engagement,
                    committed_hours=_hours(committed),
                )
            )
            self.pcns.append(pcn)
            for _ in range(self.rng.randint(2, 5)):
                practice_name = self._unique(
                    lambda locality=locality: self.rng.choice(PRACTICE_PATTERNS).format(
                        area=locality, street=self.rng.choice(STREETS), tree=self.rng.choice(PRACTICE_TREES)
                    ),
                    practice_names,
                )
                self.practices[index].append(
                    self._save(
                        Organisation(
                            name=practice_name,
                            ods_code=self._unique_number(lambda: f"B86{self.rng.randint(1, 999):03d}"),
                            kind=Kind.GP_PRACTICE,
                            sector=Sector.PRIMARY_CARE,
                            parent=pcn,
                            locality=locality,
                        )
                    )
                )

    def _deploy(self, member, patch):
        self.deployed.append(member)
        self.patch[member.pk] = patch
        return member

    def _people(self):
        orgs = self.orgs
        for key in SLT_ORGANISATIONS:
            self.people[f"chief_{key}"] = self._staff(orgs[key], Role.CHIEF_PHARMACIST)
        self.people["pm"] = self._staff(orgs["ccg"], Role.PROJECT_MANAGER)
        for index, pcn in enumerate(self.pcns):
            director = self._staff(pcn, Role.CLINICAL_DIRECTOR, prefix="Dr ")
            self.people[f"cd_{index}"] = director
            pcn.clinical_director = director
            pcn.save(update_fields=["clinical_director", "updated_at"])

        # Second organisations for the cross-sector roles, by (organisation key, role, position).
        cross_sector = {
            ("ltht", Role.PHARMACIST, 1): self.pcns[ARMLEY],
            ("ltht", Role.PHARMACIST, 2): orgs["uol"],
            ("lch", Role.TECHNICIAN, 0): orgs["confed"],
            ("confed", Role.PHARMACIST, 1): orgs["uob"],
        }
        inactive = {("ltht", Role.PHARMACIST, 7), ("confed", Role.TECHNICIAN, 3)}
        all_pcns = list(range(len(self.pcns)))
        for key, (pharmacists, technicians) in DEPLOYED.items():
            for role, count, hours in (
                (Role.PHARMACIST, pharmacists, PHARMACIST_HOURS),
                (Role.TECHNICIAN, technicians, TECHNICIAN_HOURS),
            ):
                for position in range(count):
                    slot = (key, role, position)
                    if slot == ("confed", Role.PHARMACIST, 0):
                        # The `pharmacist` demo login: a Chapeltown care-home pharmacist.
                        member = self._staff(orgs[key], role, hours="15")
                        self.people["pharmacist"] = self._deploy(member, {CHAPELTOWN, MOORTOWN})
                        continue
                    member = self._staff(
                        orgs[key],
                        role,
                        hours=self.rng.choice(hours),
                        second=cross_sector.get(slot),
                        active=slot not in inactive,
                    )
                    self._deploy(member, set(self.rng.sample(all_pcns, 3)))
                    if slot == ("lch", Role.PHARMACIST, 0):
                        self.people["met_offer"] = member
                    if slot in inactive:
                        self.people.setdefault("inactive", []).append(member)

        # PCN-employed pharmacists (and some technicians) in most engaged PCNs.
        engaged = [i for i, spec in enumerate(PCNS) if spec[3] == Engagement.ENGAGED]
        for number, index in enumerate(engaged[:12]):
            roles = [Role.PHARMACIST] + ([Role.TECHNICIAN] if number % 2 == 0 else [])
            for role in roles:
                hours = PHARMACIST_HOURS if role == Role.PHARMACIST else TECHNICIAN_HOURS
                self._deploy(self._staff(self.pcns[index], role, hours=self.rng.choice(hours)), {index})
        # Practice-employed pharmacists.
        for index in (ARMLEY, SEACROFT, MORLEY, 11):
            practice = self.practices[index][0]
            self._deploy(
                self._staff(practice, Role.PHARMACIST, hours=self.rng.choice(PHARMACIST_HOURS)), {index}
            )
        # Community pharmacy: pharmacists from the pharmacies, technicians from the LPC.
        for position in range(6):
            pharmacy = orgs[f"pharmacy_{position % len(COMMUNITY_PHARMACIES)}"]
            second = (
                self.pcns[9] if position == 1 else None
            )  # a Cross Gates pharmacist also works for its PCN
            member = self._staff(
                pharmacy, Role.PHARMACIST, hours=self.rng.choice(["4", "6", "7.5"]), second=second
            )
            self._deploy(member, set(self.rng.sample(all_pcns, 3)))
        for _ in range(2):
            member = self._staff(orgs["cpwy"], Role.TECHNICIAN, hours=self.rng.choice(TECHNICIAN_HOURS))
            self._deploy(member, set(self.rng.sample(all_pcns, 3)))

    def _teams(self):
        slt = self._save(
            Team(
                name="Care homes pharmacy Senior Leadership Team",
                kind=Team.Kind.SLT,
                description="Chief pharmacists of the Leeds health system, overseeing care-home support.",
            )
        )
        for key in SLT_ORGANISATIONS:
            role = Membership.Role.CHAIR if key == "ltht" else Membership.Role.MEMBER
            self._save(
                Membership(
                    team=slt, staff=self.people[f"chief_{key}"], organisation=self.orgs[key], role=role
                )
            )
        operational = self._save(
            Team(
                name="Care homes pharmacy operational team",
                kind=Team.Kind.OPERATIONAL,
                description="Deploys pharmacists and technicians to care homes and works the gap list.",
            )
        )
        pm = self.people["pm"]
        self._save(
            Membership(
                team=operational, staff=pm, organisation=pm.organisation, role=Membership.Role.PROJECT_MANAGER
            )
        )
        members = []
        for key in ("confed", "lch", "ccg", "lypft"):
            members.append(
                next(
                    s
                    for s in self.deployed
                    if s.organisation == self.orgs[key]
                    and s.role == Role.PHARMACIST
                    and s != self.people["pharmacist"]
                )
            )
        members.append(next(s for s in self.deployed if s.organisation == self.orgs["cpwy"]))
        for member in members:
            self._save(Membership(team=operational, staff=member, organisation=member.organisation))

    def _logins(self):
        User = get_user_model()
        # One hash for the shared, published demo password: hashing is deliberately slow.
        password_hash = make_password(self.password)
        groups = {
            name: Group.objects.get_or_create(name=name)[0]
            for name in (SLT, PROJECT_MANAGER, PHARMACY_PROFESSIONAL, ORGANISATION_LEAD)
        }
        login_people = {
            "slt": self.people["chief_ltht"],
            "pm": self.people["pm"],
            "pharmacist": self.people["pharmacist"],
            "orglead": self.people[f"cd_{SEACROFT}"],
        }
        for username, member in login_people.items():
            first, last = member._first_last
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                email=member.email,
                password=password_hash,
            )
            user.groups.add(groups[DEMO_LOGINS[username]])
            member.user = user
            member.save(update_fields=["user", "updated_at"])
            self.users[username] = user
        if not User.objects.filter(username="admin").exists():
            self.users["admin"] = User.objects.create(
                username="admin",
                first_name="Demo",
                last_name="Administrator",
                email="admin@demo.carehomes.example",
                password=password_hash,
                is_staff=True,
                is_superuser=True,
            )

    # ---- care homes ------------------------------------------------------------------------

    def _homes_of(self, pcn_index, exclude=()):
        return [i for i, p in enumerate(self.home_pcn) if p == pcn_index and i not in exclude]

    def _plan_homes(self):
        """Decide which homes carry the deliberate gaps, before the homes are made."""
        rng = self.rng
        for index, spec in enumerate(PCNS):
            self.home_pcn += [index] * spec[4]
        chapeltown = self._homes_of(CHAPELTOWN)
        self.pharmacist_leads = chapeltown[:3]
        self.pharmacist_support = chapeltown[3]
        taken = set(chapeltown[:4])

        no_lead = rng.sample(self._homes_of(MIDDLETON), 2) + rng.sample(self._homes_of(HAREHILLS), 2)
        others = [
            i for i in range(len(self.home_pcn)) if self.home_pcn[i] not in (MIDDLETON, HAREHILLS, CHAPELTOWN)
        ]
        no_lead += rng.sample(others, 4)
        # Each no-lead home's story: "A" lead left, support carries on; "B" lead left, nobody
        # since; "C" newly registered, nobody yet.
        self.no_lead = dict(zip(no_lead, "ABCABABC", strict=True))
        taken |= set(no_lead)

        eligible = [i for i in range(len(self.home_pcn)) if i not in taken]
        seacroft = [i for i in self._homes_of(SEACROFT) if i not in taken]
        outbreak_unvisited = [seacroft[0]] + rng.sample([i for i in eligible if i != seacroft[0]], 2)
        rest = [i for i in eligible if i not in outbreak_unvisited]
        outbreak_visited = [self.pharmacist_leads[1], rng.choice(rest)]
        self.outbreak_unvisited = outbreak_unvisited
        self.outbreak = {i: (i not in outbreak_unvisited) for i in outbreak_unvisited + outbreak_visited}
        taken |= set(self.outbreak)

        eligible = [i for i in range(len(self.home_pcn)) if i not in taken]
        self.stale = [self.pharmacist_leads[2]] + rng.sample(eligible, 7)
        taken |= set(self.stale)
        self.met_home = next(i for i in self._homes_of(MORLEY) if i not in taken)
        self.seacroft_homes = self._homes_of(SEACROFT)

        led = [i for i in range(len(self.home_pcn)) if i not in self.no_lead and i not in chapeltown[:3]]
        self.changed_lead = set(rng.sample(led, 25))

    def _care_homes(self):
        rng = self.rng
        specialisms = {s.code: s for s in Specialism.objects.all()}
        names = rng.sample([f"{a} {b}" for a in HOME_NAME_FIRST for b in HOME_NAME_LAST], len(self.home_pcn))
        for index, pcn_index in enumerate(self.home_pcn):
            _name, locality, districts, _engagement, _count = PCNS[pcn_index]
            learning_disability = rng.random() < 0.08
            if learning_disability:
                beds, home_type = rng.randint(10, 20), CareHome.HomeType.RESIDENTIAL
            else:
                beds = rng.randint(18, 90)
                home_type = rng.choices(
                    [CareHome.HomeType.RESIDENTIAL, CareHome.HomeType.NURSING, CareHome.HomeType.BOTH],
                    [45, 25, 30],
                )[0]
            postcode = f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
            new_home = self.no_lead.get(index) == "C"
            registered_on = self._days_ago(40, 120) if new_home else self._days_ago(4 * 365, 28 * 365)
            outbreak_status, outbreak_started_on = CareHome.Outbreak.NONE, None
            if index in self.outbreak:
                outbreak_status = rng.choice([CareHome.Outbreak.SUSPECTED, CareHome.Outbreak.CONFIRMED])
                outbreak_started_on = self._days_ago(3, 12)
            home = self._save(
                CareHome(
                    name=names[index],
                    cqc_location_id=self._unique_number(
                        lambda: f"1-{rng.randint(100_000_000, 9_999_999_999)}"
                    ),
                    address=f"{rng.randint(1, 240)} {rng.choice(STREETS)}, {locality}, Leeds",
                    postcode=postcode,
                    locality=locality,
                    beds=beds,
                    home_type=home_type,
                    pcn=self.pcns[pcn_index],
                    practice=rng.choice(self.practices[pcn_index]),
                    registered_on=registered_on,
                    outbreak_status=outbreak_status,
                    outbreak_started_on=outbreak_started_on,
                )
            )
            codes = ["learning-disability"] if learning_disability else ["older-people"]
            if not learning_disability and rng.random() < 0.5:
                codes.append("dementia")
            if rng.random() < 0.1:
                codes.append("mental-health")
            if rng.random() < 0.1:
                codes.append("physical-disability")
            home.specialisms.set([specialisms[code] for code in codes if code in specialisms])
            self.homes.append(home)

    # ---- assignments -----------------------------------------------------------------------

    def _lead_hours(self, home):
        hours = Decimal("1.5") if home.beds < 30 else Decimal("2.5") if home.beds < 60 else Decimal("3.5")
        return hours + (Decimal("0.5") if home.home_type != CareHome.HomeType.RESIDENTIAL else 0)

    def _free(self, member):
        return member.hours_per_week - self.assigned[member.pk]

    def _pick(self, index, hours, roles, exclude=()):
        """Someone with the hours free, preferring people whose patch covers the home's PCN."""
        pool = [
            s
            for s in self.deployed
            if s.is_active
            and s.role in roles
            and s not in exclude
            and s != self.people["pharmacist"]
            and self._free(s) >= hours
        ]
        local = [s for s in pool if self.home_pcn[index] in self.patch[s.pk]]
        choice = local or pool
        if not choice:
            raise RuntimeError("The demo city ran out of staff hours; add staff or lower assignment hours.")
        return self.rng.choice(choice)

    def _assign(self, member, index, role, hours, starts_on, ends_on=None):
        self.assignments.append(
            Assignment(
                staff=member,
                care_home=self.homes[index],
                role=role,
                hours_per_week=_hours(hours),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
        self.stints[index].append((member, role, starts_on, ends_on))
        if ends_on is None:
            self.assigned[member.pk] += _hours(hours)
            if role == Assignment.Role.LEAD:
                self.current_leads[member.pk] += 1

    def _assignments(self):
        rng = self.rng
        lead, support = Assignment.Role.LEAD, Assignment.Role.SUPPORT
        pharmacists = [s for s in self.deployed if s.role == Role.PHARMACIST]
        you = self.people["pharmacist"]
        for index in self.pharmacist_leads:
            self._assign(you, index, lead, self._lead_hours(self.homes[index]), self._days_ago(400, 700))
        # The met request for help: an LCH pharmacist supporting a Morley home since six weeks ago.
        met = self.people["met_offer"]
        self.met_start = self.today - timedelta(days=42)
        self._assign(met, self.met_home, support, "3", self.met_start)

        leavers = self.people["inactive"]
        left_on = {member.pk: self._days_ago(100, 160) for member in leavers}
        inactive = [member for member in leavers if member.role == Role.PHARMACIST]
        inactive_homes = defaultdict(int)
        for index, home in enumerate(self.homes):
            hours = self._lead_hours(home)
            story = self.no_lead.get(index)
            if story == "C":
                continue
            if story in ("A", "B"):
                ended = self._days_ago(30, 120)
                earlier = rng.choice([p for p in pharmacists if p.is_active and p != you])
                self._assign(
                    earlier, index, lead, hours, ended - timedelta(days=rng.randint(200, 900)), ended
                )
            elif index in self.pharmacist_leads:
                pass
            elif index in self.changed_lead:
                # An earlier lead handed over: some of the inactive staff left this way.
                leaver = next((m for m in inactive if inactive_homes[m.pk] < 3), None)
                if leaver is not None:
                    inactive_homes[leaver.pk] += 1
                    change = left_on[leaver.pk] + timedelta(days=1)
                else:
                    leaver = rng.choice([p for p in pharmacists if p.is_active])
                    change = self._days_ago(60, 300)
                before = change - timedelta(days=rng.randint(200, 900))
                self._assign(leaver, index, lead, hours, before, change - timedelta(days=1))
                self._assign(
                    self._pick(index, hours, {Role.PHARMACIST}, exclude=[leaver]), index, lead, hours, change
                )
            else:
                starts_on = self._days_ago(60, 360) if rng.random() < 0.15 else self._days_ago(380, 1100)
                self._assign(self._pick(index, hours, {Role.PHARMACIST}), index, lead, hours, starts_on)

        # The inactive technicians supported homes until they left.
        for member in leavers:
            if member.role == Role.TECHNICIAN:
                for index in rng.sample([i for i in sorted(self.changed_lead) if i not in self.no_lead], 2):
                    ended = left_on[member.pk]
                    self._assign(
                        member, index, support, "1.5", ended - timedelta(days=rng.randint(200, 600)), ended
                    )

        # Support: the demo pharmacist's fourth home, most homes in the "A" story, two thirds of the rest.
        self._assign(you, self.pharmacist_support, support, "1.5", self._days_ago(200, 500))
        for index in range(len(self.homes)):
            story = self.no_lead.get(index)
            if story in ("B", "C") or index in (self.pharmacist_support, self.met_home):
                continue
            if story != "A" and rng.random() > 0.62:
                continue
            hours = rng.choice(["1", "1.5", "2"])
            roles = {Role.TECHNICIAN} if rng.random() < 0.75 else {Role.PHARMACIST, Role.TECHNICIAN}
            current_leads = [s for s, r, _, e in self.stints[index] if r == lead and e is None]
            member = self._pick(index, _hours(hours), roles, exclude=current_leads)
            starts_on = self._days_ago(30, 700)
            if story != "A" and rng.random() < 0.1:
                ends_on = min(
                    self.today - timedelta(days=rng.randint(10, 150)), starts_on + timedelta(days=400)
                )
                if ends_on >= starts_on:
                    self._assign(member, index, support, hours, starts_on, ends_on)
                    continue
            self._assign(member, index, support, hours, starts_on)

        Assignment.objects.bulk_create(self.assignments, batch_size=500)

    def _over_capacity(self):
        """One lead whose available hours were cut after they were assigned: an over-capacity gap."""
        you = self.people["pharmacist"]
        candidates = [
            s
            for s in self.deployed
            if s.role == Role.PHARMACIST
            and s.is_active
            and s not in (you, self.people["met_offer"])
            and self.assigned[s.pk] >= Decimal("4")
            and 1 <= self.current_leads[s.pk] <= 2
        ]
        member = max(candidates, key=lambda s: (self.assigned[s.pk], -s.pk))
        member.hours_per_week = self.assigned[member.pk] - Decimal("2.5")
        member.save(update_fields=["hours_per_week", "updated_at"])
        self.people["over_capacity"] = member

    # ---- visits ----------------------------------------------------------------------------

    def _visit_dates(self, first, last, low, high):
        day = first + timedelta(days=self.rng.randint(0, low))
        while day <= last:
            weekend = day.weekday() - 4
            visit_day = day - timedelta(days=weekend) if weekend > 0 else day
            if visit_day >= first:
                yield visit_day
            day += timedelta(days=self.rng.randint(low, high))

    def _visits(self):
        visits = []
        for index, home in enumerate(self.homes):
            cutoff = self.today
            if index in self.stale:
                cutoff = self._days_ago(29, 75)
            elif index in self.outbreak_unvisited:
                cutoff = home.outbreak_started_on - timedelta(days=1)
            for member, role, starts_on, ends_on in self.stints[index]:
                first = max(starts_on, self.window_start)
                last = min(ends_on or self.today, cutoff)
                low, high = (6, 16) if role == Assignment.Role.LEAD else (10, 24)
                for day in self._visit_dates(first, last, low, high):
                    visits.append(self._visit(index, *self._visitor(member), day))
            if self.outbreak.get(index):
                # Seen since the outbreak began.
                current_lead = next(
                    s for s, r, _, e in self.stints[index] if r == Assignment.Role.LEAD and e is None
                )
                day = home.outbreak_started_on + timedelta(
                    days=self.rng.randint(0, (self.today - home.outbreak_started_on).days)
                )
                visits.append(self._visit(index, current_lead, False, day))
        Visit.objects.bulk_create(visits, batch_size=VISIT_BATCH)
        self.visit_count = len(visits)
        self._backdate_visits()

    def _backdate_visits(self):
        """Make each seeded visit look logged on its day, so the edit window treats it as old.

        `created_at` is set on insert (auto_now_add), so it is moved afterwards in one UPDATE.
        """
        seeded = Visit.objects.filter(care_home_id__in=[home.pk for home in self.homes])
        logged = Cast("visited_on", DateTimeField()) + Value(timedelta(hours=16, minutes=30))
        seeded.update(created_at=ExpressionWrapper(logged, output_field=DateTimeField()))
        seeded.filter(visited_on=self.today).update(created_at=timezone.now())

    def _visitor(self, member):
        """Usually the assigned person; now and then a colleague from the same organisation covers."""
        if self.rng.random() >= 0.02:
            return member, False
        colleagues = [
            s
            for s in self.deployed
            if s.organisation_id == member.organisation_id and s.is_active and s != member
        ]
        return (self.rng.choice(colleagues), True) if colleagues else (member, False)

    def _visit(self, index, member, is_cover, day):
        rng = self.rng
        home = self.homes[index]
        in_outbreak = home.in_outbreak and day >= home.outbreak_started_on
        if in_outbreak:
            mode = rng.choice([Visit.Mode.VIDEO, Visit.Mode.PHONE, Visit.Mode.ON_SITE])
        else:
            mode = rng.choices([Visit.Mode.ON_SITE, Visit.Mode.VIDEO, Visit.Mode.PHONE], [78, 14, 8])[0]
        if member.role == Role.TECHNICIAN:
            weights = {"medicines_reconciliation": 0.45, "post_discharge_review": 0.15, "home_round": 0.1,
                       "medicines_supply": 0.3, "staff_training": 0.3, "audit": 0.3, "other": 0.1}  # fmt: skip
        else:
            weights = {"smr": 0.55, "medicines_reconciliation": 0.3, "post_discharge_review": 0.2, "home_round": 0.3,
                       "medicines_supply": 0.15, "staff_training": 0.1, "audit": 0.1, "other": 0.05}  # fmt: skip
        done = [code for code, chance in weights.items() if rng.random() < chance]
        if not done:
            done = ["medicines_reconciliation"]
        cap = home.beds if mode == Visit.Mode.ON_SITE else min(home.beds, 6)
        if "smr" in done or "home_round" in done:
            reviewed = rng.randint(2, min(cap, 15))
        elif "medicines_reconciliation" in done or "post_discharge_review" in done:
            reviewed = rng.randint(1, min(cap, 4))
        else:
            reviewed = rng.randint(0, 2)
        scale = reviewed // 3 + (1 if "smr" in done else 0)
        escalated = 1 if rng.random() < 0.08 else 0
        minutes = 5 * (rng.randint(9, 48) if mode == Visit.Mode.ON_SITE else rng.randint(4, 18))
        return Visit(
            care_home=home,
            staff=member,
            visited_on=day,
            mode=mode,
            **{f"activity_{code}": True for code in done},
            residents_reviewed=reviewed,
            interventions_stopped=rng.randint(0, scale),
            interventions_dose_changed=rng.randint(0, scale),
            interventions_started=rng.randint(0, scale // 2),
            interventions_switched=rng.randint(0, scale // 2),
            interventions_monitoring=rng.randint(0, scale),
            issues_escalated=escalated,
            escalation_summary=rng.choice(ESCALATIONS) if escalated else "",
            minutes_spent=minutes,
            notes=rng.choice(VISIT_NOTES[rng.choice(done)]) if rng.random() < 0.6 else "",
            is_cover=is_cover,
            created_by=member.user,
        )

    # ---- workstreams and requests for help --------------------------------------------------

    def _workstreams(self):
        rng = self.rng
        orgs, people = self.orgs, self.people
        led = [home for index, home in enumerate(self.homes) if index not in self.no_lead]
        nursing = [home for home in led if home.home_type != CareHome.HomeType.RESIDENTIAL]
        pcn_sample = [self.pcns[i] for i in sorted(rng.sample(range(len(self.pcns)), 8))]
        specs = [
            (
                "smr",
                "Structured medication reviews",
                "Every care-home resident offered a structured medication review each year, led by the named "
                "pharmacist with the aligned practice.",
                "confed",
                Workstream.Status.ACTIVE,
                [orgs["lch"], orgs["lypft"], orgs["ccg"], *pcn_sample],
                rng.sample(led, 55),
                [
                    "Reviews now running in most PCNs; template agreed with the practices.",
                    "Antipsychotic review pathway agreed with the mental health trust.",
                    "Coverage below target in the hesitant PCNs: raised at the SLT.",
                ],
            ),
            (
                "eol",
                "End-of-life medicines supply",
                "Anticipatory and end-of-life medicines available to care homes seven days a week through a "
                "network of community pharmacies.",
                "cpwy",
                Workstream.Status.ACTIVE,
                [orgs["lch"], orgs["ltht"], orgs["pharmacy_0"], orgs["pharmacy_1"], orgs["pharmacy_2"]],
                rng.sample(nursing, min(40, len(nursing))),
                [
                    "Weekend stock list agreed; four pharmacies hold the full list.",
                    "Out-of-hours contact sheet sent to every nursing home.",
                ],
            ),
            (
                "dms",
                "Discharge follow-up (Discharge Medicines Service)",
                "Hospital discharges to care homes referred to community pharmacy and followed up by the home's "
                "named pharmacist within 72 hours.",
                "ltht",
                Workstream.Status.ACTIVE,
                [orgs["cpwy"], orgs["lch"], orgs["ccg"]],
                rng.sample(led, 30),
                [
                    "Referral route from the wards live on two elderly-care wards.",
                    "Follow-up within 72 hours in about half of discharges; missing letters remain the main delay.",
                    "Electronic referral to be rolled out to all wards next month.",
                ],
            ),
            (
                "training",
                "Care-home staff training",
                "Medicines training for care-home staff: administration, PRN protocols, covert administration "
                "and thickened fluids.",
                "lch",
                Workstream.Status.PAUSED,
                [orgs["uol"], orgs["uob"], orgs["lcc"], orgs["confed"]],
                rng.sample(led, 25),
                [
                    "Training modules written with the universities.",
                    "Face-to-face sessions paused in homes with outbreaks; online sessions continue.",
                ],
            ),
        ]
        self.workstreams = {}
        authors = [self.users["pm"], self.users["slt"], None]
        for key, name, description, lead_key, status, participants, homes, notes in specs:
            workstream = self._save(
                Workstream(
                    name=name,
                    description=description,
                    lead_organisation=orgs[lead_key],
                    lead=people[f"chief_{lead_key}"],
                    status=status,
                )
            )
            workstream.participating_organisations.set(participants)
            workstream.care_homes.set(homes)
            count = rng.randint(1, len(notes))
            for position, text in enumerate(notes[:count]):
                ProgressNote.objects.create(
                    workstream=workstream,
                    written_on=self.today - timedelta(days=(count - position) * rng.randint(8, 20)),
                    text=text,
                    author=rng.choice(authors),
                )
            self.workstreams[key] = workstream

    def _requests_for_help(self):
        today = self.today
        outbreak_home = self.outbreak_unvisited[0]  # a Seacroft home
        another = next(i for i in self.seacroft_homes if i != outbreak_home and i not in self.no_lead)
        seacroft_homes = [self.homes[outbreak_home], self.homes[another]]
        urgent = self._save(
            SupportRequest(
                organisation=self.pcns[SEACROFT],
                title="Pharmacist cover for care-home medication reviews during an outbreak",
                details="Our care-home pharmacist is off sick and two homes have outbreaks. We need a "
                "pharmacist for video reviews and end-of-life medicines checks for the next month.",
                hours_per_week=_hours("7.5"),
                skills="Independent prescriber; structured medication reviews; dementia",
                locality=PCNS[SEACROFT][1],
                needed_by=today + timedelta(days=5),
                urgency=SupportRequest.Urgency.URGENT,
                status=SupportRequest.Status.OPEN,
                raised_by=self.users["orglead"],
            )
        )
        urgent.care_homes.set(seacroft_homes)

        offered = self._save(
            SupportRequest(
                organisation=self.pcns[MOORTOWN],
                title="Medicines reconciliation after hospital discharge",
                details="Discharges to our nursing homes are rising; we need help reconciling medicines "
                "within 72 hours of discharge.",
                hours_per_week=_hours("6"),
                skills="Medicines reconciliation; Discharge Medicines Service",
                locality=PCNS[MOORTOWN][1],
                needed_by=today + timedelta(days=21),
                urgency=SupportRequest.Urgency.SOON,
                status=SupportRequest.Status.OFFERED,
                raised_by=self.users["pm"],  # on the PCN's behalf, after an engagement call
            )
        )
        offered.care_homes.set([self.homes[i] for i in self._homes_of(MOORTOWN)[:3]])
        ltht = self.orgs["ltht"]
        ltht_pharmacists = [
            s for s in self.deployed if s.organisation == ltht and s.role == Role.PHARMACIST and s.is_active
        ]
        offer_staff = max(ltht_pharmacists, key=lambda s: (self._free(s), -s.pk))
        self._save(
            SupportOffer(
                request=offered,
                organisation=ltht,
                staff=offer_staff,
                hours_per_week=_hours("4"),
                starts_on=today + timedelta(days=14),
                note="Can cover Tuesday and Thursday afternoons from the elderly-care wards.",
                status=SupportOffer.Status.OFFERED,
                offered_by=self.users["slt"],
            )
        )

        met = self._save(
            SupportRequest(
                organisation=self.pcns[MORLEY],
                title="Cover for our care-home pharmacist's maternity leave",
                details="One home needs a named support pharmacist for three hours a week while our "
                "pharmacist is on leave.",
                hours_per_week=_hours("3"),
                skills="Care-home experience",
                locality=PCNS[MORLEY][1],
                needed_by=self.met_start + timedelta(days=2),
                urgency=SupportRequest.Urgency.ROUTINE,
                status=SupportRequest.Status.MET,
                raised_by=self.users["pm"],
            )
        )
        met.care_homes.set([self.homes[self.met_home]])
        member = self.people["met_offer"]
        offer = self._save(
            SupportOffer(
                request=met,
                organisation=member.organisation,
                staff=member,
                hours_per_week=_hours("3"),
                starts_on=self.met_start,
                note="Happy to help from the community trust's care-home team.",
                status=SupportOffer.Status.ACCEPTED,
                offered_by=self.users["pm"],
                decided_by=self.users["pm"],
                decided_at=timezone.make_aware(
                    datetime.combine(self.met_start - timedelta(days=3), time(11, 0))
                ),
            )
        )
        offer.assignments.set(
            Assignment.objects.filter(
                staff=member, care_home=self.homes[self.met_home], starts_on=self.met_start
            )
        )

    # ---- the Silver Command action plan ----------------------------------------------------

    def _action_plan(self):
        rng, today, people, orgs = self.rng, self.today, self.people, self.orgs
        plan = self._save(ActionPlan(name="Leeds care homes Silver Command action plan"))
        sections = {
            code: self._save(Section(plan=plan, name=name, code=code, position=position))
            for position, (code, name) in enumerate(
                [
                    ("PH", "Pharmacy support"),
                    ("IPC", "Infection prevention and control"),
                    ("WF", "Workforce"),
                ],
                start=1,
            )
        }
        pm = people["pm"]
        # section, description, owner, owner organisation, due (days from today), RAG, closed (days ago), workstream, updates
        actions = [
            ("PH", "Name a lead pharmacist or technician for every care home in Leeds.", pm, None, 14, Rag.AMBER, None, None,
             ["Named leads in place for most homes; the remaining homes are in two PCNs.",
              "Offers of help from the trusts to cover the remaining homes.",
              "Gap list reviewed weekly by the operational team."]),
            ("PH", "Offer every care-home resident a structured medication review this year.", people["chief_confed"], None, 60, Rag.AMBER, None, "smr",
             ["Reviews on track in engaged PCNs.", "Coverage behind in the hesitant PCNs.",
              "Review template shared with all practices."]),
            ("PH", "Secure seven-day supply of end-of-life medicines through community pharmacy.", people["chief_cpwy"], None, -10, Rag.GREEN, None, "eol",
             ["Four pharmacies hold the full stock list.", "Weekend rota confirmed."]),
            ("PH", "Follow up every discharge to a care home within 72 hours (Discharge Medicines Service).", people["chief_ltht"], None, -7, Rag.RED, None, "dms",
             ["Referrals live on two wards only.", "Missing discharge letters are delaying follow-up.",
              "Escalated to the trust's discharge group."]),
            ("PH", "Deliver medicines training to care-home staff in every home.", people["chief_lch"], None, 45, Rag.AMBER, None, "training",
             ["Modules written.", "Face-to-face sessions paused in outbreak homes."]),
            ("PH", "Engage the hesitant and non-engaged PCNs in care-home pharmacy support.", pm, orgs["ccg"], -21, Rag.RED, None, None,
             ["Meetings offered to the two PCNs with no committed hours.",
              "One PCN has agreed to a conversation with the clinical director.",
              "Raised at the SLT: commissioner to write to the PCNs.",
              "No hours committed yet."]),
            ("PH", "Agree the standard for remote (video) medication reviews.", people["chief_lypft"], None, -40, Rag.GREEN, 30, None,
             ["Standard drafted with the mental health trust.", "Standard agreed and published."]),
            ("PH", "Publish a weekly pharmacy gap report to Silver Command.", pm, None, -50, Rag.GREEN, 45, None,
             ["First report published.", "Report produced automatically every Monday."]),
            ("PH", "Review antipsychotic prescribing for residents with dementia.", people["chief_lypft"], None, 90, Rag.GREEN, None, "smr",
             ["Pathway agreed with the memory service."]),
            ("PH", "Pharmacist review within 48 hours of an outbreak being declared in a care home.", people["chief_ccg"], None, 7, Rag.RED, None, None,
             ["Some outbreak homes not yet seen.", "Outbreak alerts now copied to the operational team."]),
            ("IPC", "Weekly testing of care-home staff in every home.", None, orgs["lcc"], 21, Rag.AMBER, None, None,
             ["Testing kits delivered to most homes."]),
            ("IPC", "PPE supply to care homes through the council's hub.", None, orgs["lcc"], -14, Rag.GREEN, None, None,
             ["Supply stable.", "No shortages reported this week."]),
            ("IPC", "Infection prevention visits to homes with outbreaks.", people["chief_lch"], None, 10, Rag.AMBER, None, None,
             ["Visits prioritised by the IPC team."]),
            ("WF", "Redeploy staff to homes with staffing shortfalls.", None, orgs["lcc"], 30, Rag.AMBER, None, None,
             ["Shortfalls reported by three homes."]),
            ("WF", "Place student pharmacists in care homes with the universities.", None, orgs["uob"], 120, Rag.GREEN, None, "training",
             ["Placement agreement drafted with both universities."]),
        ]  # fmt: skip
        authors = [self.users["pm"], self.users["pm"], self.users["slt"]]
        numbers = defaultdict(int)
        for code, description, owner, owner_org, due, rag, closed, workstream_key, updates in actions:
            numbers[code] += 1
            action = self._save(
                Action(
                    section=sections[code],
                    number=numbers[code],
                    description=description,
                    owner=owner,
                    owner_organisation=owner_org or owner.organisation,
                    due_on=today + timedelta(days=due),
                    rag=rag,
                    is_open=closed is None,
                    closed_on=today - timedelta(days=closed) if closed is not None else None,
                    workstream=self.workstreams.get(workstream_key),
                )
            )
            texts = updates[: rng.randint(1, min(4, len(updates)))]
            oldest = closed if closed is not None else 0
            days = sorted(rng.sample(range(oldest, 60), len(texts)), reverse=True)
            for position, (text, days_ago) in enumerate(zip(texts, days, strict=True)):
                latest = position == len(texts) - 1
                ActionUpdate.objects.create(
                    action=action,
                    written_on=today - timedelta(days=days_ago),
                    text=text,
                    rag=rag if latest else rng.choice([Rag.RED, Rag.AMBER, Rag.AMBER, ""]),
                    author=rng.choice(authors),
                )

    def _meetings(self):
        last_thursday = self.today - timedelta(days=(self.today.weekday() - 3) % 7)
        dates = [last_thursday - timedelta(weeks=week) for week in range(12)]
        dates += [last_thursday + timedelta(weeks=week) for week in (1, 2)]
        Meeting.objects.bulk_create([Meeting(held_on=day) for day in sorted(dates)])

    def _engagement_notes(self):
        notes = {
            Engagement.HESITANT: [
                "Clinical director supportive but the PCN board wants to see the funding before committing hours.",
                "Agreed to share the gap list with the practices; will revisit hours next month.",
            ],
            Engagement.NOT_ENGAGED: [
                "No response to two invitations; the commissioner will follow up.",
                "Short call: the PCN's pharmacist time is fully committed to practice work.",
            ],
        }
        for index, spec in enumerate(PCNS):
            for position, summary in enumerate(notes.get(spec[3], [])):
                self._save(
                    EngagementNote(
                        pcn=self.pcns[index],
                        held_on=self._days_ago(10 + 30 * position, 25 + 30 * position),
                        with_whom="Clinical director",
                        summary=summary,
                        recorded_by=self.users["pm"],
                    )
                )
