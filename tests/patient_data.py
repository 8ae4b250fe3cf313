"""Hypothesis strategies for patient data written every way a person writes it, and for ordinary
numbers that must not be mistaken for it. Shared by the validator, form and import tests."""

from hypothesis import strategies as st

from config.patient_data import is_valid_nhs_number

# Zero in scripts whose digits people may paste: ASCII, fullwidth, Arabic-Indic, Eastern
# Arabic-Indic, Devanagari, Bengali, mathematical bold.
DIGIT_ZEROS = ["0", "\uff10", "\u0660", "\u06f0", "\u0966", "\u09e6", "\U0001d7ce"]
WHITESPACE = [" ", "  ", "\u00a0", "\u2009", "\u202f", "\u3000", "\n", "\r\n", " \n "]
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]
LABELS = ["", "NHS no ", "NHS No. ", "NHS number: ", "nhs no:", "NHS # ", "Resident's NHS number is "]
GROUPINGS = [(3, 3, 4), (4, 3, 3), (10,)]


def check_digit(nine):
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return "0" if check == 11 else None if check == 10 else str(check)


valid_nhs_numbers = (
    st.text(alphabet="0123456789", min_size=9, max_size=9)
    .map(lambda nine: nine + (check_digit(nine) or ""))
    .filter(lambda digits: len(digits) == 10)
)


def invalid_check_digit(digits):
    """The same number with a check digit that fails Modulus 11."""
    for last in "0123456789":
        candidate = digits[:9] + last
        if not is_valid_nhs_number(candidate):
            return candidate
    raise AssertionError("unreachable")


@st.composite
def separators(draw):
    """A function giving the separator for each gap: one kind per number (whitespace runs may vary)."""
    kind = draw(st.sampled_from(["whitespace", "dash", ".", "/", ""]))
    if kind == "whitespace":
        runs = draw(st.lists(st.sampled_from(WHITESPACE), min_size=2, max_size=2))
        return lambda i: runs[i]
    if kind == "dash":
        dash = draw(st.sampled_from(DASHES))
        return lambda i: dash
    return lambda i: kind


def in_script(digits, zero):
    return "".join(chr(ord(zero) + int(d)) for d in digits)


@st.composite
def written_nhs_numbers(draw, numbers=valid_nhs_numbers):
    """An NHS number as a person might write it, inside a sentence."""
    digits = draw(numbers)
    zero = draw(st.sampled_from(DIGIT_ZEROS))
    grouping = draw(st.sampled_from(GROUPINGS))
    separator = draw(separators())
    groups, at = [], 0
    for size in grouping:
        groups.append(in_script(digits[at : at + size], zero))
        at += size
    written = groups[0] + "".join(separator(i) + group for i, group in enumerate(groups[1:]))
    label = draw(st.sampled_from(LABELS))
    before = draw(st.sampled_from(["", "Reviewed resident ", "Seen (", "Notes: "]))
    after = draw(st.sampled_from(["", " today.", ") on the ward", ", meds reconciled"]))
    return f"{before}{label}{written}{after}"


MONTHS = ["January", "Feb", "March", "Apr", "May", "June", "Jul", "August", "Sept", "October", "Nov", "Dec"]


@st.composite
def stated_dates_of_birth(draw):
    day = draw(st.integers(1, 28))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(1920, 2010))
    date = draw(
        st.sampled_from(
            [
                f"{day:02d}/{month:02d}/{year}",
                f"{day}.{month}.{year}",
                f"{day}-{month}-{year % 100:02d}",
                f"{year}-{month:02d}-{day:02d}",
                f"{day} {MONTHS[month - 1]} {year}",
                f"{day}th of {MONTHS[month - 1]} {year}",
                f"{MONTHS[month - 1]} {day}, {year}",
            ]
        )
    )
    label = draw(
        st.sampled_from(
            ["DOB ", "D.O.B. ", "dob: ", "Date of birth ", "date of birth: ", "born on ", "Born "]
        )
    )
    return f"Resident {label}{date} reviewed"


@st.composite
def uk_phone_numbers(draw):
    area = draw(st.sampled_from(["0113", "0114", "020", "07700", "01632", "0161", "0800"]))
    rest = draw(st.text(alphabet="0123456789", min_size=11 - len(area), max_size=11 - len(area)))
    whole = area + rest
    return draw(
        st.sampled_from(
            [
                whole,
                f"{area} {rest}",
                f"{whole[:4]} {whole[4:7]} {whole[7:]}",
                f"{whole[:5]} {whole[5:8]} {whole[8:]}",
                f"{whole[:3]} {whole[3:7]} {whole[7:]}",
                f"{whole[:5]} {whole[5:]}",
                f"+44 {whole[1:4]} {whole[4:7]} {whole[7:]}",
                f"+44 (0){whole[1:4]} {whole[4:7]} {whole[7:]}",
                f"+44{whole[1:]}",
            ]
        )
    )


ordinary_texts = st.one_of(
    uk_phone_numbers().map(lambda phone: f"Call the home on {phone}"),
    st.builds(
        lambda d, m, y, hh, mm: f"Visited {d:02d}/{m:02d}/{y} {hh:02d}:{mm:02d}",
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(2000, 2099),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.builds(
        lambda y, m, d: f"from {y}-{m:02d}-{d:02d}",
        st.integers(2000, 2099),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
    st.text(alphabet="0123456789", min_size=9, max_size=11).map(lambda digits: f"CQC location 1-{digits}"),
    st.from_regex(r"[A-Z][A-Z0-9]{2,5}", fullmatch=True).map(lambda code: f"ODS code {code}"),
    st.decimals(min_value=0, max_value=100, places=1).map(lambda hours: f"{hours} hours a week"),
    st.integers(0, 10**9 - 1).map(lambda n: f"{n} residents"),
    st.integers(0, 10**9 - 1).map(lambda n: f"Born in Leeds, {n} items"),
)
