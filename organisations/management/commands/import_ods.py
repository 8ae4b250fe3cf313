"""manage.py import_ods FILE... [--dry-run]: bring organisations, practices and PCNs up to date."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations import ods_files, services
from organisations.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import the ODS reports (epraccur, epcn, epcncorepartnerdetails, etr, eccg with the ICBs it names, "
        "an ICB file, edispensary; CSV or a zip of them; also the ePCN.xlsx workbook) in one transaction; --dry-run "
        "shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="ODS report files (CSV, zip or ePCN.xlsx)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing")

    def handle(self, *args, files, dry_run=False, **options):
        loaded = []
        for file in files:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"There is no file at {path}.")
            if path.stat().st_size > ods_files.MAX_BYTES:
                raise CommandError(f"{path.name} is larger than 50 MB, the largest the hub takes.")
            loaded.append((path.name, path.read_bytes()))
        try:
            outcome, run = services.ods_import(
                by=None, files=loaded, via=ImportRun.Via.COMMAND, dry_run=dry_run
            )
        except ods_files.OdsFileError as error:
            raise CommandError(str(error)) from error
        for report in outcome.reports:
            self.stdout.write(f"{report.name}: {report.label}, {report.lines} rows")
        summary = outcome.summary()
        for key, label in (
            ("rows", "Rows read"),
            ("created", "Created"),
            ("updated", "Updated"),
            ("closed", "Closed (made inactive, not deleted)"),
            (
                "skipped",
                "Skipped (not GP practices or sub-ICB locations, closed before the hub knew them, or unknown practices)",
            ),
            ("errors", "Rows with errors (left out)"),
        ):
            self.stdout.write(f"{label}: {summary[key]}")
        for name, problem in outcome.problems:
            self.stdout.write(f"  {name} line {problem.line}: {problem.reason}")
        for practice, old_pcn, new_pcn in outcome.moves:
            self.stdout.write(
                f"PCN change: {practice.name} ({practice.ods_code}) from "
                f"{old_pcn.name if old_pcn else 'no PCN'} to {new_pcn.name if new_pcn else 'no PCN'}"
            )
        for home in outcome.realigned:
            self.stdout.write(f"Care home re-aligned: {home['care_home']} now in {home['new_pcn']}")
        for trust in outcome.new_trusts:
            self.stdout.write(
                f"New trust, choose its kind on the Imports page: {trust.name} ({trust.ods_code})"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported (run {run.pk})."))
