"""Reading the Organisation Data Service's published CSV reports into plain rows.

The layouts are in ../shared/data/ODS-FORMATS.md. Every report is header-less with a fixed
column count, so the count is checked on every line before a field is read: a changed layout
fails loudly (ODSLayoutError) instead of shifting fields into the wrong places.

    report = read_report(data, "epraccur.csv")    # an OdsReport, or raises OdsFileError
    report.kind, report.rows                      # "practices", [OrganisationRow, ...]

A file's kind comes from its name (epraccur, epcn, epcncorepartnerdetails, etr, eccg, the ICB
report, edispensary) and, when the name says nothing, from its shape (column count and code pattern).
A zip of several reports (what the export service sends when asked for more than one) is read
member by member by `ods_reports.read_reports`, which also hands NHS Digital's ePCN.xlsx workbook
(its PCN and core-partner sheets) to `ods_workbook`, alone or inside ePCN.zip.
"""

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field

MAX_BYTES = 50 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024
WORKBOOK_PART = "xl/workbook.xml"

PRACTICES = "practices"
PCNS = "pcns"
MEMBERSHIPS = "memberships"
TRUSTS = "trusts"
SUB_ICBS = "sub_icbs"
ICBS = "icbs"
PHARMACIES = "pharmacies"

KIND_LABELS = {
    PRACTICES: "GP practices (epraccur)",
    PCNS: "Primary care networks (epcn)",
    MEMBERSHIPS: "Practice–PCN membership (epcncorepartnerdetails)",
    TRUSTS: "NHS trusts (etr)",
    SUB_ICBS: "Sub-ICB locations (eccg)",
    ICBS: "Integrated care boards",
    PHARMACIES: "Community pharmacies (edispensary)",
}
# Applied in this order, so that a parent exists before its children point at it.
APPLY_ORDER = [ICBS, SUB_ICBS, TRUSTS, PHARMACIES, PCNS, PRACTICES, MEMBERSHIPS]

# The standard ODS organisation layout (etr, eccg, the ICB report, edispensary) and epraccur: 27 columns.
COLUMNS = {
    PRACTICES: 27,
    PCNS: 12,
    MEMBERSHIPS: 11,
    TRUSTS: 27,
    SUB_ICBS: 27,
    ICBS: 27,
    PHARMACIES: 27,
}

# Checked in order: the longer, more particular names first.
NAME_PATTERNS = [
    (re.compile(r"epcncorepartner|core.?partner"), MEMBERSHIPS),
    (re.compile(r"epraccur"), PRACTICES),
    (re.compile(r"epcn"), PCNS),
    (re.compile(r"eccg|sub.?icb"), SUB_ICBS),
    (re.compile(r"eicb|icb"), ICBS),
    (re.compile(r"etr\b|etr[._-]|trusts?\b"), TRUSTS),
    (re.compile(r"edispensary|edispn|pharmac|dispens"), PHARMACIES),
]
UNSUPPORTED_NAMES = re.compile(r"\bets\b|ets[._-]|succ|ebranch|egdp|egpcur")

# Statuses of epraccur: A active, C closed, D dormant, P proposed; newer extracts ACTIVE / INACTIVE.
STATUSES = {"A": True, "ACTIVE": True, "C": False, "INACTIVE": False, "D": False, "P": False}
# Prescribing setting 4, or (newer extracts) the ODS role id of a GP practice.
GP_PRACTICE_SETTINGS = {"4", "RO76"}
# eccg lists every "clinical commissioning group" code: sub-ICB locations carry the role RO319 in
# column 14; commissioning hubs (RO218) and sub-ICB reporting entities (RO327) are skipped. Codes
# closed before roles were published (the old CCGs) have none and are read as sub-ICB locations.
SUB_ICB_ROLES = {"", "RO319"}

PCN_CODE = re.compile(r"^U\d{5}$")
TRUST_CODE = re.compile(r"^[RT][A-Z0-9]{2}$")
SUB_ICB_CODE = re.compile(r"^\d{2}[A-Z0-9]$")
ICB_CODE = re.compile(r"^Q[A-Z0-9]{2}$")
PHARMACY_CODE = re.compile(r"^F[A-Z0-9]{4}$")
# A sub-ICB location is named after its ICB: "NHS WEST YORKSHIRE ICB - 15F".
SUB_ICB_NAME = re.compile(r"^(?P<icb>.+\bICB)\s+-\s+[A-Z0-9]+$", re.IGNORECASE)
ODS_CODE = re.compile(r"^[A-Z0-9]{3,8}$")


