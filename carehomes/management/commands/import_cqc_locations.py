"""manage.py import_cqc_locations FILE [--dry-run] [--skip-bad-rows] [--confirm-many-missing]: bring the
care-home register up to date."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carehomes.imports import cqc, cqc_formats
from config import readers


class Command(BaseCommand):
    help = (
        "Import care homes from a CQC care directory file (either published format); --dry-run previews only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CQC CSV or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Import the good rows even if some rows have errors"
        )
        parser.add_argument(
            "--confirm-many-missing",
            action="store_true",
            help="Import even though the file would leave many of the hub's homes missing from it",
        )

    def handle(self, *args, file, dry_run=False, skip_bad_rows=False, confirm_many_missing=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        if path.stat().st_size > readers.MAX_BYTES:
            raise CommandError("The file is larger than 20 MB, the largest the hub takes.")
        data = path.read_bytes()
        try:
            if dry_run:
                preview, applied = cqc.cqc_import_preview(cqc_formats.parse_cqc(data, path.name)), False
            else:
                preview, applied = cqc.cqc_import_apply(
                    by=None,
                    data=data,
                    filename=path.name,
                    skip_bad_rows=skip_bad_rows,
                    confirm_many_missing=confirm_many_missing,
                )
        except readers.ImportFileError as error:
            raise CommandError(str(error)) from error
        self._report(preview)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        elif applied:
            self.stdout.write(self.style.SUCCESS("Imported."))
        elif preview.has_errors and not skip_bad_rows:
            raise CommandError(
                "The file has rows with errors, so nothing was imported. "
                "Correct the file, or run again with --skip-bad-rows."
            )
        else:
            raise CommandError(
                f"{preview.many_missing_message}, so nothing was imported. "
                "Use the whole, current file, or run again with --confirm-many-missing."
            )

    def _report(self, preview):
        s = preview.summary()
        self.stdout.write(f"Format: {s['format']}")
        for key, label in (
            ("new", "New"),
            ("changed", "Changed"),
            ("unchanged", "Unchanged"),
            ("missing", "Missing from the file (flagged, not deleted)"),
            ("kept", "Kept: changed in the hub"),
            ("skipped", "Skipped (not care homes)"),
            ("errors", "Rows with errors"),
        ):
            self.stdout.write(f"{label}: {s[key]}")
        for error in preview.errors:
            self.stdout.write(f"  Row {error.row_number}: {error.reason}")
        for row, home, kept in preview.kept:
            fields = "; ".join(f"{label} “{old}” (the file has “{new}”)" for label, old, new in kept)
            self.stdout.write(f"  Row {row.row_number}: {home.name}: kept, changed in the hub: {fields}")
        if preview.many_missing:
            self.stdout.write(f"Warning: {preview.many_missing_message}.")
