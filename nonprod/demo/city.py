"""The demo city's builder: its state, its organisations, people, teams and logins.

The care homes, assignments, visits and the shared work are built by the mixins beside it, each
on this same state and the one seeded random generator (see `nonprod/demo/__init__.py`).
"""

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from nonprod.demo.data import (
    ARMLEY,
    CHAPELTOWN,
    COMMUNITY_PHARMACIES,
    CROSS_GATES,
    DEPLOYED,
    FIRST_NAMES,
    FUNDING_FOR_KIND,
    LAST_NAMES,
    MOORTOWN,
    MORLEY,
    PCNS,
    PHARMACIST_HOURS,
    PRACTICE_PATTERNS,
    PRACTICE_TREES,
    SEACROFT,
    SLT_ORGANISATIONS,
    STREETS,
    SYSTEM_ORGANISATIONS,
    TEAMS,
    TECHNICIAN_HOURS,
    WETHERBY,
    weekly_hours,
)
from nonprod.demo.discharge import build_discharges
from nonprod.demo.homes import HomesMixin
from nonprod.demo.reference import import_a_month_of_ods
from nonprod.demo.visits import VisitsMixin
from nonprod.demo.work import WorkMixin
from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
    leadership_announced,
)
from organisations.models import Membership, Organisation, Sector, StaffMember, Team

RNG_SEED = 20201

Kind = Organisation.Kind
Engagement = Organisation.Engagement
Role = StaffMember.Role
Funding = StaffMember.Funding

# username -> the role it demonstrates (superuser last)
DEMO_LOGINS = {
    "slt": SLT,
    "pm": PROJECT_MANAGER,
    "pharmacist": PHARMACY_PROFESSIONAL,
    "orglead": ORGANISATION_LEAD,
    "trust": TRUST_DISCHARGE_TEAM,
    "chemist": COMMUNITY_PHARMACY,
    "admin": "Superuser (Django admin)",
}


class DemoCity(HomesMixin, VisitsMixin, WorkMixin):
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
        self.discharge_count = build_discharges(self)
        self.ods_import = import_a_month_of_ods(self)

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
            hours_per_week=weekly_hours(hours),
            is_active=active,
        )
        member._first_last = (first, last)
        return self._save(member)

    # ---- organisations and people ----------------------------------------------------------

    def _organisations(self):
        for spec in SYSTEM_ORGANISATIONS:
            self.orgs[spec["key"]] = self._save(
                Organisation(
                    name=spec["name"],
                    ods_code=spec["ods_code"],
                    kind=Kind(spec["kind"]),
                    sector=Sector(spec["sector"]),
                    locality=spec["locality"],
                )
            )
        for index, spec in enumerate(COMMUNITY_PHARMACIES):
            self.orgs[f"pharmacy_{index}"] = self._save(
                Organisation(
                    name=spec["name"],
                    ods_code=spec["ods_code"],
                    kind=Kind.COMMUNITY_PHARMACY,
                    sector=Sector.COMMUNITY_PHARMACY,
                    locality=spec["locality"],
                )
            )

    def _pcns_and_practices(self):
        ccg = self.orgs["ccg"]
        practice_names = set()
        for index, spec in enumerate(PCNS):
            name, locality, engagement = spec["name"], spec["locality"], Engagement(spec["engagement"])
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
                    committed_hours=weekly_hours(committed),
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
        for key, counts in DEPLOYED.items():
            pharmacists, technicians = counts["pharmacists"], counts["technicians"]
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
        engaged = [i for i, spec in enumerate(PCNS) if spec["engagement"] == Engagement.ENGAGED]
        for number, index in enumerate(engaged[:12]):
            roles = [Role.PHARMACIST] + ([Role.TECHNICIAN] if number % 2 == 0 else [])
            for role in roles:
                hours = PHARMACIST_HOURS if role == Role.PHARMACIST else TECHNICIAN_HOURS
                self._deploy(self._staff(self.pcns[index], role, hours=self.rng.choice(hours)), {index})
        # Practice-employed pharmacists.
        for index in (ARMLEY, SEACROFT, MORLEY, WETHERBY):
            practice = self.practices[index][0]
            self._deploy(
                self._staff(practice, Role.PHARMACIST, hours=self.rng.choice(PHARMACIST_HOURS)), {index}
            )
        # Community pharmacy: pharmacists from the pharmacies, technicians from the LPC.
        for position in range(6):
            pharmacy = orgs[f"pharmacy_{position % len(COMMUNITY_PHARMACIES)}"]
            second = (
                self.pcns[CROSS_GATES] if position == 1 else None
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
            Team(name=TEAMS["slt"]["name"], kind=Team.Kind.SLT, description=TEAMS["slt"]["description"])
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
                name=TEAMS["operational"]["name"],
                kind=Team.Kind.OPERATIONAL,
                description=TEAMS["operational"]["description"],
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
            with leadership_announced():  # the demo city is built, nobody is seated: nobody to tell
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
