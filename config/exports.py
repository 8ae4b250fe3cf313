"""Making user text safe to put in a spreadsheet or document: no live formulas, no XML-illegal characters."""

import re

# What XML 1.0 cannot hold (C0 controls but tab and line breaks, non-characters, lone surrogates):
# openpyxl and python-docx refuse the whole file for one of these.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value):
    """Text with every character XML cannot hold removed: the second line of defence behind
    `config.patient_data` (which refuses control characters when text is typed or imported),
    for text stored before that check or arriving some other way."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    return value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value):
    """Return a value that a spreadsheet will show as text, never run as a formula.

    Text beginning with a formula trigger gets a leading apostrophe (OWASP CSV injection advice).
    Numbers, dates and None pass through unchanged.
    """
    if not isinstance(value, str):
        return value
    if not value.isprintable():  # printable text holds nothing XML cannot (the usual case: no regex)
        value = _XML_ILLEGAL.sub("", value)
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


# The same rule in SQL, for CSV that PostgreSQL writes itself (`COPY … TO STDOUT`, api/csv_copy.py).
# Built from the constants above so the two cannot drift; tests/config/test_exports_sql.py feeds
# the same hostile text through both. PostgreSQL text holds neither NUL nor a lone surrogate, so
# these are all of _XML_ILLEGAL's characters a database value can contain. An E'' literal, so
# the regular expression gets its \uXXXX escapes whatever standard_conforming_strings says.
_XML_ILLEGAL_SQL = "E'[{}]'".format(
    "".join(
        f"\\\\u{code:04x}" for code in [*range(0x01, 0x20), 0xFFFE, 0xFFFF] if _XML_ILLEGAL.match(chr(code))
    )
)
_FORMULA_CODES = ", ".join(str(ord(c)) for c in _FORMULA_STARTS)


def safe_cell_sql(expression):
    """SQL for `safe_cell(<expression>)` on a text column: XML-illegal characters removed, then an
    apostrophe before a formula trigger. The usual value (none of those characters) costs one
    regular-expression test and one comparison of its first character's code."""
    cleaned = f"regexp_replace({expression}, {_XML_ILLEGAL_SQL}, '', 'g')"
    return (
        f"CASE WHEN {expression} ~ {_XML_ILLEGAL_SQL} "
        f"THEN CASE WHEN ascii({cleaned}) IN ({_FORMULA_CODES}) THEN '''' ELSE '' END || {cleaned} "
        f"WHEN ascii({expression}) IN ({_FORMULA_CODES}) THEN '''' || {expression} "
        f"ELSE {expression} END"
    )


def safe_row(values):
    return [safe_cell(v) for v in values]


def pdf_footer(text):
    """A reportlab page callback (onFirstPage/onLaterPages) writing `text` and the page number in
    the bottom margin of every page: "Generated on 3 December 2026 at 9:50am · Page 2"."""

    def draw(canvas, document):
        from reportlab.lib.units import mm

        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(document.leftMargin, 8 * mm, f"{text} · Page {document.page}")
        canvas.restoreState()

    return draw


def docx_footer(document, text):
    """`text` in the footer of every section of a python-docx document."""
    for section in document.sections:
        section.footer.paragraphs[0].text = xml_safe(text)