class OdsFileError(Exception):
    """The file as a whole cannot be read; the message says why, plainly."""


class OdsLayoutError(OdsFileError):
    """The file's columns are not the published layout: nothing is imported."""


@dataclass
class OrganisationRow:
    line: int
    ods_code: str
    name: str
    postcode: str = ""
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    is_active: bool = True
    parent_code: str = ""  # the commissioner (practice), sub-ICB (PCN) or ICB (sub-ICB)


@dataclass
class MembershipRow:
    line: int
    practice_code: str
    pcn_code: str
    pcn_name: str
    pcn_parent_code: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None


@dataclass
class RowProblem:
    line: int
    reason: str
    ods_code: str = ""


@dataclass
class OdsReport:
    name: str
    kind: str
    sha256: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    skipped: int = 0  # cost centres that are not GP practices, commissioning hubs, reporting entities
    lines: int = 0
    derived: bool = False  # rows worked out from another report (ICBs from eccg), not read from a file

    @property
    def label(self):
        return KIND_LABELS[self.kind] + (" named in eccg" if self.derived else "")


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), falling back to Latin-1 for older extracts."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_date(value: str, what: str):
    """A YYYYMMDD date; an empty string is no date."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise ValueError(f"the {what} “{value}” is not a date written YYYYMMDD") from None


def normalise_postcode(value: str) -> str:
    """'ls13ex' -> 'LS1 3EX'; anything too short to be a postcode is kept as given."""
    compact = "".join(value.split()).upper()
    if len(compact) < 5 or len(compact) > 7:
        return compact[:8]
    return f"{compact[:-3]} {compact[-3:]}"


def kind_from_name(name: str):
    low = name.lower().rsplit("/", 1)[-1]
    if UNSUPPORTED_NAMES.search(low):
        raise OdsFileError(
            f"{name} is an ODS report the hub does not import. It imports epraccur, epcn, "
            "epcncorepartnerdetails, etr, eccg, the ICB report and edispensary."
        )
    for pattern, kind in NAME_PATTERNS:
        if pattern.search(low):
            return kind
    return None


def kind_from_shape(first: list, name: str):
    """The kind of a file whose name says nothing, from its first line's columns and code."""
    count = len(first)
    code = first[0].strip().upper() if first else ""
    if count == 11 and len(first) > 4 and PCN_CODE.match(first[4].strip()):
        return MEMBERSHIPS
    if count == 12 and PCN_CODE.match(code):
        return PCNS
    if count == 27:
        if first[25].strip() or first[12].strip().upper() in STATUSES:
            return PRACTICES
        for pattern, kind in (
            (ICB_CODE, ICBS),
            (SUB_ICB_CODE, SUB_ICBS),
            (TRUST_CODE, TRUSTS),
            (PHARMACY_CODE, PHARMACIES),
        ):
            if pattern.match(code):
                return kind
    raise OdsFileError(
        f"{name} does not look like an ODS report the hub imports (its first line has {count} "
        "columns). Give the file its published name, for example epraccur.csv, and try again."
    )


def _lines(text: str, name: str):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            if cells and any(c.strip() for c in cells):
                yield number, cells
    except csv.Error as error:
        raise OdsFileError(f"{name} could not be read as CSV: {error}.") from error


def read_report(data: bytes, name: str, *, kind=None) -> OdsReport:
    """Read one header-less ODS report; raises OdsFileError / OdsLayoutError for the whole file."""
    if not data or not data.strip():
        raise OdsFileError(f"{name} is empty.")
    if len(data) > MAX_MEMBER_BYTES:
        raise OdsFileError(f"{name} is larger than {MAX_MEMBER_BYTES // 1024 // 1024} MB.")
    if b"\x00" in data[:8192]:
        raise OdsFileError(f"{name} is not a CSV file.")
    lines = _lines(decode(data), name)
    try:
        first_number, first = next(lines)
    except StopIteration:
        raise OdsFileError(f"{name} is empty.") from None
    kind = kind or kind_from_name(name) or kind_from_shape(first, name)
    report = OdsReport(name=name, kind=kind, sha256=hashlib.sha256(data).hexdigest())
    return parse_rows(report, _counted(report, _chain_first(first_number, first, lines)))


def _counted(report, lines):
    """The lines, each checked to have the report's published column count."""
    expected = COLUMNS[report.kind]
    for number, cells in lines:
        if len(cells) != expected:
            raise OdsLayoutError(
                f"{report.name} has {len(cells)} columns on line {number}; the {report.label} report "
                f"has {expected}. Its layout has changed, so nothing was imported: check the published "
                "layout before importing it."
            )
        yield number, cells


