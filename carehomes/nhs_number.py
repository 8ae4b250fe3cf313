"""Spotting NHS numbers in free text, so that no patient-identifiable data is stored.

An NHS number is 10 digits whose last is a Modulus 11 check digit over the first nine. People
write them as 10 digits, or 3-3-4 with spaces or hyphens.
"""

import re

_CANDIDATE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")


def is_valid_nhs_number(digits: str) -> bool:
    """True when `digits` (10 digits, nothing else) passes the Modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def contains_nhs_number(text: str) -> bool:
    """True when the text holds something that reads as a valid NHS number."""
    return any(is_valid_nhs_number("".join(m.groups())) for m in _CANDIDATE.finditer(text or ""))
