"""Importing the CQC's care-home register and staff lists: parse, preview, then apply.

Both CQC formats (docs: ../shared/data/CQC-FORMATS.md) are read as published and told apart
by their header row: the weekly care directory (a preamble, then a header with
"CQC Location ID (for office use only)") and "HSCA_Active_Locations" (a header with
"Location ID" and "Care home?"), as CSV or an .xlsx workbook. Only care-home rows are kept.

    parsed = parse_cqc(data, filename)        # or raises ImportFileError with a plain message
    preview = cqc_preview(parsed)             # new / changed / unchanged / skipped / errors / missing
    summary = cqc_apply(by=user, data=data, filename=filename, skip_bad_rows=False)

Homes are matched by CQC location ID. Existing homes keep their assignments and visits; their
name, address, postcode, type and (when the file has them) beds are updated. Homes missing from
the file are flagged "missing", never deleted. A file with errors imports nothing unless the
caller asks to skip the bad rows. Everything is applied in one transaction.
"""

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from carehomes.models import CQC_LOCATION_ID, UK_POSTCODE, CareHome, Specialism, normalise_postcode
from carehomes.state import carehome_state_refresh
from config.freshness import data_changed
from config.patient_data import patient_data_problem
from organisations.access import require
from organisations.models import GPHC_NUMBER, ImportRun, Organisation, StaffMember
from organisations.services import import_run_record

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024

DIRECTORY = "CQC care directory"
HSCA = "CQC care directory with filters (HSCA_Active_Locations)"

DIRECTORY_ID_COLUMN = "CQC Location ID (for office use only)"
DIRECTORY_COLUMNS = ["Name", "Address", "Postcode", "Service types", DIRECTORY_ID_COLUMN]
HSCA_COLUMNS = ["Location ID", "Care home?", "Location Name", "Location Postal Code"]
HSCA_SHEET = "HSCA_Active_Locations"

