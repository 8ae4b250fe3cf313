"""Reading NHS Digital's ePCN.xlsx workbook: the same PCNs and memberships as the CSV reports.

    reports = read_epcn_workbook(data, "ePCN.xlsx")   # [PCNs report, memberships report]

The workbook is published monthly with two sheets, each with one header row: "PCNDetails" holds
the columns of the `epcn` report and "PCN Core Partner Details" those of `epcncorepartnerdetails`,
in the same order. Each sheet is read through the hub's bounded workbook reader
(`config.readers.read_rows`), its header checked against the published one, and its rows handed
to `ods_files.parse_rows`, the path the CSV reports take: so a workbook and the equivalent CSVs give
the same rows. A changed header, or a row wider than it, fails loudly (OdsLayoutError), as a
changed column count does in a CSV report.
"""

import datetime
import hashlib
import re

from config.readers import ImportFileError, read_rows
from organisations import ods_files

# The published headers, as they are in the workbook (line breaks and a trailing space included);
# compared with runs of white space made one space, and case ignored.
PCN_SHEET = "PCNDetails"
PCN_HEADER = [
    "PCN Code",
    "PCN Name",
    "Current Sub ICB Loc Code",
    "Sub ICB Location",
    "Open Date",
    "Close Date",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Address Line 4",
    "Address Line 5",
    "Postcode",
]
PARTNER_SHEET = "PCN Core Partner Details"
PARTNER_HEADER = [
    "Partner\nOrganisation\nCode",
    "Partner\nName",
    "Practice\nParent\nSub ICB Loc Code",
    "Practice\nParent\nSub ICB Loc Name",
    "PCN Code",
    "PCN Name",
    "PCN Parent\nSub ICB Loc Code",
    "PCN Parent\nSub ICB Loc Name",
    "Practice to PCN\nRelationship\nStart Date",
    "Practice to PCN\nRelationship\nEnd Date",
    "Practice Sub ICB Loc and PCN Sub ICB Loc Match ",
]
SHEETS = [
    (ods_files.PCNS, PCN_SHEET, PCN_HEADER),
    (ods_files.MEMBERSHIPS, PARTNER_SHEET, PARTNER_HEADER),
]
SPACES = re.compile(r"\s+")
# The reader reads a workbook's first sheet when it has none of the name asked for.
MISSING = " (or the workbook has no sheet of that name)"


def _same(found, published):
    return SPACES.sub(" ", str(found)).strip().casefold() == SPACES.sub(" ", published).strip().casefold()


def _text(value):
    """A cell as the CSV report writes it: dates YYYYMMDD, nothing as an empty string."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _plain(text):
    return SPACES.sub(" ", text).strip()


def _check_header(report, sheet, header, published):
    where = f"{report.name.removesuffix(f' ({sheet})')}: the sheet “{sheet}”"
    if not header:
        raise ods_files.OdsLayoutError(f"{where} is empty or missing, so nothing was imported.")
    for column, expected in enumerate(published, start=1):
        found = header[column - 1] if column <= len(header) else ""
        if not _same(found, expected):
            raise ods_files.OdsLayoutError(
                f"{where} has “{_plain(_text(found))}” as column {column}, where the published "
                f"{report.label} sheet has “{_plain(expected)}”{MISSING if column == 1 else ''}. Its "
                "layout has changed, so nothing was imported: check the published layout before "
                "importing it."
            )
    if len(header) > len(published):
        raise ods_files.OdsLayoutError(
            f"{where} has {len(header)} columns; the published {report.label} sheet has "
            f"{len(published)}. Its layout has changed, so nothing was imported."
        )


def _lines(report, sheet, rows, width):
    """Data rows as (row number in the sheet, cells); padded to the header's width, since the
    reader leaves off empty cells at a row's end, and refused when wider than it."""
    for number, row in enumerate(rows, start=2):
        cells = [_text(value) for value in row]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width:
            raise ods_files.OdsLayoutError(
                f"{report.name}: row {number} of the sheet “{sheet}” has {len(cells)} columns; the "
                f"published sheet has {width}. Its layout has changed, so nothing was imported."
            )
        yield number, cells + [""] * (width - len(cells))


def read_epcn_workbook(data: bytes, name: str):
    """The PCNs and memberships in an ePCN workbook; OdsFileError / OdsLayoutError for the whole file."""
    sha256 = hashlib.sha256(data).hexdigest()
    reports = []
    for kind, sheet, published in SHEETS:
        report = ods_files.OdsReport(name=f"{name} ({sheet})", kind=kind, sha256=sha256)
        try:
            rows = iter(read_rows(data, name, sheet=sheet))
            header = next(rows, [])
            _check_header(report, sheet, header, published)
            reports.append(ods_files.parse_rows(report, _lines(report, sheet, rows, len(published))))
        except ImportFileError as error:
            raise ods_files.OdsFileError(f"{name}: {error}") from error
    return reports
