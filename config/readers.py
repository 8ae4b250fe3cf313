"""Reading an uploaded file (CSV, .xlsx or .ods) into rows of cells, for every import.

    rows = read_rows(data, filename, sheet="HSCA_Active_Locations")   # or ImportFileError
    header, header_row_number = find_header(rows, is_header, "what the header must hold")

Size caps are checked before anything is parsed; a broken file gets one plain message, never a
traceback. Lives in `config` because imports in more than one app read files (the CQC register in
`carehomes`, staff lists in `organisations`), and `organisations` may not import `carehomes`.
"""

import csv
import datetime
import io
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
# A sheet's declared size is never trusted: cells past this many columns are not read, and a file
# with more cells than this (rows x columns actually present) is refused.
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, plainly."""


@dataclass
class RowError:
    row_number: int
    reason: str
    identifier: str = ""


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


@contextmanager
def _opening_workbook(data: bytes):
    """Around opening a workbook (a zip): refused if it unzips past MAX_XLSX_UNCOMPRESSED, and any
    failure to open it is the same plain message."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError("The workbook is too large to import. Save the sheet as CSV instead.")
        yield
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any broken workbook gets the same plain message
        raise ImportFileError(
            "The workbook could not be opened. Save the sheet as CSV and try again."
        ) from error


def _xlsx_rows(data: bytes, sheet=None):
    from openpyxl import load_workbook

    with _opening_workbook(data):
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    worksheet = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
    # The sheet's own <dimension> may claim A1:XFD1048576: read only the cells that are there.
    worksheet.reset_dimensions()
    for values in worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
        yield ["" if v is None else v for v in values]
    workbook.close()


def _ods_rows(data: bytes, sheet=None):
    """Rows of the named sheet (or the first) of an OpenDocument workbook (calamine)."""
    from python_calamine import CalamineWorkbook

    with _opening_workbook(data):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = sheet if sheet in workbook.sheet_names else workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(name).iter_rows()
    for values in rows:
        yield ["" if v is None else v for v in values[:MAX_COLUMNS]]


def _capped(rows):
    """Rows cut to MAX_COLUMNS; refused past MAX_CELLS or after IMPORT_READ_SECONDS of reading."""
    deadline = time.monotonic() + settings.HUB["IMPORT_READ_SECONDS"]
    cells = 0
    for row in rows:
        row = list(row[:MAX_COLUMNS])
        while row and row[-1] in ("", None):  # padding up to a claimed width is not data
            row.pop()
        cells += len(row)
        if cells > MAX_CELLS:
            raise ImportFileError(
                f"The file has more than {MAX_CELLS:,} cells; the hub takes up to {MAX_CELLS:,}. "
                "Delete the columns and rows the import does not need, or save the sheet as CSV."
            )
        if time.monotonic() > deadline:
            raise ImportFileError(
                f"The file took more than {settings.HUB['IMPORT_READ_SECONDS']} seconds to read, so it was "
                "stopped. Save the sheet as CSV with only the rows and columns needed, and try again."
            )
        yield row


def read_rows(data: bytes, filename="", *, sheet=None):
    """Rows of cells from CSV, .xlsx or .ods bytes (a workbook's `sheet`, else its first); a clear
    ImportFileError for anything else."""
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.0f} MB; the largest file the hub takes is 20 MB."
        )
    if _is_ods(data):
        return _capped(_ods_rows(data, sheet))
    if data[:4] == b"PK\x03\x04":
        return _capped(_xlsx_rows(data, sheet))
    return _capped(_csv_rows(data))


def cell(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def find_header(rows, is_header, what):
    """Skip preamble lines until the header row; return (header, row_number, remaining rows)."""
    for number, row in enumerate(rows, start=1):
        cells = [str(cell(c)) for c in row]
        if is_header(cells):
            return cells, number
        if number > 50:
            break
    raise ImportFileError(what)


def in_batches(items, size=900):
    """`items` as lists of at most `size`: values an import looks up with one SQL `IN` each, kept
    under SQLite's limit of 999 variables a query."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