HSCA_SPECIALISMS = {
    "Service user band - Older People": "older-people",
    "Service user band - Dementia": "dementia",
    "Service user band - Learning disabilities or autistic spectrum disorder": "learning-disability",
    "Service user band - Mental Health": "mental-health",
    "Service user band - Physical Disability": "physical-disability",
}
DIRECTORY_SPECIALISMS = [
    ("dementia", "dementia"),
    ("over 65", "older-people"),
    ("older people", "older-people"),
    ("learning disabilit", "learning-disability"),
    ("autis", "learning-disability"),
    ("mental health", "mental-health"),
    ("physical disabilit", "physical-disability"),
]
COMPARED_FIELDS = ("name", "address", "postcode", "beds", "home_type")
FIELD_LABELS = {
    "name": "name",
    "address": "address",
    "postcode": "postcode",
    "beds": "beds",
    "home_type": "type",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, plainly."""


@dataclass
class RowError:
    row_number: int
    reason: str
    identifier: str = ""


@dataclass
class HomeRow:
    row_number: int
    cqc_location_id: str
    name: str
    address: str
    postcode: str
    local_authority: str
    home_type: str
    specialisms: list
    beds: int | None = None
    registered_on: datetime.date | None = None
    postcode_as_given: str = ""


@dataclass
class ParsedFile:
    format_name: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skipped: int = 0  # rows that are not care homes


# Reading bytes into rows -------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ImportFileError(
            "The file is not a text (CSV) file or an Excel workbook. Upload the CQC file as CSV or .xlsx."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file's characters could not be read. Save it as CSV (UTF-8) and try again.")


def _csv_rows(data: bytes):
    text = _decode(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError(f"The CSV file could not be read: {error}.") from error


def _is_ods(data: bytes):
    return data[:4] == b"PK\x03\x04" and b"opendocument.spreadsheet" in data[:200]


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError("The workbook is too large to import. Save the sheet as CSV instead.")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any broken workbook gets the same plain message
        raise ImportFileError(
            "The workbook could not be opened. Save the sheet as CSV and try again."
        ) from error
    sheet = workbook[HSCA_SHEET] if HSCA_SHEET in workbook.sheetnames else workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield ["" if v is None else v for v in values]
    workbook.close()


def _ods_rows(data: bytes):
    """Rows of the HSCA_Active_Locations sheet (or the first) of an OpenDocument workbook (calamine)."""
    from python_calamine import CalamineWorkbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError("The workbook is too large to import. Save the sheet as CSV instead.")
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = HSCA_SHEET if HSCA_SHEET in workbook.sheet_names else workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(name).to_python()
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any broken workbook gets the same plain message
        raise ImportFileError(
            "The workbook could not be opened. Save the sheet as CSV and try again."
        ) from error
    for values in rows:
        yield ["" if v is None else v for v in values]


def read_rows(data: bytes, filename=""):
    """Rows of cells from CSV, .xlsx or .ods bytes; a clear ImportFileError for anything else."""
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.0f} MB; the largest file the hub takes is 20 MB."
        )
    if _is_ods(data):
        return _ods_rows(data)
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    return _csv_rows(data)


def _cell(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_header(rows, is_header, what):
    """Skip preamble lines until the header row; return (header, row_number, remaining rows)."""
    for number, row in enumerate(rows, start=1):
        cells = [str(_cell(c)) for c in row]
        if is_header(cells):
            return cells, number
        if number > 50:
            break
    raise ImportFileError(what)


# CQC ---------------------------------------------------------------------------------------------


def _home_type(nursing: bool, residential: bool):
    if nursing and residential:
        return CareHome.HomeType.BOTH
    if nursing:
        return CareHome.HomeType.NURSING
    return CareHome.HomeType.RESIDENTIAL


def _split(value):
    return [part.strip() for part in str(value or "").split("|") if part.strip()]


def _directory_types(service_types):
    types = [t.lower() for t in service_types]
    is_care_home = any("care home" in t or "residential home" in t or "nursing home" in t for t in types)
    nursing = any("nursing" in t and "without nursing" not in t for t in types)
    residential = any("residential" in t or "without nursing" in t for t in types)
    return is_care_home, _home_type(nursing, residential)


def _directory_specialisms(values):
    found = []
    for value in values:
        low = value.lower()
        for needle, code in DIRECTORY_SPECIALISMS:
            if needle in low and code not in found:
                found.append(code)
    return found


def _parse_date(value):
    """A date from a workbook cell or text such as 01/04/2011, 2011-04-01 or 09/Jan/2018 - 00:00."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().split(" ")[0]
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%b/%Y", "%d-%b-%y", "%d-%b-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(text)


def _check_home(row: HomeRow):
    """Plain-English reasons this row cannot be imported."""
    problems = []
    if not row.cqc_location_id:
        problems.append("the CQC location ID is blank")
    else:
        try:
            CQC_LOCATION_ID(row.cqc_location_id)
        except ValidationError:
            problems.append(
                f"the CQC location ID “{row.cqc_location_id}” is not 1- followed by up to 11 digits"
            )
    if not row.name:
        problems.append("the name is blank")
    elif len(row.name) > 200:
        problems.append("the name is longer than 200 characters")
    if not row.postcode:
        problems.append("the postcode is blank")
    else:
        try:
            UK_POSTCODE(row.postcode)
        except ValidationError:
            as_given = row.postcode_as_given or row.postcode
            shown = "" if patient_data_problem(as_given) else f"“{as_given}” "
            problems.append(f"the postcode {shown}is not a real UK postcode")
    if len(row.address) > 300:
        row.address = row.address[:300]
    for label, value in (
        ("name", row.name),
        ("address", row.address),
        ("local authority", row.local_authority),
    ):
        if problem := patient_data_problem(value):
            problems.append(f"the {label} is refused. {problem}")
    if any(patient_data_problem(value) for value in (row.name, row.address, row.local_authority)):
        row.name = row.address = row.local_authority = ""  # nothing refused is echoed or kept
    return problems


def parse_cqc(data: bytes, filename="") -> ParsedFile:
    """Read either CQC format into care-home rows, row errors and a count of skipped rows."""
    rows = iter(read_rows(data, filename))

    def is_header(cells):
        return DIRECTORY_ID_COLUMN in cells or ("Location ID" in cells and "Care home?" in cells)

    header, header_number = _find_header(
        rows,
        is_header,
        "This does not look like a CQC care-home file: no header row with "
        f"“{DIRECTORY_ID_COLUMN}” (the weekly care directory) or with “Location ID” and "
        "“Care home?” (HSCA_Active_Locations) was found.",
    )
    if DIRECTORY_ID_COLUMN in header:
        parsed, required, build = ParsedFile(DIRECTORY), DIRECTORY_COLUMNS, _directory_row
    else:
        parsed, required, build = ParsedFile(HSCA), HSCA_COLUMNS, _hsca_row
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}."
        )
    index = {name: i for i, name in enumerate(header) if name}
    seen = {}
    for number, raw in enumerate(rows, start=header_number + 1):
        if number - header_number > MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows; the hub takes up to {MAX_ROWS:,}."
            )
        cells = [_cell(c) for c in raw]
        if not any(str(c) for c in cells):
            continue

        def get(name, cells=cells):
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        try:
            home = build(number, get)
        except ValueError as error:
            parsed.errors.append(
                RowError(number, str(error), str(get(DIRECTORY_ID_COLUMN) or get("Location ID")))
            )
            continue
        if home is None:
            parsed.skipped += 1
            continue
        problems = _check_home(home)
        if not problems and home.cqc_location_id in seen:
            problems.append(
                f"the CQC location ID {home.cqc_location_id} is also on row {seen[home.cqc_location_id]}"
            )
        if problems:
            reason = "; ".join(problems)
            parsed.errors.append(RowError(number, reason[0].upper() + reason[1:] + ".", home.cqc_location_id))
            continue
        seen[home.cqc_location_id] = number
        parsed.rows.append(home)
    return parsed


