"""Hostile input for tests/security/test_hostile_input.py: strategies and upload files (the city they
are sent to is tests/city.py).

Every form the hub shows is posted values no browser would send (nulls, formula injection,
impossible dates, huge numbers, Unicode digits, lists where one value is expected, unknown
field names), and every import is given bytes that are not a CSV. The hub must answer each
with a page (never a 500) and, when it refuses, save nothing at all.
"""

import datetime
import uuid
from urllib.parse import urlencode

from django.utils import timezone
from hypothesis import strategies as st

# How many hostile requests the tests made (forms, query strings, uploads): the figure for the notes.
TRIED = {"requests": 0, "by_page": {}}

# Values that have broken web forms before: parsing, dates, numbers, encodings, injection.
NASTY = [
    "",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "-0",
    "0.05",
    "1e-7",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "\x00",
    "1-",
    "LS1 3EX",
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() accepts them
    "99999999999999999999",  # beyond a 64-bit integer
    " ",
    "9999-W52",
    "0000-W00",
    "2026-W53",
    "on",
    "None",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%s%s%s",
    "{{ 7*7 }}",
    "\u202eevil",
    "9434765919",  # a valid NHS number (Modulus 11): must be refused in notes
]

scalars = st.one_of(
    st.text(max_size=300),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(NASTY),
)
# A list posts the same name more than once (what a checkbox group sends; a select must cope).
values = st.one_of(scalars, st.lists(st.text(max_size=20), max_size=3))
# Names no form has, next to the real ones.
extra_names = st.one_of(
    st.text(min_size=1, max_size=20),
    st.sampled_from(["csrfmiddlewaretoken", "id", "pk", "version", "by", "created_by", "is_superuser"]),
)


def field_values(plausible):
    """Hostile values, or one of this field's plausible values (so valid forms reach the services)."""
    if not plausible:
        return values
    plausible = [str(v) for v in plausible]
    return st.one_of(
        values,
        st.sampled_from(plausible),
        st.lists(st.sampled_from(plausible), min_size=1, max_size=3),
    )


@st.composite
def payloads(draw, fields, baseline):
    """A POST body: a valid form with a few fields made hostile, or hostile values throughout."""
    names = sorted(fields)
    if baseline and draw(st.booleans()):
        data = dict(baseline)
        for name in draw(st.sets(st.sampled_from(names), max_size=3)) if names else ():
            if draw(st.integers(0, 4)) == 0:
                data.pop(name, None)
            else:
                data[name] = draw(field_values(fields[name]))
    else:
        data = {}
        for name in names:
            if draw(st.booleans()):
                data[name] = draw(field_values(fields[name]))
    data.update(draw(st.dictionaries(extra_names, values, max_size=2)))
    return data


QUERY_NAMES = [
    "page",
    "sort",
    "q",
    "format",
    "week",
    "version",
    "section",
    "meeting",
    "locality",
    "pcn",
    "organisation",
    "rule",
    "status",
    "show",
    "kind",
    "sector",
    "home",
    "date_from",
    "date_to",
    "activity",
    "mode",
    "staff",
    "care_home",
    "has_lead",
    "has_gap",
    "has_spare",
    "specialism",
    "home_type",
    "role",
    "rag",
    "overdue",
    "hours_per_week",
]


def query_strings():
    """Query strings of known filter names and junk, or raw junk."""
    as_dict = st.dictionaries(
        st.one_of(st.sampled_from(QUERY_NAMES), st.text(min_size=1, max_size=12)), values, max_size=5
    ).map(lambda d: urlencode(d, doseq=True))
    raw = st.text(max_size=120).map(lambda s: urlencode({"": s})[1:].replace("%3D", "=").replace("%26", "&"))
    return st.one_of(as_dict, raw)


# Uploads ---------------------------------------------------------------------------------------

HSCA_HEADER = [
    "Location ID",
    "Location HSCA start date",
    "Dormant (Y/N)",
    "Care home?",
    "Location Name",
    "Care homes beds",
    "Location Local Authority",
    "Location Street Address",
    "Location City",
    "Location Postal Code",
    "Service type - Care home service with nursing",
    "Service type - Care home service without nursing",
    "Service user band - Dementia",
]
STAFF_HEADER = ["name", "role", "gphc_number", "organisation", "hours_per_week", "funding"]

