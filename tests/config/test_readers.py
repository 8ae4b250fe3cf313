"""Imports never trust a sheet's declared size (issue 13 §5): a small workbook that claims millions
of cells is read in seconds, rows are cut to MAX_COLUMNS, too many cells are refused, and reading
stops after IMPORT_READ_SECONDS with a plain message."""

import io
import re
import time
import zipfile

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
    assert response.status_code in (200, 400)
    assert "took more than" in response.content.decode()