def _directory_row(number, get):
    is_care_home, home_type = _directory_types(_split(get("Service types")))
    if not is_care_home:
        return None
    return HomeRow(
        row_number=number,
        cqc_location_id=str(get(DIRECTORY_ID_COLUMN)).strip(),
        name=str(get("Name")).strip(),
        address=" ".join(str(get("Address")).split()),
        postcode=normalise_postcode(str(get("Postcode"))),
        postcode_as_given=str(get("Postcode")).strip(),
        local_authority=str(get("Local authority")).strip(),
        home_type=home_type,
        specialisms=_directory_specialisms(_split(get("Specialisms/services"))),
    )


def _yes(value):
    return str(value).strip().upper() in {"Y", "YES"}


def _hsca_row(number, get):
    if not _yes(get("Care home?")):
        return None
    beds_text = str(get("Care homes beds")).strip()
    try:
        beds = int(Decimal(beds_text)) if beds_text else 0
    except (InvalidOperation, ValueError, OverflowError):  # also NaN and Infinity
        raise ValueError(f"The number of beds “{beds_text}” is not a whole number.") from None
    if beds < 0 or beds > 1000:
        raise ValueError(f"The number of beds {beds} is not between 0 and 1000.")
    try:
        registered_on = _parse_date(get("Location HSCA start date"))
    except ValueError:
        raise ValueError(
            f"The registration date “{get('Location HSCA start date')}” is not a date like 01/04/2011."
        ) from None
    nursing = _yes(get("Service type - Care home service with nursing"))
    residential = _yes(get("Service type - Care home service without nursing"))
    address = ", ".join(
        str(part).strip()
        for part in (
            get("Location Street Address"),
            get("Location Address Line 2"),
            get("Location City"),
            get("Location County"),
        )
        if str(part).strip()
    )
    return HomeRow(
        row_number=number,
        cqc_location_id=str(get("Location ID")).strip(),
        name=str(get("Location Name")).strip(),
        address=address,
        postcode=normalise_postcode(str(get("Location Postal Code"))),
        postcode_as_given=str(get("Location Postal Code")).strip(),
        local_authority=str(get("Location Local Authority") or get("Location City")).strip(),
        home_type=_home_type(nursing, residential or not nursing),
        specialisms=[code for column, code in HSCA_SPECIALISMS.items() if _yes(get(column))],
        beds=beds,
        registered_on=registered_on,
    )


