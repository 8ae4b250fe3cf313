"""The weekly gap report as PDF, Word and Excel, for the Silver Command command pack.

The page, the PDF and the Word document show the same charts (`actionplan.charts`) and each
chart's numbers as a table, so the figures can be read by a screen reader and copied into papers.
Everything here works from a report's frozen `data`, never from live tables.
"""

import io

from actionplan.charts import chart_png, chart_tables, organisation_table
from actionplan.exports import pdf_table_style, rag_pdf_paragraph, shade_rag_cell
from actionplan.paper_rows import RAG_HEX, RAG_TEXT_HEX
from actionplan.report_presenters import (
    change_rows,
    changes_summary,
    gap_rows,
    headline_columns,
    headline_rows,
    intro_lines,
    rag_rows,
)
from actionplan.report_terms import week_title
from config.dates import generated_on
from config.exports import docx_footer, pdf_footer, safe_cell, xml_safe

# ---------------------------------------------------------------------------------------------
# PDF


def report_pdf(report, previous=None) -> bytes:
    """The report as an A4 PDF; `previous` (`previous_report_headlines`) adds each headline
    figure's change."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table

    data = report.data
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Weekly gap report: {week_title(report.week)}",
        author="Care Home Pharmacy Hub",
    )
    width = A4[0] - 30 * mm

    def table(columns, rows, widths=None, style=body, rag_column=None):
        cells = [[Paragraph(f"<b>{c}</b>", style) for c in columns]]
        cells += [
            [
                rag_pdf_paragraph(v, style) if i == rag_column else Paragraph(_escape(v), style)
                for i, v in enumerate(row)
            ]
            for row in rows
        ] or [[Paragraph("None", style)] + [""] * (len(columns) - 1)]
        t = Table(cells, colWidths=widths, repeatRows=1)
        t.setStyle(pdf_table_style(rows, rag_column, grid=(0.25, "#aeb7bd"), head="#e8edee"))
        return t

    def chart(name, chart_table):
        png = chart_png(name, chart_table)
        image = Image(io.BytesIO(png))
        ratio = width / image.drawWidth
        image.drawWidth, image.drawHeight = width, image.drawHeight * ratio
        return image

    tables = chart_tables(data)
    story = [
        Paragraph("Weekly gap report", styles["Title"]),
        Paragraph(week_title(report.week), styles["Heading2"]),
        *(Paragraph(_escape(line), body) for line in intro_lines(report)),
        Paragraph("What changed since last week", styles["Heading2"]),
        Paragraph(_escape(changes_summary(data)), body),
        Paragraph("Gaps opened", styles["Heading3"]),
        table(["Rule", "Care home or PCN"], change_rows(data, "opened")),
        Paragraph("Gaps closed", styles["Heading3"]),
        table(["Rule", "Care home or PCN"], change_rows(data, "closed")),
        Paragraph("Headline figures", styles["Heading2"]),
        table(
            headline_columns(report.week, previous),
            headline_rows(data, previous),
            [width * 0.5, width * 0.15, width * 0.35] if previous else [width * 0.7, width * 0.3],
        ),
        Paragraph("Action plan RAG (open actions)", styles["Heading3"]),
        table(["RAG", "Actions"], rag_rows(data), [width * 0.7, width * 0.3], rag_column=0),
        Paragraph("Week on week", styles["Heading2"]),
        chart("trend", tables["trend"]),
        table(tables["trend"]["columns"], tables["trend"]["rows"]),
        Paragraph("Hours by sector", styles["Heading2"]),
        chart("hours_by_sector", tables["hours_by_sector"]),
        table(tables["hours_by_sector"]["columns"], tables["hours_by_sector"]["rows"]),
        Paragraph("Hours by organisation", styles["Heading2"]),
        table(
            organisation_table(data.get("hours", {}))["columns"],
            organisation_table(data.get("hours", {}))["rows"],
        ),
        Paragraph("Discharges", styles["Heading2"]),
        table(["Figure", "Value"], discharge_rows(data), [width * 0.7, width * 0.3]),
        Paragraph(f"Every gap ({len(data.get('gaps', []))})", styles["Heading2"]),
        chart("gaps_by_rule", tables["gaps_by_rule"]),
        table(tables["gaps_by_rule"]["columns"], tables["gaps_by_rule"]["rows"]),
        Spacer(1, 4 * mm),
        table(
            ["Severity", "Rule", "Care home or PCN", "Reason"],
            gap_rows(data),
            [width * 0.1, width * 0.2, width * 0.2, width * 0.5],
            style=small,
        ),
    ]
    footer = pdf_footer(generated_on(report.generated_at))
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def discharge_rows(data):
    """The report's discharge follow-up section (reports made before it existed have none)."""
    return data.get("discharges") or [["No discharge figures in this report", ""]]


def _escape(value):
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------
# Word


