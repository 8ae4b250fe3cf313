"""Reading an uploaded file (CSV, .xlsx or .ods) into rows of cells, for every import.

    rows = read_rows(data, filename, sheet="HSCA_Active_Locations")   # or ImportFileError
    header, header_row_number = find_header(rows, is_header, "what the header must hold")

Size caps are checked before anything is parsed; a broken file gets one plain message, never a
traceback. Lives in `config` because imports in more than one app read files (the CQC register in
`carehomes`, staff lists in `organisations`), and `organisations` may not import `carehomes`.

A workbook is never trusted (ADR 0014): its parts' declared sizes are capped before anything is
decompressed (the zip library stops at the declared size, so a part that lies is a broken file),
one cell may hold at most Excel's own 32,767 characters, and the workbook is parsed in a child
process with a memory ceiling that is killed at IMPORT_READ_SECONDS. So a hostile workbook (a huge
shared-strings part, a zip bomb, one enormous cell) gets a plain message within seconds, and cannot
hang or exhaust the web process, whichever library would have choked on it. CSV is read in-process,
streaming, with the same cell and time caps.
"""

import contextlib
import csv
import datetime
import io
import os
import pickle
import resource
import select
import signal
import time
import zipfile
from dataclasses import dataclass

from django.conf import settings

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
# A sheet's declared size is never trusted: cells past this many columns are not read, and a file
# with more cells than this (rows x columns actually present) is refused.
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000
# Excel's own limit for one cell: a longer one did not come from a spreadsheet people edit.
MAX_CELL_CHARS = 32_767
# Any one part of a workbook (a sheet, the shared strings), decompressed, and how many parts.
MAX_PART_UNCOMPRESSED = 120 * 1024 * 1024
MAX_SHARED_STRINGS = 40 * 1024 * 1024
MAX_PARTS = 500
# Real spreadsheet XML deflates about 10-30 times; a part packed tighter than this is a zip bomb.
MAX_COMPRESSION_RATIO = 400
# The child process that parses a workbook may use this much memory beyond what it starts with.
WORKBOOK_MEMORY = 1024 * 1024 * 1024

TOO_LARGE = "The workbook is too large to import. Save the sheet as CSV instead."
BROKEN = "The workbook could not be opened. Save the sheet as CSV and try again."


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


def _check_archive(data: bytes):
    """Refuse a workbook whose parts would decompress past the caps, before any is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ImportFileError(BROKEN) from error
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_XLSX_UNCOMPRESSED:
        raise ImportFileError(TOO_LARGE)
    for part in parts:
        if part.file_size > MAX_PART_UNCOMPRESSED:
            raise ImportFileError(TOO_LARGE)
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > MAX_SHARED_STRINGS:
            raise ImportFileError(TOO_LARGE)
        if part.file_size > 1024 * 1024 and part.file_size > MAX_COMPRESSION_RATIO * max(
            part.compress_size, 1
        ):
            raise ImportFileError(
                "The workbook is packed in a way spreadsheets are not (it would unpack to far more than "
                "it holds), so it was not opened. Save the sheet as CSV and try again."
            )


def _xlsx_rows(data: bytes, sheet=None):
    from openpyxl import load_workbook

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

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    name = sheet if sheet in workbook.sheet_names else workbook.sheet_names[0]
    for values in workbook.get_sheet_by_name(name).iter_rows():
        yield ["" if v is None else v for v in values[:MAX_COLUMNS]]


def _parse_workbook(data, sheet, ods):
    """Every row of the workbook, capped: ("rows", rows) or ("error", message). Runs in the child."""
    try:
        rows = []
        cells = 0
        for row in (_ods_rows if ods else _xlsx_rows)(data, sheet):
            row = _trimmed(row)
            cells += len(row)
            if cells > MAX_CELLS:
                return ("error", _too_many_cells())
            if (problem := _long_cell(row, len(rows) + 1)) is not None:
                return ("error", problem)
            rows.append(row)
        return ("rows", rows)
    except ImportFileError as error:
        return ("error", str(error))
    except MemoryError:
        return ("error", TOO_LARGE)
    except Exception:  # noqa: BLE001 - any broken workbook gets the same plain message
        return ("error", BROKEN)


def _took_too_long():
    return ImportFileError(
        f"The file took more than {settings.HUB['IMPORT_READ_SECONDS']} seconds to read, so it was "
        "stopped. Save the sheet as CSV with only the rows and columns needed, and try again."
    )


def _workbook_rows(data: bytes, sheet, *, ods):
    """The workbook parsed in a child process that is killed at IMPORT_READ_SECONDS and may not grow
    past WORKBOOK_MEMORY, so no workbook can hang or exhaust the process serving the request."""
    _check_archive(data)
    if not hasattr(os, "fork"):  # not on Linux or macOS: read in-process, bounded by the caps alone
        outcome = _parse_workbook(data, sheet, ods)
    else:
        # Loaded before the fork, so the child imports nothing (another thread may hold a lock).
        import openpyxl  # noqa: F401
        import python_calamine  # noqa: F401

        outcome = _in_child(data, sheet, ods)
    kind, payload = outcome
    if kind == "error":
        raise ImportFileError(payload)
    return payload


def _in_child(data, sheet, ods):
    deadline = time.monotonic() + max(settings.HUB["IMPORT_READ_SECONDS"], 0)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, send the outcome, leave without running the parent's exit code
        try:
            os.close(read_end)
            _limit_memory()
            message = pickle.dumps(_parse_workbook(data, sheet, ods), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(message)
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _took_too_long()
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                raise _took_too_long()
            chunk = os.read(read_end, 1024 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        # Made by our own child from cell values (text, numbers, dates): not data from elsewhere.
        return pickle.loads(b"".join(chunks))  # noqa: S301
    except Exception:  # noqa: BLE001 - the child died (out of memory): nothing whole was sent
        return ("error", TOO_LARGE)


def _limit_memory():
    """In the child: at most WORKBOOK_MEMORY more than it started with (Linux; elsewhere no ceiling)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            starting = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (starting + WORKBOOK_MEMORY, starting + WORKBOOK_MEMORY))
    except (OSError, ValueError):
        pass


def _trimmed(row):
    row = list(row[:MAX_COLUMNS])
    while row and row[-1] in ("", None):  # padding up to a claimed width is not data
        row.pop()
    return row


def _too_many_cells():
    return (
        f"The file has more than {MAX_CELLS:,} cells; the hub takes up to {MAX_CELLS:,}. "
        "Delete the columns and rows the import does not need, or save the sheet as CSV."
    )


def _long_cell(row, row_number):
    for value in row:
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            return (
                f"Row {row_number} has a cell of more than {MAX_CELL_CHARS:,} characters, more than a "
                "spreadsheet cell holds. Check the file is the right one, and try again."
            )
    return None


def _capped(rows):
    """Rows cut to MAX_COLUMNS; refused past MAX_CELLS, for a cell longer than MAX_CELL_CHARS, or
    after IMPORT_READ_SECONDS of reading."""
    deadline = time.monotonic() + settings.HUB["IMPORT_READ_SECONDS"]
    cells = 0
    for number, row in enumerate(rows, start=1):
        row = _trimmed(row)
        cells += len(row)
        if cells > MAX_CELLS:
            raise ImportFileError(_too_many_cells())
        if (problem := _long_cell(row, number)) is not None:
            raise ImportFileError(problem)
        if time.monotonic() > deadline:
            raise _took_too_long()
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
        return _capped(_workbook_rows(data, sheet, ods=True))
    if data[:4] == b"PK\x03\x04":
        return _capped(_workbook_rows(data, sheet, ods=False))
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