@dataclass
class CqcPreview:
    parsed: ParsedFile
    new: list = field(default_factory=list)  # HomeRow
    changed: list = field(default_factory=list)  # (HomeRow, CareHome, [(label, old, new)])
    unchanged: list = field(default_factory=list)  # HomeRow
    missing: list = field(default_factory=list)  # CareHome not in the file
    localities: dict = field(default_factory=dict)  # cqc id -> locality for new homes

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
            "skipped": self.skipped,
            "errors": len(self.errors),
        }


def _chunks(items, size=900):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _new_home_localities(rows):
    """A locality for each new home: that of existing homes in its postcode district, else its local authority."""
    districts = {row.postcode.split(" ")[0] for row in rows}
    by_district = {}
    if districts:
        counts = Counter()
        for chunk in _chunks(districts):
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


def cqc_preview(parsed: ParsedFile) -> CqcPreview:
    """Compare parsed rows with the register: what is new, changed, unchanged, and missing."""
    preview = CqcPreview(parsed)
    ids = [row.cqc_location_id for row in parsed.rows]
    existing = {}
    for chunk in _chunks(ids):
        for home in CareHome.objects.filter(cqc_location_id__in=chunk):
            existing[home.cqc_location_id] = home
    for row in parsed.rows:
        home = existing.get(row.cqc_location_id)
        if home is None:
            preview.new.append(row)
            continue
        changes = []
        for name in COMPARED_FIELDS:
            value = getattr(row, name)
            if value is None:  # the weekly directory has no beds: keep the home's own
                continue
            if getattr(home, name) != value:
                changes.append((FIELD_LABELS[name], getattr(home, name), value))
        if home.registration_status != CareHome.Registration.REGISTERED:
            changes.append(("registration", home.get_registration_status_display(), "Registered"))
        (preview.changed if changes else preview.unchanged).append((row, home, changes) if changes else row)
    # Error rows still name homes that are in the file: do not call those missing.
    in_file = set(ids) | {e.identifier for e in parsed.errors if e.identifier}
    preview.missing = (
        list(
            CareHome.objects.filter(registration_status=CareHome.Registration.REGISTERED)
            .exclude(cqc_location_id__in=in_file)
            .order_by("name")
        )
        if len(in_file) < 30000
        else _missing_in_python(in_file)
    )
    preview.localities = _new_home_localities(preview.new)
    return preview


def _missing_in_python(in_file):
    return [
        home
        for home in CareHome.objects.filter(registration_status=CareHome.Registration.REGISTERED).order_by(
            "name"
        )
        if home.cqc_location_id not in in_file
    ]


def cqc_apply(*, by, data: bytes, filename="", skip_bad_rows=False, via=None) -> tuple[CqcPreview, bool]:
    """Apply a CQC file in one transaction: create new homes, update changed ones, flag missing ones.

    Returns (preview, applied). Nothing is applied when the file has errors and `skip_bad_rows`
    is not set. Every run, applied or refused, is recorded as an import run for the Imports page.
    """
    if by is not None:
        require(by, "carehomes.import_carehomes")
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
        preview = cqc_preview(parse_cqc(data, filename))
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
        import_run_record(
            outcome=ImportRun.Outcome.FAILED,
            messages=["The file has rows with errors, so nothing was imported.", *row_messages],
            **counts,
            **record,
        )
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
            for chunk in _chunks([row.cqc_location_id for row in preview.new])
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
        home.name, home.address, home.postcode, home.home_type = (
            row.name,
            row.address,
            row.postcode,
            row.home_type,
        )
        if row.beds is not None:
            home.beds = row.beds
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