def parse_rows(report, lines) -> OdsReport:
    """Each (line number, cells in the CSV report's column order) to a row of the report: the one
    path from published cells to records, for the CSV reports and the ePCN workbook alike."""
    parse = PARSERS[report.kind]
    for number, cells in lines:
        report.lines += 1
        cells = [c.strip() for c in cells]
        try:
            row = parse(number, cells)
        except ValueError as error:
            reason = str(error)
            report.problems.append(RowProblem(number, reason[0].upper() + reason[1:] + ".", cells[0]))
            continue
        if row is None:
            report.skipped += 1
            continue
        report.rows.append(row)
    return report


def _chain_first(number, first, rest):
    yield number, first
    yield from rest


# One parser per kind: cells (already stripped) to a row, None to skip, ValueError for a bad row.


def _code(value: str):
    code = value.upper()
    if not ODS_CODE.match(code):
        raise ValueError(f"the organisation code “{value}” is not an ODS code")
    return code


def _name(value: str):
    if not value:
        raise ValueError("the name is blank")
    if len(value) > 200:
        raise ValueError("the name is longer than 200 characters")
    return value


def _open_now(closed_on, today=None):
    today = today or datetime.date.today()  # noqa: DTZ011 - the calendar date the files speak in
    return closed_on is None or closed_on > today


def _organisation(number, cells, *, postcode, opened, closed, parent, status_active=True):
    """An organisation's row from the columns where this kind of file keeps each field."""
    closed_on = parse_date(cells[closed], "close date")
    return OrganisationRow(
        line=number,
        ods_code=_code(cells[0]),
        name=_name(cells[1]),
        postcode=normalise_postcode(cells[postcode]),
        opened_on=parse_date(cells[opened], "open date"),
        closed_on=closed_on,
        is_active=status_active and _open_now(closed_on),
        parent_code=cells[parent].upper(),
    )


def _practice(number, cells):
    setting = cells[25].upper()
    if setting not in GP_PRACTICE_SETTINGS:
        return None
    status = cells[12].upper()
    if status not in STATUSES:
        raise ValueError(f"the status “{cells[12]}” is not one of A, C, D, P, ACTIVE or INACTIVE")
    return _organisation(
        number, cells, postcode=9, opened=10, closed=11, parent=14, status_active=STATUSES[status]
    )


def _standard(number, cells):
    return _organisation(number, cells, postcode=9, opened=10, closed=11, parent=3)


def _sub_icb(number, cells):
    if cells[13].upper() not in SUB_ICB_ROLES:
        return None
    return _standard(number, cells)


def _pcn(number, cells):
    return _organisation(number, cells, postcode=11, opened=4, closed=5, parent=2)


def _membership(number, cells):
    return MembershipRow(
        line=number,
        practice_code=_code(cells[0]),
        pcn_code=_code(cells[4]),
        pcn_name=_name(cells[5]),
        pcn_parent_code=cells[6].upper(),
        starts_on=parse_date(cells[8], "membership start date"),
        ends_on=parse_date(cells[9], "membership end date"),
    )


PARSERS = {
    PRACTICES: _practice,
    PCNS: _pcn,
    MEMBERSHIPS: _membership,
    TRUSTS: _standard,
    SUB_ICBS: _sub_icb,
    ICBS: _standard,
    PHARMACIES: _standard,
}


def icbs_named_in(report: OdsReport) -> OdsReport:
    """The integrated care boards that a sub-ICB location report (eccg) names.

    No report of the ODS export service is published for ICBs (see
    tests/organisations/ods_files/README.md), but every open sub-ICB location in eccg gives its
    ICB's code (column 4, "high-level health geography") and is named after it ("NHS WEST
    YORKSHIRE ICB - 15F"): the ICB is that name without the location's code. Such an ICB is only
    ever created from eccg, never renamed or closed by it; an ICB file given by hand says more.
    """
    icbs = OdsReport(name=f"{report.name} (ICBs)", kind=ICBS, sha256=report.sha256, derived=True)
    seen = set()
    for row in report.rows:
        named = SUB_ICB_NAME.match(row.name)
        if not row.is_active or not named or not ICB_CODE.match(row.parent_code) or row.parent_code in seen:
            continue
        seen.add(row.parent_code)
        icbs.rows.append(OrganisationRow(line=row.line, ods_code=row.parent_code, name=named["icb"].strip()))
    return icbs
