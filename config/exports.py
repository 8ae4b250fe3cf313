"""Making user text safe to put in a spreadsheet (CSV or Excel): no live formulas."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value):
    """Return a value that a spreadsheet will show as text, never run as a formula.

    Text beginning with a formula trigger gets a leading apostrophe (OWASP CSV injection advice).
    Numbers, dates and None pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(v) for v in values]