# Staff -------------------------------------------------------------------------------------------

STAFF_COLUMNS = ["name", "role", "gphc_number", "organisation", "hours_per_week"]
ROLE_WORDS = {
    **{value: value for value in StaffMember.Role.values},
    **{label.lower(): value for value, label in StaffMember.Role.choices},
    "technician": StaffMember.Role.TECHNICIAN,
    "pharmacy technician": StaffMember.Role.TECHNICIAN,
}
FUNDING_WORDS = {
    **{value: value for value in StaffMember.Funding.values},
    **{label.lower(): value for value, label in StaffMember.Funding.choices},
}
FUNDING_BY_KIND = {
    Organisation.Kind.PCN: StaffMember.Funding.PCN,
    Organisation.Kind.GP_PRACTICE: StaffMember.Funding.PRACTICE,
    Organisation.Kind.MENTAL_HEALTH_TRUST: StaffMember.Funding.MENTAL_HEALTH,
    Organisation.Kind.COMMUNITY_PHARMACY: StaffMember.Funding.COMMUNITY_PHARMACY,
    Organisation.Kind.COMMISSIONER: StaffMember.Funding.COMMISSIONER,
}


@dataclass
class StaffRow:
    row_number: int
    name: str
    role: str
    gphc_number: str | None
    organisation: Organisation
    hours_per_week: Decimal
    funding: str


@dataclass
class StaffPreview:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (StaffRow, StaffMember, changes)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    format_name: str = "Staff CSV"
    skipped: int = 0

    @property
    def has_errors(self):
        return bool(self.errors)

    def summary(self):
        return {
            "format": self.format_name,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "errors": len(self.errors),
        }


