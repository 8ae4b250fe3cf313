"""`manage.py seed_demo`: load the Leeds demo city into an empty database and print the sign-ins.

Running it again changes nothing: it sees the demo city is there and prints the sign-ins.
"""

import importlib
import time

from django.core.management.base import BaseCommand, CommandError

from config.freshness import data_changed
from dashboard import demo


class Command(BaseCommand):
    help = "Load the Leeds demo city (care homes, staff, a year of visits, the action plan) and print the sign-ins."

    def handle(self, *args, **options):
        password = demo.demo_password()
        if demo.demo_present():
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
        """A year of weekly gap reports for the dashboard's trends, when the hub can make them."""
        backfill = None
        for module_name in ("actionplan.services", "actionplan.gap_reports"):
            try:
                backfill = importlib.import_module(module_name).gap_report_backfill
                break
            except (ImportError, AttributeError):
                continue
        if backfill is None:
            self.stdout.write("Weekly gap reports not backfilled: gap_report_backfill is not available.")
            return
        started = time.monotonic()
        made = backfill(weeks=52)
        count = len(made) if made is not None else 52
        self.stdout.write(f"Backfilled {count} weekly gap reports in {time.monotonic() - started:.1f} s.")

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