def report_docx(report, previous=None) -> bytes:
    """The report as an A4 Word document; `previous` adds each headline figure's change."""
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    data = report.data
    document = Document()
    document.core_properties.title = f"Weekly gap report: {week_title(report.week)}"
    document.styles["Normal"].font.size = Pt(10)
    section = document.sections[0]
    # A4, like the PDF (python-docx's template is US Letter).
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(1.8)
    width = section.page_width - section.left_margin - section.right_margin

    def table(columns, rows, rag_column=None):
        t = document.add_table(rows=1, cols=len(columns))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, columns, strict=True):
            cell.text = xml_safe(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for index, (cell, text) in enumerate(zip(t.add_row().cells, row, strict=True)):
                cell.text = xml_safe(str(text))
                if index == rag_column:
                    shade_rag_cell(cell, str(text).lower())
        if not rows:
            t.add_row().cells[0].text = "None"
        document.add_paragraph()
        return t

    def chart(name, chart_table):
        document.add_picture(io.BytesIO(chart_png(name, chart_table)), width=width)
        # Alt text for screen readers: what the chart shows; the same figures follow in a table.
        alt = f"Chart: {chart_table.get('caption') or name.replace('_', ' ')}. The figures are in the table below."
        document.inline_shapes[-1]._inline.docPr.set("descr", xml_safe(alt))

    tables = chart_tables(data)
    document.add_heading("Weekly gap report", level=0)
    document.add_paragraph(week_title(report.week))
    for line in intro_lines(report):
        document.add_paragraph(xml_safe(line))
    document.add_heading("What changed since last week", level=1)
    document.add_paragraph(xml_safe(changes_summary(data)))
    for kind, heading in (("opened", "Gaps opened"), ("closed", "Gaps closed")):
        document.add_heading(heading, level=2)
        rows = change_rows(data, kind)
        for rule, subject in rows:
            document.add_paragraph(xml_safe(f"{subject}: {rule}"), style="List Bullet")
        if not rows:
            document.add_paragraph("None.")
    document.add_heading("Headline figures", level=1)
    table(headline_columns(report.week, previous), headline_rows(data, previous))
    document.add_heading("Action plan RAG (open actions)", level=2)
    table(["RAG", "Actions"], rag_rows(data), rag_column=0)
    document.add_heading("Week on week", level=1)
    chart("trend", tables["trend"])
    table(tables["trend"]["columns"], tables["trend"]["rows"])
    document.add_heading("Hours by sector", level=1)
    chart("hours_by_sector", tables["hours_by_sector"])
    table(tables["hours_by_sector"]["columns"], tables["hours_by_sector"]["rows"])
    document.add_heading("Hours by organisation", level=1)
    organisations = organisation_table(data.get("hours", {}))
    table(organisations["columns"], organisations["rows"])
    document.add_heading("Discharges", level=1)
    table(["Figure", "Value"], discharge_rows(data))
    document.add_heading(f"Every gap ({len(data.get('gaps', []))})", level=1)
    chart("gaps_by_rule", tables["gaps_by_rule"])
    table(tables["gaps_by_rule"]["columns"], tables["gaps_by_rule"]["rows"])
    for severity, rule, subject, reason in gap_rows(data):
        document.add_paragraph(xml_safe(f"{severity} – {rule} – {subject}: {reason}"), style="List Bullet")
    docx_footer(document, generated_on(report.generated_at))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Excel


def report_xlsx(report, previous=None) -> bytes:
    """The report's figures as a workbook, a sheet a table: headline figures (with their change)
    and RAG, what changed, the trend, hours, discharges and every gap. Text passes `safe_cell`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    data = report.data
    bold = Font(bold=True)
    workbook = Workbook()

    def sheet(title, heading, blocks):
        ws = workbook.active if workbook.active.title == "Sheet" else workbook.create_sheet()
        ws.title = title
        ws.append([safe_cell(heading)])
        ws["A1"].font = Font(bold=True, size=14)
        for caption, columns, rows, rag_column in blocks:
            ws.append([])
            ws.append([safe_cell(caption)])
            ws.cell(row=ws.max_row, column=1).font = bold
            ws.append([safe_cell(c) for c in columns])
            for cell in ws[ws.max_row]:
                cell.font = bold
            for row in rows or [["None"]]:
                ws.append([safe_cell(v) for v in row])
                if rag_column is not None:
                    cell = ws.cell(row=ws.max_row, column=rag_column + 1)
                    rag = str(cell.value).lower()
                    if rag in RAG_HEX:
                        cell.fill = PatternFill("solid", fgColor=RAG_HEX[rag])
                        cell.font = Font(bold=True, color=RAG_TEXT_HEX[rag])
        ws.column_dimensions["A"].width = 60
        for letter in "BCD":
            ws.column_dimensions[letter].width = 24

    tables = chart_tables(data)
    title = f"Weekly gap report: {week_title(report.week)}"
    sheet(
        "Headline figures",
        title,
        [
            (
                "Headline figures",
                headline_columns(report.week, previous),
                headline_rows(data, previous),
                None,
            ),
            ("Action plan RAG (open actions)", ["RAG", "Actions"], rag_rows(data), 0),
        ],
    )
    sheet(
        "What changed",
        changes_summary(data),
        [
            ("Gaps opened", ["Rule", "Care home or PCN"], change_rows(data, "opened"), None),
            ("Gaps closed", ["Rule", "Care home or PCN"], change_rows(data, "closed"), None),
        ],
    )
    hours = organisation_table(data.get("hours", {}))
    sheet(
        "Trend and hours",
        title,
        [
            (t["caption"], t["columns"], t["rows"], None)
            for t in (tables["trend"], tables["hours_by_sector"], hours)
        ],
    )
    sheet("Discharges", title, [("Discharge follow-ups", ["Figure", "Value"], discharge_rows(data), None)])
    sheet(
        "Every gap",
        title,
        [
            (
                "Gaps as they stood, worst first",
                ["Severity", "Rule", "Care home or PCN", "Reason"],
                gap_rows(data),
                None,
            )
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