def staff_preview(data: bytes, filename="") -> StaffPreview:
    """Parse a staff CSV and compare it with the staff list (matched by GPhC number, else by name)."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        raise ImportFileError("Upload the staff list as a CSV file.")
    rows = iter(read_rows(data, filename))

    def is_header(cells):
        return {c.strip().lower() for c in cells} >= set(STAFF_COLUMNS)

    header, header_number = _find_header(
        rows, is_header, f"The file needs a header row with the columns {', '.join(STAFF_COLUMNS)}."
    )
    index = {c.strip().lower(): i for i, c in enumerate(header)}
    organisations = list(Organisation.objects.all())
    by_code = {o.ods_code.upper(): o for o in organisations if o.ods_code}
    by_name = {}
    for o in organisations:
        by_name.setdefault(o.name.strip().lower(), []).append(o)
    existing = list(StaffMember.objects.all())
    by_gphc = {s.gphc_number: s for s in existing if s.gphc_number}
    by_staff_name = {}
    for s in existing:
        by_staff_name.setdefault(s.name.strip().lower(), []).append(s)
    preview = StaffPreview()
    seen = {}
    for number, raw in enumerate(rows, start=header_number + 1):
        if number - header_number > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows.")
        cells = [str(_cell(c)) for c in raw]
        if not any(cells):
            continue

        def get(name, cells=cells):
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        problems = []
        name = get("name")
        if not name:
            problems.append("the name is blank")
        elif len(name) > 200:
            problems.append("the name is longer than 200 characters")
        for label, value in (("name", name), ("organisation", get("organisation"))):
            if problem := patient_data_problem(value):
                problems.append(f"the {label} is refused. {problem}")
                name = ""  # nothing refused is echoed or kept
        role = ROLE_WORDS.get(get("role").lower())
        if not role:
            problems.append(f"the role “{get('role')}” is not one of {', '.join(StaffMember.Role.labels)}")
        gphc = re.sub(r"\s", "", get("gphc_number")) or None
        if gphc:
            try:
                GPHC_NUMBER(gphc)
            except ValidationError:
                problems.append(f"the GPhC number “{gphc}” is not 7 digits")
        elif role in (StaffMember.Role.PHARMACIST, StaffMember.Role.TECHNICIAN):
            problems.append("a pharmacist or technician needs a GPhC number")
        org_text = get("organisation")
        organisation = by_code.get(org_text.upper())
        if organisation is None:
            matches = by_name.get(org_text.lower(), [])
            if len(matches) == 1:
                organisation = matches[0]
            elif len(matches) > 1:
                problems.append(f"more than one organisation is called “{org_text}”: use its ODS code")
            else:
                problems.append(f"no organisation has the ODS code or name “{org_text}”")
        hours = None
        try:
            hours = Decimal(get("hours_per_week") or "x")
            if hours < 0 or hours > 168:
                problems.append(f"the hours a week {hours} are not between 0 and 168")
        except InvalidOperation:
            problems.append(f"the hours a week “{get('hours_per_week')}” is not a number")
        funding_text = get("funding").lower()
        funding = FUNDING_WORDS.get(funding_text) if funding_text else None
        if funding_text and not funding:
            problems.append(
                f"the funding “{get('funding')}” is not one of {', '.join(StaffMember.Funding.labels)}"
            )
        key = gphc or f"name:{name.lower()}"
        if not problems and key in seen:
            problems.append(f"this person is also on row {seen[key]}")
        if problems:
            reason = "; ".join(problems)
            preview.errors.append(RowError(number, reason[0].upper() + reason[1:] + ".", name))
            continue
        seen[key] = number
        if not funding:
            funding = FUNDING_BY_KIND.get(organisation.kind) or (
                StaffMember.Funding.SECONDARY_CARE
                if organisation.sector in ("secondary", "community")
                else StaffMember.Funding.COMMISSIONER
            )
        row = StaffRow(number, name, role, gphc, organisation, hours.quantize(Decimal("0.1")), funding)
        member = by_gphc.get(gphc) if gphc else None
        if member is None and not gphc:
            same_name = by_staff_name.get(name.lower(), [])
            member = same_name[0] if len(same_name) == 1 else None
        if member is None:
            preview.new.append(row)
            continue
        changes = []
        for attr, label, old, new in (
            ("name", "name", member.name, row.name),
            ("role", "role", member.role, row.role),
            ("organisation", "organisation", member.organisation_id, row.organisation.pk),
            ("hours_per_week", "hours a week", member.hours_per_week, row.hours_per_week),
        ):
            if old != new:
                shown_old = member.organisation.name if attr == "organisation" else old
                shown_new = row.organisation.name if attr == "organisation" else new
                changes.append((label, shown_old, shown_new))
        (preview.changed if changes else preview.unchanged).append((row, member, changes) if changes else row)
    return preview


def staff_apply(*, by, data: bytes, filename="", skip_bad_rows=False) -> tuple[StaffPreview, bool]:
    """Apply a staff CSV in one transaction (nothing if it has errors, unless skipping bad rows)."""
    if by is not None:
        require(by, "carehomes.import_staff")
    preview = staff_preview(data, filename)
    if preview.has_errors and not skip_bad_rows:
        return preview, False
    with transaction.atomic():
        for row in preview.new:
            member = StaffMember(
                name=row.name,
                role=row.role,
                gphc_number=row.gphc_number,
                organisation=row.organisation,
                hours_per_week=row.hours_per_week,
                funding=row.funding,
            )
            member.full_clean()
            member._history_user = by
            member.save()
        for row, member, _changes in preview.changed:
            member.name, member.role = row.name, row.role
            member.organisation, member.hours_per_week = row.organisation, row.hours_per_week
            member.full_clean()
            member._history_user = by
            member.save()
    return preview, True
