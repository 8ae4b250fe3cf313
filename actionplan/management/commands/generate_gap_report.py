"""manage.py generate_gap_report [--week 2026-W48] [--regenerate]: make a week's gap report now."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actionplan.gap_report_services import gap_report_generate
from actionplan.tasks import week_just_ended


class Command(BaseCommand):
    help = "Make the weekly gap report of an ISO week (default: the week just ended)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week such as 2026-W48 (default: the week just ended)")
        parser.add_argument(
            "--regenerate",
            action="store_true",
            help="Make a new version even if the week has a report (the earlier version is kept).",
        )

    def handle(self, *args, week=None, regenerate=False, **options):
        week = (week or week_just_ended()).strip().upper()
        try:
            report = gap_report_generate(week=week, regenerate=regenerate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        gaps = len(report.data.get("gaps", []))
        self.stdout.write(
            self.style.SUCCESS(
                f"Gap report {report.week} version {report.version}: {gaps} gaps (id {report.pk})."
            )
        )
