"""The demo city's care homes and who is assigned to them, with the deliberate gaps."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from carehomes.models import Assignment, CareHome, Specialism
from nonprod.demo.data import (
    CHAPELTOWN,
    HAREHILLS,
    HOME_NAME_FIRST,
    HOME_NAME_LAST,
    MIDDLETON,
    MORLEY,
    PCNS,
    POSTCODE_LETTERS,
    SEACROFT,
    STREETS,
    weekly_hours,
)
from organisations.models import StaffMember

Role = StaffMember.Role


class HomesMixin:
    """Care homes, assignments and the over-capacity lead, on DemoCity's state."""

    # ---- care homes ------------------------------------------------------------------------

    def _homes_of(self, pcn_index, exclude=()):
        return [i for i, p in enumerate(self.home_pcn) if p == pcn_index and i not in exclude]

    def _plan_homes(self):
        """Decide which homes carry the deliberate gaps, before the homes are made."""
        rng = self.rng
        for index, spec in enumerate(PCNS):
            self.home_pcn += [index] * spec["care_homes"]
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
            locality, districts = PCNS[pcn_index]["locality"], PCNS[pcn_index]["postcode_districts"]
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
                hours_per_week=weekly_hours(hours),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
        self.stints[index].append((member, role, starts_on, ends_on))
        if ends_on is None:
            self.assigned[member.pk] += weekly_hours(hours)
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
            member = self._pick(index, weekly_hours(hours), roles, exclude=current_leads)
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