# Cells that mean something to the importers, by column, among the junk.
NUMBERS = [
    "40",
    "0",
    "-5",
    "1001",
    "4.5",
    "1e309",
    "Infinity",
    "inf",
    "-Infinity",
    "NaN",
    "sNaN",
    "1_000",
    "²",
]
COLUMN_VALUES = {
    # CQC care directory
    "Name": ["Oak House", "x" * 201, '=HYPERLINK("http://x")', "Bad\x00Name"],
    "Address": ["1 Moor Road, Leeds", "y" * 400],
    "Postcode": ["LS1 3EX", "LS13EX", "ls1 3ex", "ZZ99 9ZZ", "LS1", "LS1 3EX\x00"],
    "Service types": [
        "Care home|Nursing home",
        "Care home|Residential home",
        "Care home service without nursing",
        "Dentist",
    ],
    "Date of latest check": ["09/Jan/2018 - 00:00", "31/Feb/2018 - 00:00", ""],
    "Specialisms/services": ["Dementia|Caring for adults over 65 yrs", "Learning disabilities|Autism"],
    "Local authority": ["Leeds", ""],
    "CQC Location ID (for office use only)": ["1-101234567", "1-101234568", "1-", "1-999999999999", "2-1"],
    # HSCA_Active_Locations
    "Location ID": ["1-101234567", "1-101234568", "1-", "1-999999999999", "1-١٢٣"],
    "Location HSCA start date": [
        "01/04/2011",
        "2011-04-01",
        "31/02/2011",
        "09/Jan/2018 - 00:00",
        "0000-00-00",
    ],
    "Dormant (Y/N)": ["Y", "N"],
    "Care home?": ["Y", "Y", "N", "yes", "y"],
    "Location Name": ["Oak House", "x" * 201, "Bad\x00Name"],
    "Care homes beds": NUMBERS,
    "Location Local Authority": ["Leeds", ""],
    "Location Street Address": ["1 Moor Road"],
    "Location City": ["Leeds"],
    "Location Postal Code": ["LS1 3EX", "LS13EX", "ZZ99 9ZZ", "LS1", ""],
    "Service type - Care home service with nursing": ["Y", ""],
    "Service type - Care home service without nursing": ["Y", ""],
    "Service user band - Dementia": ["Y", ""],
    # Staff
    "name": ["Alex Smith", "Sam Support", "x" * 201, "Bad\x00Name", "=cmd|' /C calc'!A0"],
    "role": ["pharmacist", "Pharmacy technician", "technician", "chief_pharmacist", "other", "wizard"],
    "gphc_number": ["1234567", "2000001", "123 4567", "12345678", "١٢٣٤٥٦٧", ""],
    "organisation": ["Leeds Teaching Hospitals", "Chapeltown PCN", "leeds teaching hospitals", "R9999", ""],
    "hours_per_week": ["2", "37.5", "168", "168.1", "-1", *NUMBERS],
    "funding": ["", "pcn", "Practice", "secondary_care", "lottery"],
}
cells = st.one_of(st.text(max_size=40), st.integers(-(10**6), 10**6).map(str))


@st.composite
def row_for(draw, header):
    """A row for a header: mostly values that column might hold, some junk; sometimes short or long."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.lists(cells, max_size=len(header) + 2))
    row = []
    for name in header:
        plausible = COLUMN_VALUES.get(name)
        junk = not plausible or draw(st.integers(0, 4)) == 0
        row.append(draw(cells) if junk else draw(st.sampled_from(plausible)))
    return row


@st.composite
def csv_files(draw, header_choices):
    """CSV bytes: a real importer header (or junk) and rows for it, maybe a preamble, maybe cp1252."""
    import csv
    import io

    if header_choices:
        header = draw(st.sampled_from(header_choices))
    else:
        header = draw(st.lists(st.text(max_size=20), max_size=8))
    rows = draw(st.lists(row_for(header), min_size=1, max_size=6))
    out = io.StringIO()
    if draw(st.booleans()):
        out.write("This data was produced on 1 November 2026\n\n")
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ",", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


@st.composite
def xlsx_files(draw, header_choices):
    """A real workbook with a real header and cells of every type (text, numbers, dates, none)."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = draw(st.sampled_from(["HSCA_Active_Locations", "Sheet1"]))
    header = draw(st.sampled_from(header_choices))
    sheet.append(header)
    typed = st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(10**6), 10**6),
        st.dates(min_value=datetime.date(1900, 3, 1)),
        st.none(),
    )
    for row in draw(st.lists(row_for(header), min_size=1, max_size=5)):
        cells_ = [ILLEGAL_CHARACTERS_RE.sub("", c) for c in row]
        sheet.append([draw(typed) if draw(st.integers(0, 4)) == 0 else c for c in cells_])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# A published epraccur line (tests/organisations/ods_files/verbatim/epraccur.csv): ODS reports have
# no header, so the ODS upload's junk rows follow a real line of the report.
ODS_PRACTICE_LINE = [
    *("A81001", "THE DENSHAM SURGERY", "Y63", "Q74", "THE HEALTH CENTRE", "LAWSON STREET"),
    *("STOCKTON-ON-TEES", "CLEVELAND", "", "TS18 1HU", "19740401", "", "A", "B", "00K", "20130401"),
    *("", "01642 672351", "", "", "", "0", "", "00K", "", "4", ""),
]

upload_names = st.one_of(
    st.sampled_from(["cqc.csv", "staff.csv", "book.xlsx", "sheet.ods", "noextension", "x.CSV"]),
    st.sampled_from(
        ["epraccur.csv", "eccg.csv", "etr.csv", "epcncorepartnerdetails.csv", "ePCN.xlsx", "ods.zip"]
    ),
    st.text(max_size=40),
)


def uploads(header_choices):
    """(bytes, file name): CSVs and workbooks with real headers and junk rows, or junk bytes."""
    data = st.one_of(
        csv_files(header_choices),
        csv_files(header_choices),
        xlsx_files(header_choices),
        csv_files(None),
        st.binary(max_size=5000),
        st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),
    )
    return st.tuples(data, upload_names)


def dates():
    today = timezone.localdate()
    return [
        today.isoformat(),
        (today - datetime.timedelta(days=1)).isoformat(),
        (today + datetime.timedelta(days=1)).isoformat(),
        (today - datetime.timedelta(days=400)).isoformat(),
        today.strftime("%d/%m/%Y"),
        "0001-01-01",
        "9999-12-31",
        "2024-02-29",
    ]


HOURS = ["0.5", "2", "2.5", "20", "168", "168.5", "0.4", "0", "-2", "1000", "2.55"]


def new_token():
    return str(uuid.uuid4())
