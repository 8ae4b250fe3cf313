"""Imports never trust a sheet's declared size (issue 13 §5): a small workbook that claims millions
of cells is read in seconds, rows are cut to MAX_COLUMNS, too many cells are refused, and reading
stops after IMPORT_READ_SECONDS with a plain message."""

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from config import readers
from config.readers import ImportFileError, read_rows


def workbook_bytes(rows, *, far_cell=False):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if far_cell:
        for r in range(1, len(rows) + 1):
            sheet.cell(row=r, column=16000, value="far")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def claiming(data, ref="A1:XFD1048576"):
    """The same workbook, its sheet's <dimension> claiming `ref` (a million rows by 16,384 columns)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), content)
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_claiming_millions_of_cells_is_read_in_seconds():
    data = claiming(workbook_bytes([["Location ID", "Care home?"], ["1-101234567", "Y"]]))
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    started = time.monotonic()
    rows = list(read_rows(data, "book.xlsx"))
    assert time.monotonic() - started < 5
    assert rows == [["Location ID", "Care home?"], ["1-101234567", "Y"]]


def test_rows_are_cut_to_the_column_cap():
    data = workbook_bytes([["Location ID"], ["1-101234567"]], far_cell=True)
    rows = list(read_rows(data, "book.xlsx"))
    assert all(len(row) <= readers.MAX_COLUMNS for row in rows)
    assert rows[0][0] == "Location ID"


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_CELLS", 50)
    data = ("\n".join(",".join(["x"] * 10) for _ in range(10))).encode()
    with pytest.raises(ImportFileError, match="more than 50 cells"):
        list(read_rows(data, "big.csv"))


def test_reading_stops_after_the_time_limit(settings):
    settings.HUB = {**settings.HUB, "IMPORT_READ_SECONDS": -1}
    with pytest.raises(ImportFileError, match="took more than"):
        list(read_rows(b"Name,Postcode\nOak House,LS1 3EX\n", "cqc.csv"))


@pytest.mark.django_db
def test_the_import_page_says_so_plainly(client_for, pm_user, settings):
    settings.HUB = {**settings.HUB, "IMPORT_READ_SECONDS": -1}
    upload = SimpleUploadedFile("cqc.csv", b"Name,Postcode\nOak House,LS1 3EX\n", content_type="text/csv")
    response = client_for(pm_user).post(reverse("carehomes:import"), {"file": upload})
    assert response.status_code == 400
    assert "took more than" in response.content.decode()


# --- Hostile workbooks: a clear answer within seconds, never a hang (issue 13 §5) ----------------------


SHARED_STRINGS_REL = (
    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
    b' Target="sharedStrings.xml" Id="rId99"/></Relationships>'
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml"'
    b' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def with_part(data, name, content):
    """The same workbook with one part (the shared strings) set to `content`, as Excel writes it
    (this openpyxl writes strings inline, so the part, its relationship and its type are added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == name:
                continue
            part = source.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels" and b"sharedStrings" not in part:
                part = part.replace(b"</Relationships>", SHARED_STRINGS_REL)
            if item.filename == "[Content_Types].xml" and b"sharedStrings" not in part:
                part = part.replace(b"</Types>", SHARED_STRINGS_TYPE)
            target.writestr(item, part)
        target.writestr(name, content)
    return out.getvalue()


def shared_strings(strings):
    items = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + b"</sst>"
    )


def a_book():
    return workbook_bytes([["Location ID", "Care home?"], ["1-101234567", "Y"]])


def test_the_hostile_parts_are_really_read():
    """The shared strings added by with_part are the workbook's own: openpyxl reads them."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(with_part(a_book(), "xl/sharedStrings.xml", shared_strings([b"Ward 7"]))))
    reader.read_manifest()
    reader.read_strings()
    assert reader.shared_strings == ["Ward 7"]


def refused_within(seconds, data, match, name="book.xlsx"):
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=match):
        list(read_rows(data, name))
    took = time.monotonic() - started
    assert took < seconds, f"took {took:.1f} s"


def test_a_huge_shared_strings_part_is_stopped_at_the_time_limit(settings):
    """1.2 million shared strings (36 MB unpacked, under every size cap): the parser alone would take
    several seconds; the child reading it is killed at the limit and the person told so."""
    settings.HUB = {**settings.HUB, "IMPORT_READ_SECONDS": 1}
    strings = (b"Care home %07d" % n for n in range(1_200_000))
    data = with_part(a_book(), "xl/sharedStrings.xml", shared_strings(strings))
    assert len(data) < readers.MAX_BYTES
    refused_within(4, data, "took more than 1 seconds")


def test_shared_strings_past_their_cap_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHARED_STRINGS", 1024 * 1024)
    strings = (b"Home %07d" % n for n in range(100_000))
    refused_within(2, with_part(a_book(), "xl/sharedStrings.xml", shared_strings(strings)), "too large")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    """30 MB of one repeated string packs to a few kilobytes: no spreadsheet is packed like that."""
    data = with_part(a_book(), "xl/sharedStrings.xml", shared_strings([b"a" * (30 * 1024 * 1024)]))
    assert len(data) < 100_000
    refused_within(2, data, "packed in a way spreadsheets are not")


def test_a_workbook_claiming_more_unpacked_bytes_than_the_cap_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_XLSX_UNCOMPRESSED", 10_000)
    refused_within(2, a_book(), "too large")


def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_or_cut():
    """A CSV cell past Excel's 32,767 characters is refused; a workbook's is cut there by the reader."""
    data = workbook_bytes([["Location ID", "Care home?"], ["1-101234567", "Y" * 40_000]])
    assert len(list(read_rows(data, "book.xlsx"))[1][1]) == readers.MAX_CELL_CHARS
    csv_data = b"Location ID,Care home?\n1-101234567," + b"N" * 40_000 + b"\n"
    refused_within(5, csv_data, "Row 2 has a cell of more than 32,767 characters", name="cqc.csv")


MEMORY_SCRIPT = """
import os, sys
import django
django.setup()
from config import readers
from tests.config.test_readers import a_book, shared_strings, with_part
readers.WORKBOOK_MEMORY = 1024 * 1024
enormous = [os.urandom(512 * 1024).hex().encode() for _ in range(16)]
data = with_part(a_book(), "xl/sharedStrings.xml", shared_strings(enormous))
assert len(data) < readers.MAX_BYTES
try:
    list(readers.read_rows(data, "book.xlsx"))
    print("READ")
except readers.ImportFileError as error:
    print("REFUSED:", error)
"""


def test_a_workbook_past_the_memory_ceiling_is_refused():
    """Sixteen 1 MB shared strings (random text, so they pack like real data, under every size cap):
    the child reading them has a memory ceiling (here 1 MB more than it starts with), and past it the
    person is told the file is too large; the process serving them is untouched. Run in a fresh
    interpreter: a long-lived test process has free heap the child could fill without growing."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(root)}
    env.setdefault("SECRET_KEY", "test-only")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert "REFUSED: The workbook is too large to import" in result.stdout, result.stdout + result.stderr
    assert time.monotonic() - started < 60


def test_a_broken_workbook_gets_the_plain_message():
    refused_within(2, b"PK\x03\x04" + b"\x00" * 200, "could not be opened")


def test_an_ordinary_workbook_still_reads_through_the_child():
    assert list(read_rows(a_book(), "book.xlsx")) == [["Location ID", "Care home?"], ["1-101234567", "Y"]]
