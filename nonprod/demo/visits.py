"""The demo city's year of visits, logged as the people assigned to each home would log them."""

from datetime import timedelta

from django.db.models import DateTimeField, ExpressionWrapper, Value
from django.db.models.functions import Cast
from django.utils import timezone

from carehomes.models import Assignment, Visit
from nonprod.demo.data import ESCALATIONS, VISIT_ACTIVITY_CHANCES, VISIT_NOTES
from organisations.models import StaffMember

Role = StaffMember.Role
VISIT_BATCH = 1000


class VisitsMixin:
    """Visits for every stint of every home, on DemoCity's state."""

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
        weights = VISIT_ACTIVITY_CHANCES["technician" if member.role == Role.TECHNICIAN else "pharmacist"]
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
