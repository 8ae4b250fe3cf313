"""`manage.py seed_demo`: load the Leeds demo city into an empty database and print the sign-ins.

Running it again changes nothing: it sees the demo city is there and prints the sign-ins (a demo city
built before 1 December 2026 gets its discharge follow-ups' stored deadlines, which it lacked). It
refuses to run when DEBUG is off (a production settings file) unless given `--force`.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actionplan.gap_report_services import gap_report_backfill
from config.freshness import data_changed
from nonprod import demo


class Command(BaseCommand):
    help = "Load the Leeds demo city (care homes, staff, a year of visits, the action plan) and print the sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo city even though DEBUG is off (never against a live service).",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo makes demo logins with a published password, so it runs only with DEBUG=True. "
                "Use --force to load the demo city with DEBUG off (never against a live service)."
            )
        password = demo.demo_password()
        if demo.demo_present():
            filled = demo.repair_demo_city()
            if filled:
                self.stdout.write(
                    f"Demo data already present: stored the deadlines of {filled} discharge follow-ups."
                )
            else:
                self.stdout.write("Demo data already present: nothing changed.")
        else:
            clashes = demo.clashing_logins()
            if clashes:
                raise CommandError(
                    f"Cannot build the demo city: the login(s) {', '.join(clashes)} already exist. "
                    "Run seed_demo against an empty database."
                )
            started = time.monotonic()
            summary = demo.build_demo_city(password=password)
            data_changed()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built the Leeds demo city in {time.monotonic() - started:.1f} s: "
                    f"{summary['organisations']} organisations ({summary['pcns']} PCNs), "
                    f"{summary['care_homes']} care homes, "
                    f"{summary['pharmacists_and_technicians']} pharmacists and technicians, "
                    f"{summary['assignments']} assignments, {summary['visits']} visits."
                )
            )
            self._backfill_gap_reports()
        self._print_sign_ins(password)

    def _backfill_gap_reports(self):
        """A year of weekly gap reports for the dashboard's trends."""
        started = time.monotonic()
        made = gap_report_backfill(weeks=52)
        self.stdout.write(f"Backfilled {len(made)} weekly gap reports in {time.monotonic() - started:.1f} s.")

    def _print_sign_ins(self, password):
        sign_ins = demo.demo_sign_ins()
        if not sign_ins:
            return
        self.stdout.write("")
        self.stdout.write("Sign in at /accounts/login/ (the password comes from DEMO_PASSWORD):")
        width = max(len(s.username) for s in sign_ins)
        role_width = max(len(s.role) for s in sign_ins)
        self.stdout.write(f"  {'username':<{width}}  {'role':<{role_width}}  password")
        for sign_in in sign_ins:
            line = f"  {sign_in.username:<{width}}  {sign_in.role:<{role_width}}  {password}"
            self.stdout.write(f"{line}  ({sign_in.who})" if sign_in.who else line)
