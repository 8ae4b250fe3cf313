"""`manage.py loadtest_prepare`: make a database ready for `make loadtest` (tests/load/run.py).

demo: the demo city (`seed_demo --force`: the load test's server runs with DEBUG off; loading it
again changes nothing). national: a national data set must be there already (`make bench` builds
it); the bench's project manager and pharmacist sign-ins are made if missing and given the demo
password, and their user names printed for the load test. Never against a live service.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from carehomes.models import CareHome
from nonprod import demo
from nonprod.bench.pages import bench_users
from organisations.access import PHARMACY_PROFESSIONAL, PROJECT_MANAGER

NATIONAL_MIN_HOMES = 1000


class Command(BaseCommand):
    help = "Make the load test's database ready: the demo city, or sign-ins on a national data set."

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=["demo", "national"], default="demo")

    def handle(self, *args, profile, **options):
        if profile == "demo":
            call_command("seed_demo", force=True, stdout=self.stdout)
            self.stdout.write("sign-ins: pm pharmacist")
            return
        homes = CareHome.objects.count()
        if homes < NATIONAL_MIN_HOMES:
            raise CommandError(
                f"This database holds {homes} care homes, not a national data set: `make bench` builds one "
                "(manage.py seed_scale), or give LOADTEST_DATABASE_URL a copy of it."
            )
        users, _home = bench_users()
        password = demo.demo_password()
        for role in (PROJECT_MANAGER, PHARMACY_PROFESSIONAL):
            user = users[role]
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
        self.stdout.write(
            f"sign-ins: {users[PROJECT_MANAGER].username} {users[PHARMACY_PROFESSIONAL].username}"
        )
