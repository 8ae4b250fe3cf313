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
