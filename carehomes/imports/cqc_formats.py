"""The CQC's two published care-home files, read into care-home rows.

Both CQC formats are read as published and told apart by their header row: the weekly care
directory (a preamble, then a header with "CQC Location ID (for office use only)") and
"HSCA_Active_Locations" (a header with "Location ID" and "Care home?"), as CSV, .xlsx or .ods.
Only care-home rows are kept; a row that cannot be a care home as people would type it becomes a
row error with a plain reason.

    parsed = parse_cqc(data, filename)        # or raises ImportFileError with a plain message
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from carehomes.models import CQC_LOCATION_ID, UK_POSTCODE, CareHome, normalise_postcode
from config.patient_data import patient_data_problem
from config.readers import MAX_ROWS, ImportFileError, RowError, cell, find_header, read_rows

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
    rows = iter(read_rows(data, filename, sheet=HSCA_SHEET))

    def is_header(cells):
        return DIRECTORY_ID_COLUMN in cells or ("Location ID" in cells and "Care home?" in cells)

    header, header_number = find_header(
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
        cells = [cell(c) for c in raw]
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
