"""manage.py seed_scale --homes 15000: the national-scale data set for the benchmark."""

import time

from django.core.management.base import BaseCommand

from nonprod import scale


class Command(BaseCommand):
    help = "Build a national-scale data set (COPY on PostgreSQL, bulk_create elsewhere)."

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, default=15000, help="How many care homes (default 15000).")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--if-absent", action="store_true", help="Do nothing if the data set is there.")

    def handle(self, *args, homes, seed, if_absent, **options):
        if if_absent and scale.current_counts().care_homes >= homes:
            self.stdout.write("Scale data already present.")
            return
        started = time.monotonic()
        counts = scale.build(homes, seed=seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {counts.care_homes} care homes, {counts.pcns} PCNs, {counts.practices} practices, "
                f"{counts.staff} staff and {counts.visits} visits in {time.monotonic() - started:.1f} s."
            )
        )
