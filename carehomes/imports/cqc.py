"""Importing the CQC's care-home register: preview a parsed file against the register, then apply.

    preview = cqc_import_preview(parse_cqc(data, filename))  # new / changed / unchanged / skipped / errors / missing
    preview, applied = cqc_import_apply(by=user, data=data, filename=filename, skip_bad_rows=False)

Homes are matched by CQC location ID. Existing homes keep their assignments and visits; their
name, address, postcode, type and (when the file has them) beds are updated, except the fields
the project manager changed in the hub (`CareHome.hub_changed_fields`): those are kept, and the
preview lists them as "kept: changed in the hub". Homes missing from the file are flagged
"missing", never deleted; a file that would leave many of them missing (more than
HUB["CQC_MISSING_WARN_SHARE"] of the hub's homes, or more than HUB["CQC_MISSING_WARN_COUNT"]) is
applied only when the caller confirms it (`confirm_many_missing`): it may be the wrong file or
a partial one. Homes added by hand with no CQC location ID are never missing. A file with errors imports nothing unless the
caller asks to skip the bad rows. Everything is applied in one transaction. The two file formats
are read by `carehomes.imports.cqc_formats`.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from carehomes.imports.cqc_formats import ParsedFile, parse_cqc
from carehomes.models import CareHome, Specialism
from carehomes.state import carehome_state_refresh
from config.freshness import data_changed
from config.readers import ImportFileError, in_batches
from organisations.access import require
from organisations.models import ImportRun
from organisations.permissions import Permission
from organisations.services import import_run_record

COMPARED_FIELDS = CareHome.CQC_FIELDS
FIELD_LABELS = {
    "name": "name",
    "address": "address",
    "postcode": "postcode",
    "beds": "beds",
    "home_type": "type",
}


@dataclass
class CqcPreview:
    parsed: ParsedFile
    new: list = field(default_factory=list)  # HomeRow
    changed: list = field(default_factory=list)  # (HomeRow, CareHome, [(label, old, new)])
    unchanged: list = field(default_factory=list)  # HomeRow
    missing: list = field(default_factory=list)  # CareHome not in the file
    localities: dict = field(default_factory=dict)  # cqc id -> locality for new homes
    # (HomeRow, CareHome, [(label, hub value, file value)]): fields changed in the hub, kept
    kept: list = field(default_factory=list)
    hub_homes: int = 0  # the hub's homes that a CQC file should list (registered, with a CQC ID)

    @property
    def many_missing(self):
        """Would the file leave so many homes missing that it is probably the wrong or a partial file?"""
        missing = len(self.missing)
        if not missing:
            return False
        share = settings.HUB["CQC_MISSING_WARN_SHARE"]
        count = settings.HUB["CQC_MISSING_WARN_COUNT"]
        return missing > share * self.hub_homes or (count is not None and missing > count)

    @property
    def many_missing_message(self):
        return (
            f"This file would leave {len(self.missing):,} of {self.hub_homes:,} homes missing "
            "— it may be the wrong or a partial file"
        )

    @property
    def format_name(self):
        return self.parsed.format_name

    @property
    def errors(self):
        return self.parsed.errors

    @property
    def skipped(self):
        return self.parsed.skipped

    @property
    def has_errors(self):
        return bool(self.parsed.errors)

    def summary(self):
        return {
            "format": self.format_name,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "missing": len(self.missing),
            "kept": len(self.kept),
            "skipped": self.skipped,
            "errors": len(self.errors),
        }


def _new_home_localities(rows):
    """A locality for each new home: that of existing homes in its postcode district, else its local authority."""
    districts = {row.postcode.split(" ")[0] for row in rows}
    by_district = {}
    if districts:
        counts = Counter()
        for chunk in in_batches(districts):
            query = Q()
            for district in chunk:
                query |= Q(postcode__startswith=f"{district} ")
            for postcode, locality in CareHome.objects.filter(query).values_list("postcode", "locality"):
                counts[(postcode.split(" ")[0], locality)] += 1
        for (district, locality), _count in sorted(counts.items(), key=lambda kv: -kv[1]):
            by_district.setdefault(district, locality)
    return {
        row.cqc_location_id: by_district.get(row.postcode.split(" ")[0]) or row.local_authority or "Unknown"
        for row in rows
    }


def cqc_import_preview(parsed: ParsedFile) -> CqcPreview:
    """Compare parsed rows with the register: what is new, changed, unchanged, and missing."""
    preview = CqcPreview(parsed)
    ids = [row.cqc_location_id for row in parsed.rows]
    existing = {}
    for chunk in in_batches(ids):
        for home in CareHome.objects.filter(cqc_location_id__in=chunk):
            existing[home.cqc_location_id] = home
    for row in parsed.rows:
        home = existing.get(row.cqc_location_id)
        if home is None:
            preview.new.append(row)
            continue
        changes, kept = [], []
        hub_changed = set(home.hub_changed_fields or ())
        for name in COMPARED_FIELDS:
            value = getattr(row, name)
            if value is None:  # the weekly directory has no beds: keep the home's own
                continue
            if getattr(home, name) != value:
                (kept if name in hub_changed else changes).append(
                    (FIELD_LABELS[name], getattr(home, name), value)
                )
        if home.registration_status != CareHome.Registration.REGISTERED:
            changes.append(("registration", home.get_registration_status_display(), "Registered"))
        if kept:
            preview.kept.append((row, home, kept))
        (preview.changed if changes else preview.unchanged).append((row, home, changes) if changes else row)
    # Error rows still name homes that are in the file: do not call those missing.
    in_file = set(ids) | {e.identifier for e in parsed.errors if e.identifier}
    listed = CareHome.objects.filter(
        registration_status=CareHome.Registration.REGISTERED, cqc_location_id__isnull=False
    )
    preview.hub_homes = listed.count()
    preview.missing = (
        list(listed.exclude(cqc_location_id__in=in_file).order_by("name"))
        if len(in_file) < 30000
        else _missing_in_python(in_file)
    )
    preview.localities = _new_home_localities(preview.new)
    return preview


def _missing_in_python(in_file):
    return [
        home
        for home in CareHome.objects.filter(
            registration_status=CareHome.Registration.REGISTERED, cqc_location_id__isnull=False
        ).order_by("name")
        if home.cqc_location_id not in in_file
    ]


def cqc_import_apply(
    *, by, data: bytes, filename="", skip_bad_rows=False, confirm_many_missing=False, via=None
) -> tuple[CqcPreview, bool]:
    """Apply a CQC file in one transaction: create new homes, update changed ones, flag missing ones.

    Returns (preview, applied). Nothing is applied when the file has errors and `skip_bad_rows`
    is not set, nor when it would leave many homes missing (`preview.many_missing`) and
    `confirm_many_missing` is not set. Every run that is applied, or whose file cannot be read,
    is recorded as an import run for the Imports page.
    """
    if by is not None:
        require(by, Permission.IMPORT_CAREHOMES)
    via = via or (ImportRun.Via.UPLOAD if by is not None else ImportRun.Via.COMMAND)
    started_at = timezone.now()
    record = {
        "source": ImportRun.Source.CQC,
        "via": via,
        "by": by,
        "started_at": started_at,
        "files": [
            {"name": filename or "(upload)", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        ],
    }
    try:
        preview = cqc_import_preview(parse_cqc(data, filename))
    except ImportFileError as error:
        import_run_record(outcome=ImportRun.Outcome.FAILED, messages=[str(error)], **record)
        raise
    summary = preview.summary()
    counts = {
        "rows": len(preview.parsed.rows) + summary["errors"] + summary["skipped"],
        "skipped": summary["skipped"],
        "errors": summary["errors"],
    }
    row_messages = [f"Row {e.row_number}: {e.reason}" for e in preview.errors]
    if preview.has_errors and not skip_bad_rows:
        # Not a run: the file is shown again for the person to correct it or skip its bad rows.
        return preview, False
    if preview.many_missing and not confirm_many_missing:
        # Not a run either: the person is asked to confirm that this is the whole, right file.
        return preview, False
    with transaction.atomic():
        _apply(preview, by)
        import_run_record(
            outcome=ImportRun.Outcome.APPLIED,
            created=summary["new"],
            updated=summary["changed"],
            closed=summary["missing"],
            messages=row_messages,
            **counts,
            **record,
        )
    return preview, True


def _apply(preview: CqcPreview, by):
    specialisms = {s.code: s for s in Specialism.objects.all()}
    new_homes = [
        CareHome(
            name=row.name,
            cqc_location_id=row.cqc_location_id,
            address=row.address,
            postcode=row.postcode,
            locality=preview.localities[row.cqc_location_id][:100],
            beds=row.beds or 0,
            home_type=row.home_type,
            registered_on=row.registered_on,
            registration_status=CareHome.Registration.REGISTERED,
        )
        for row in preview.new
    ]
    if new_homes:
        bulk_create_with_history(new_homes, CareHome, batch_size=500, default_user=by)
        created = {
            h.cqc_location_id: h.pk
            for chunk in in_batches([row.cqc_location_id for row in preview.new])
            for h in CareHome.objects.filter(cqc_location_id__in=chunk).only("pk", "cqc_location_id")
        }
        through = CareHome.specialisms.through
        links = [
            through(carehome_id=created[row.cqc_location_id], specialism_id=specialisms[code].pk)
            for row in preview.new
            for code in row.specialisms
            if code in specialisms
        ]
        through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
        # bulk_create skips signals: give the new homes their kept state in this transaction.
        carehome_state_refresh(care_home_ids=created.values())
    changed = []
    for row, home, _changes in preview.changed:
        hub_changed = set(home.hub_changed_fields or ())
        for name in COMPARED_FIELDS:  # the fields changed in the hub keep the hub's value
            value = getattr(row, name)
            if value is not None and name not in hub_changed:
                setattr(home, name, value)
        home.registration_status = CareHome.Registration.REGISTERED
        changed.append(home)
    missing = []
    for home in preview.missing:
        home.registration_status = CareHome.Registration.MISSING
        missing.append(home)
    fields = ["name", "address", "postcode", "home_type", "beds", "registration_status"]
    if changed:
        bulk_update_with_history(changed, CareHome, fields, batch_size=500, default_user=by)
    if missing:
        bulk_update_with_history(missing, CareHome, ["registration_status"], batch_size=500, default_user=by)
    # Bulk writes skip model signals: tell the cached figures themselves.
    data_changed()
