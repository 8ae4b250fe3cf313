"""Small-number suppression for documents that leave the hub (the NHS Digital rule for HES).

Any count from 1 to `SMALL_NUMBER_MAX` (7) is shown as "*"; every other count is rounded to the
nearest 5, so a total cannot be used to work a hidden count back (the rounding hides more than the
difference would show); a percentage is hidden when its numerator, or what the numerator leaves of
its denominator, is a small number. Pages inside the hub show true counts; these functions are for
the per-trust report and the read API for service accounts that publish.

    disclosed_count(5)          -> "*"
    disclosed_count(23)         -> 25
    disclosed_percentage(3, 40) -> "*"
    disclosed_counts({"a": 3, "b": 40}) -> {"a": "*", "b": 40}
"""

from django.conf import settings

HIDDEN = "*"


def _limit():
    return settings.DISCHARGE["SMALL_NUMBER_MAX"]


def is_small(count) -> bool:
    return count is not None and 1 <= count <= _limit()


def disclosed_count(count):
    """0 stays 0; 1-7 becomes "*"; anything larger is rounded to the nearest 5 (halves up)."""
    if count is None:
        return None
    if count == 0:
        return 0
    if is_small(count):
        return HIDDEN
    return int(5 * ((count + 2.5) // 5))


def disclosed_percentage(part, whole):
    """A whole-number percentage, or "*" when the part or the rest is a small number (or whole is)."""
    if not whole:
        return None
    if is_small(part) or is_small(whole - part) or is_small(whole):
        return HIDDEN
    return round(100 * part / whole)


def disclosed_counts(counts: dict) -> dict:
    return {key: disclosed_count(value) for key, value in counts.items()}
