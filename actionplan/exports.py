"""A section's paper for the Silver Command meeting pack: Word, PDF, Excel and CSV.

Each writer takes a `selectors.Paper` and returns bytes. The content is the same in each (see
`actionplan.paper_rows`): title, meeting date, the section's actions with RAG colours, updates and
closures since the last meeting, overdue actions and the latest weekly gap report's headline
figures. In Excel and CSV every piece of text passes through `safe_cell`, so nothing anyone typed
becomes a live formula.
"""

import csv
import io
from xml.sax.saxutils import escape

from actionplan.paper_rows import (
    ACTION_COLUMNS,
    CONTENT_TYPES,
    RAG_HEX,
    RAG_TEXT_HEX,
    action_rows,
    date_text,
    file_name,
    meeting_line,
    paper_sections,
)
from config.dates import generated_on
from config.exports import docx_footer, pdf_footer, safe_cell, xml_safe

# --- Word ----------------------------------------------------------------------------------------


def shade_rag_cell(cell, rag):
    """A Word table cell in its RAG colour, its text bold in the colour that reads on it (4.5:1)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    colour = RAG_HEX.get(rag)
    if not colour:
        return
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.bold = True
            run.font.color.rgb = RGBColor.from_string(RAG_TEXT_HEX[rag])


def _docx_table(document, columns, rows, rag_column=None):
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.text = xml_safe(heading)
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = xml_safe(str(value))
            if index == rag_column:
                shade_rag_cell(cell, str(value).lower())
    return table


def to_docx(paper):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = page.page_height, page.page_width
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)

    document.add_heading(xml_safe(paper.title), level=0)
    document.add_paragraph(xml_safe(meeting_line(paper)))
    document.add_paragraph(
        f"Prepared {date_text(paper.today)}. {len(paper.actions)} actions in this section."
    )

    document.add_heading("Actions", level=1)
    if paper.actions:
        _docx_table(document, ACTION_COLUMNS, action_rows(paper), rag_column=5)
    else:
        document.add_paragraph("No actions in this section yet.")

    for heading, intro, columns, rows, rag_column in paper_sections(paper):
        document.add_heading(heading, level=1)
        if intro:
            document.add_paragraph(xml_safe(intro))
        if rows:
            _docx_table(document, columns, rows, rag_column)
        elif heading != "Latest weekly gap report":
            document.add_paragraph("None.")

    docx_footer(document, generated_on())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------


def rag_pdf_paragraph(value, style):
    """A RAG label for a PDF table cell whose background is its RAG colour: bold, in the text
    colour that reads on that background (4.5:1); any other value as plain text."""
    from reportlab.platypus import Paragraph

    rag = str(value).lower()
    if rag not in RAG_HEX:
        return Paragraph(escape(str(value)), style)
    return Paragraph(f'<font color="#{RAG_TEXT_HEX[rag]}"><b>{escape(str(value))}</b></font>', style)


def pdf_table_style(rows, rag_column, *, grid, head):
    """A PDF table's style: its `grid` (line width, colour), the heading row shaded `head`, cells
    aligned to the top, and each RAG cell of `rag_column` in its RAG colour."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    line_width, line_colour = grid
    commands = [
        ("GRID", (0, 0), (-1, -1), line_width, colors.HexColor(line_colour)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(head)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if rag_column is not None:
        for index, row in enumerate(rows, start=1):
            colour = RAG_HEX.get(str(row[rag_column]).lower())
            if colour:
                cell = (rag_column, index)
                commands.append(("BACKGROUND", cell, cell, colors.HexColor(f"#{colour}")))
    return TableStyle(commands)


def to_pdf(paper):
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    cell_style = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    head_style = cell_style.clone("cellhead", fontName="Helvetica-Bold")

    def para(text, style=cell_style):
        return Paragraph(escape(str(text)), style)

    def table(columns, rows, rag_column=None, widths=None):
        data = [[para(c, head_style) for c in columns]] + [
            [rag_pdf_paragraph(v, cell_style) if i == rag_column else para(v) for i, v in enumerate(row)]
            for row in rows
        ]
        result = Table(data, colWidths=widths, repeatRows=1)
        result.setStyle(pdf_table_style(rows, rag_column, grid=(0.5, "#768692"), head="#E8EDEE"))
        return result

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=paper.title,
    )
    width = doc.width
    story = [
        Paragraph(escape(paper.title), styles["Title"]),
        Paragraph(escape(meeting_line(paper)), styles["Heading3"]),
        Paragraph(
            escape(f"Prepared {date_text(paper.today)}. {len(paper.actions)} actions in this section."),
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Actions", styles["Heading2"]),
    ]
    if paper.actions:
        fractions = [0.06, 0.28, 0.1, 0.12, 0.08, 0.06, 0.1, 0.2]
        story.append(table(ACTION_COLUMNS, action_rows(paper), 5, [width * f for f in fractions]))
    else:
        story.append(Paragraph("No actions in this section yet.", styles["Normal"]))
    part_widths = {
        "Updates since the last meeting": [0.07, 0.1, 0.13, 0.08, 0.62],
        "Closed since the last meeting": [0.07, 0.55, 0.25, 0.13],
        "Overdue": [0.07, 0.38, 0.13, 0.18, 0.1, 0.08, 0.06],
        "Latest weekly gap report": [0.4, 0.3],
    }
    for heading, intro, columns, rows, rag_column in paper_sections(paper):
        story += [Spacer(1, 4 * mm), Paragraph(escape(heading), styles["Heading2"])]
        if intro:
            story.append(Paragraph(escape(intro), styles["Normal"]))
        if rows:
            widths = [width * f for f in part_widths[heading]]
            story += [Spacer(1, 2 * mm), table(columns, rows, rag_column, widths)]
        elif heading != "Latest weekly gap report":
            story.append(Paragraph("None.", styles["Normal"]))
    footer = pdf_footer(generated_on())
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# --- Excel ---------------------------------------------------------------------------------------


def to_xlsx(paper):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)

    def write_table(sheet, start_row, columns, rows, rag_column=None):
        for col, heading in enumerate(columns, start=1):
            sheet.cell(row=start_row, column=col, value=heading).font = bold
        for r, row in enumerate(rows, start=start_row + 1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=safe_cell(value))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if c - 1 == rag_column and str(value).lower() in RAG_HEX:
                    rag = str(value).lower()
                    cell.fill = PatternFill("solid", fgColor=RAG_HEX[rag])
                    cell.font = Font(bold=True, color=RAG_TEXT_HEX[rag])
        return start_row + len(rows) + 1

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet["A1"] = safe_cell(paper.title)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = safe_cell(meeting_line(paper))
    sheet["A3"] = f"Prepared {date_text(paper.today)}"
    write_table(sheet, 5, ACTION_COLUMNS, action_rows(paper), rag_column=5)
    for letter, width in zip("ABCDEFGH", (8, 50, 20, 25, 12, 8, 16, 50), strict=True):
        sheet.column_dimensions[letter].width = width

    titles = {
        "Updates since the last meeting": "Updates since last meeting",
        "Closed since the last meeting": "Closed since last meeting",
        "Overdue": "Overdue",
        "Latest weekly gap report": "Gap report headlines",
    }
    for heading, intro, columns, rows, rag_column in paper_sections(paper):
        part = workbook.create_sheet(titles[heading])
        part["A1"] = heading
        part["A1"].font = Font(bold=True, size=12)
        part["A2"] = safe_cell(intro)
        write_table(part, 4, columns, rows, rag_column)
        part.column_dimensions["B"].width = 40
        part.column_dimensions["E"].width = 50

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- CSV -----------------------------------------------------------------------------------------


def to_csv(paper):
    """The section's actions as one table, with whether each was updated, closed or is overdue
    since the last meeting and the updates' text, for people who build their own pack."""
    updates = {}
    for update in paper.updates_since:
        updates.setdefault(update.action_id, []).append(f"{date_text(update.written_on)}: {update.text}")
    closed = {a.pk for a in paper.closed_since}
    overdue = {a.pk for a in paper.overdue}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Section",
            "Meeting",
            *ACTION_COLUMNS,
            "Overdue",
            "Closed since last meeting",
            "Updates since last meeting",
        ]
    )
    for action, row in zip(paper.actions, action_rows(paper), strict=True):
        values = [
            paper.section.name,
            paper.meeting.held_on.isoformat(),
            *row,
            "yes" if action.pk in overdue else "no",
            "yes" if action.pk in closed else "no",
            " | ".join(updates.get(action.pk, [])),
        ]
        writer.writerow([safe_cell(v) for v in values])
    # A byte-order mark so Excel opens the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


WRITERS = {"docx": to_docx, "pdf": to_pdf, "xlsx": to_xlsx, "csv": to_csv}


def render(paper, fmt):
    """(bytes, content type, file name) for the paper in `fmt` (one of WRITERS)."""
    return WRITERS[fmt](paper), CONTENT_TYPES[fmt], file_name(paper, fmt)
