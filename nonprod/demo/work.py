"""The demo city's shared work: workstreams, requests for help, the Silver Command action plan,
its meetings and the notes of engagement calls with PCNs."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.utils import timezone

from actionplan.models import Action, ActionPlan, ActionUpdate, Meeting, Rag, Section
from carehomes.models import Assignment, CareHome
from nonprod.demo.data import (
    ACTION_PLAN,
    ENGAGEMENT_NOTES,
    MOORTOWN,
    PCN_BY_LOCALITY,
    PCNS,
    REQUESTS_FOR_HELP,
    WORKSTREAMS,
    weekly_hours,
)
from organisations.models import EngagementNote, StaffMember
from workstreams.models import ProgressNote, SupportOffer, SupportRequest, Workstream

Role = StaffMember.Role


class WorkMixin:
    """Workstreams, requests for help and the action plan, on DemoCity's state."""

    # ---- workstreams and requests for help --------------------------------------------------

    def _workstreams(self):
        rng = self.rng
        led = [home for index, home in enumerate(self.homes) if index not in self.no_lead]
        nursing = [home for home in led if home.home_type != CareHome.HomeType.RESIDENTIAL]
        pcn_sample = [self.pcns[i] for i in sorted(rng.sample(range(len(self.pcns)), 8))]
        pools = {"led": led, "nursing": nursing}
        # Drawn in the data file's order, before any workstream is saved.
        covered = [
            rng.sample(
                pools[spec["care_homes"]["from"]],
                min(spec["care_homes"]["count"], len(pools[spec["care_homes"]["from"]])),
            )
            for spec in WORKSTREAMS
        ]
        self.workstreams = {}
        authors = [self.users["pm"], self.users["slt"], None]
        for spec, homes in zip(WORKSTREAMS, covered, strict=True):
            workstream = self._save(
                Workstream(
                    name=spec["name"],
                    description=spec["description"],
                    lead_organisation=self.orgs[spec["lead_organisation"]],
                    lead=self.people[f"chief_{spec['lead_organisation']}"],
                    status=spec["status"],
                )
            )
            participants = []
            for key in spec["participating_organisations"]:
                participants += pcn_sample if key == "(eight PCNs)" else [self.orgs[key]]
            workstream.participating_organisations.set(participants)
            workstream.care_homes.set(homes)
            notes = spec["progress_notes"]
            count = rng.randint(1, len(notes))
            for position, text in enumerate(notes[:count]):
                ProgressNote.objects.create(
                    workstream=workstream,
                    written_on=self.today - timedelta(days=(count - position) * rng.randint(8, 20)),
                    text=text,
                    author=rng.choice(authors),
                )
            self.workstreams[spec["key"]] = workstream

    def _requests_for_help(self):
        today = self.today
        outbreak_home = self.outbreak_unvisited[0]  # a Seacroft home
        another = next(i for i in self.seacroft_homes if i != outbreak_home and i not in self.no_lead)
        seacroft_homes = [self.homes[outbreak_home], self.homes[another]]
        urgent = self._request_for_help("urgent", needed_by=today + timedelta(days=5))
        urgent.care_homes.set(seacroft_homes)

        offered = self._request_for_help("offered", needed_by=today + timedelta(days=21))
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
                hours_per_week=weekly_hours("4"),
                starts_on=today + timedelta(days=14),
                note="Can cover Tuesday and Thursday afternoons from the elderly-care wards.",
                status=SupportOffer.Status.OFFERED,
                offered_by=self.users["slt"],
            )
        )

        met = self._request_for_help("met", needed_by=self.met_start + timedelta(days=2))
        met.care_homes.set([self.homes[self.met_home]])
        member = self.people["met_offer"]
        offer = self._save(
            SupportOffer(
                request=met,
                organisation=member.organisation,
                staff=member,
                hours_per_week=weekly_hours("3"),
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

    def _request_for_help(self, key, *, needed_by):
        """One of the story's requests for help, as the data file has it, raised by its PCN."""
        spec = REQUESTS_FOR_HELP[key]
        pcn = PCN_BY_LOCALITY[spec["pcn"]]
        return self._save(
            SupportRequest(
                organisation=self.pcns[pcn],
                title=spec["title"],
                details=spec["details"],
                hours_per_week=weekly_hours(spec["hours_per_week"]),
                skills=spec["skills"],
                locality=PCNS[pcn]["locality"],
                needed_by=needed_by,
                urgency=spec["urgency"],
                status=spec["status"],
                raised_by=self.users[spec["raised_by"]],
            )
        )

    # ---- the Silver Command action plan ----------------------------------------------------

    def _action_plan(self):
        rng, today = self.rng, self.today
        plan = self._save(ActionPlan(name=ACTION_PLAN["name"]))
        sections = {
            spec["code"]: self._save(
                Section(plan=plan, name=spec["name"], code=spec["code"], position=position)
            )
            for position, spec in enumerate(ACTION_PLAN["sections"], start=1)
        }
        authors = [self.users["pm"], self.users["pm"], self.users["slt"]]
        numbers = defaultdict(int)
        for spec in ACTION_PLAN["actions"]:
            code, closed, rag = spec["section"], spec["closed_days_ago"], spec["rag"]
            owner = self.people[spec["owner"]] if spec["owner"] else None
            owner_organisation = self.orgs[spec["owner_organisation"]] if spec["owner_organisation"] else None
            numbers[code] += 1
            action = self._save(
                Action(
                    section=sections[code],
                    number=numbers[code],
                    description=spec["description"],
                    owner=owner,
                    owner_organisation=owner_organisation or owner.organisation,
                    due_on=today + timedelta(days=spec["due_in_days"]),
                    rag=rag,
                    is_open=closed is None,
                    closed_on=today - timedelta(days=closed) if closed is not None else None,
                    workstream=self.workstreams.get(spec["workstream"]),
                )
            )
            updates = spec["updates"]
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
        for index, spec in enumerate(PCNS):
            for position, summary in enumerate(ENGAGEMENT_NOTES.get(spec["engagement"], [])):
                self._save(
                    EngagementNote(
                        pcn=self.pcns[index],
                        held_on=self._days_ago(10 + 30 * position, 25 + 30 * position),
                        with_whom="Clinical director",
                        summary=summary,
                        recorded_by=self.users["pm"],
                    )
                )
