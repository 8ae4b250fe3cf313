"""The per-trust monthly discharge report for the trust's board: PDF, Word and Excel.

It leaves the hub, so every count goes through `discharge.disclosure` (1-7 shown as "*", others
rounded to the nearest 5) and every percentage hides a small part or remainder. The estimated
impact is worked from the rounded count of completed follow-ups, and hidden with it.
"""

import calendar
import datetime
import io

from config.dates import generated_on
from config.exports import docx_footer, pdf_footer
from discharge.disclosure import HIDDEN, disclosed_count, disclosed_percentage, is_small
from discharge.figures import SOURCES, discharge_figures, estimated_impact

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NOTE = (
    "Counts from 1 to 7 are shown as * and other counts are rounded to the nearest 5 (NHS small-number "
    "rule), so totals may not add up. No patient-identifiable data is held by the hub."
)


def month_bounds(month: str):
    """'2026-11' -> (1 November 2026, 30 November 2026); ValueError for anything else."""
    year, number = (int(part) for part in month.split("-"))
    first = datetime.date(year, number, 1)
    return first, first.replace(day=calendar.monthrange(year, number)[1])


def _shown(value):
    return "–" if value is None else str(value)


def report_rows(*, trust, month):
    """(title, [(label, value), ...], impact lines) for one trust's month, suppressed."""
    first, last = month_bounds(month)
    f = discharge_figures(today=last, since=first, trust=trust)
    r = f["readmissions"]
    rows = [
        ("Referrals received", disclosed_count(f["referrals"])),
        ("Completed (all three stages)", disclosed_count(f["completed"])),
        ("Closed partly completed", disclosed_count(f["partial"])),
        *(
            (f"Partly completed: {reason.lower()}", disclosed_count(n))
            for reason, n in f["partial_by_reason"].items()
        ),
        ("% acknowledged within 1 working day", _shown(f["pct_acknowledged_1wd"])),
        ("% stage 1 within 72 opening hours", _shown(f["pct_stage1_72h"])),
        ("% completed within 14 days", _shown(f["pct_completed_14d"])),
        ("Sent to the wrong pharmacy (redirected)", disclosed_count(f["misrouted"])),
        ("Sent twice (merged duplicates)", disclosed_count(f["duplicates"])),
        ("Into care homes in outbreak", disclosed_count(f["into_outbreak"])),
        (
            "30-day readmission, completed follow-ups (%)",
            _shown(disclosed_percentage(r["complete_yes"], r["complete_answered"])),
        ),
        (
            "30-day readmission, not completed (%)",
            _shown(disclosed_percentage(r["other_yes"], r["other_answered"])),
        ),
    ]
    completed = disclosed_count(f["completed"])
    if completed == HIDDEN or is_small(f["readmitted_after_completed"]):
        impact = ["Estimated impact: not shown, because the numbers are too small to publish."]
    else:
        readmitted = disclosed_count(f["readmitted_after_completed"])
        i = estimated_impact(completed=completed, readmitted_after_completed=readmitted)
        impact = [
            f"Estimated readmissions avoided: {i.avoided_low:g} to {i.avoided:g} "
            f"({completed} completed follow-ups ÷ {i.per_avoided_low:g} to ÷ {i.per_avoided:g}).",
            f"Estimated bed days saved: {i.bed_days_low:g} to {i.bed_days:g} (avoided × {i.stay_days:g} days, "
            f"plus {readmitted} readmissions after a completed follow-up × {i.stay_saved_days:g} days).",
            f"Estimated cost of those bed days: £{i.cost_standard_low:,} to £{i.cost_standard:,} at "
            f"£{i.cost_standard_day} a standard bed day; £{i.cost_non_elective_low:,} to "
            f"£{i.cost_non_elective:,} at £{i.cost_non_elective_day} non-elective.",
            "Sources: " + SOURCES["impact"] + " " + SOURCES["cost"],
        ]
    title = f"Discharge follow-up for care-home residents: {trust.name}, {first:%B %Y}"
    return title, [(label, _shown(value)) for label, value in rows], impact


def file_name(trust, month, fmt):
    code = trust.ods_code or f"trust-{trust.pk}"
    return f"discharge-follow-up-{code}-{month}.{fmt}"


def report_pdf(*, trust, month) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    title, rows, impact = report_rows(trust=trust, month=month)
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title)
    table = Table([["Figure", "Value"], *rows], colWidths=[330, 120])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#005eb8")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ]
        )
    )
    story = [Paragraph(title, styles["Title"]), table, Spacer(1, 12)]
    story += [Paragraph(line, styles["BodyText"]) for line in impact]
    story += [Spacer(1, 12), Paragraph(NOTE, styles["Italic"])]
    footer = pdf_footer(generated_on())
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def report_docx(*, trust, month) -> bytes:
    from docx import Document

    title, rows, impact = report_rows(trust=trust, month=month)
    document = Document()
    document.add_heading(title, level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Figure", "Value"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for line in impact:
        document.add_paragraph(line)
    document.add_paragraph().add_run(NOTE).italic = True
    docx_footer(document, generated_on())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_xlsx(*, trust, month) -> bytes:
    from openpyxl import Workbook

    from config.exports import safe_row

    title, rows, impact = report_rows(trust=trust, month=month)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Discharge follow-up"
    sheet.append(safe_row([title]))
    sheet.append(["Figure", "Value"])
    for label, value in rows:
        sheet.append(safe_row([label, value]))
    sheet.append([])
    for line in [*impact, NOTE]:
        sheet.append(safe_row([line]))
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BUILDERS = {"pdf": report_pdf, "docx": report_docx, "xlsx": report_xlsx}
