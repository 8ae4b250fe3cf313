"""The weekly gap report as charts, PDF and Word, for the Silver Command command pack.

The page, the PDF and the Word document show the same charts (matplotlib, rendered to PNG) and
each chart's numbers as a table, so the figures can be read by a screen reader and copied into
papers. Everything here works from a report's frozen `data`, never from live tables.
"""

import base64
import functools
import hashlib
import io
import json

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from actionplan.exports import rag_pdf_paragraph, shade_rag_cell  # noqa: E402
from actionplan.paper_rows import RAG_HEX, RAG_TEXT_HEX  # noqa: E402
from actionplan.report_presenters import (  # noqa: E402
    change_rows,
    changes_summary,
    figure_text,
    gap_rows,
    headline_columns,
    headline_rows,
    intro_lines,
    rag_rows,
)
from actionplan.report_terms import week_title  # noqa: E402
from config.dates import generated_on  # noqa: E402
from config.exports import docx_footer, pdf_footer, safe_cell, xml_safe  # noqa: E402

NHS_BLUE = "#005eb8"
NHS_DARK_BLUE = "#003087"
NHS_WARM_YELLOW = "#ffb81c"
NHS_GREY = "#425563"
RULE_NAMES = {
    "no_lead": "No named lead",
    "outbreak_not_visited": "Outbreak and no visit since it began",
    "no_recent_visit": "No recent visit",
    "lead_over_capacity": "Lead over capacity",
    "pcn_no_hours": "PCN has committed no hours",
}

plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})


# ---------------------------------------------------------------------------------------------
# The charts and their tables


def trend_table(points):
    """Columns and rows of the week-on-week trend (oldest first)."""
    return {
        "caption": "Week on week: % of care homes with a named lead and visited in the last 28 days",
        "columns": ["Week", "% with a named lead", "% visited in 28 days", "Gaps"],
        "rows": [
            [
                p["week"],
                figure_text(p.get("pct_with_lead")),
                figure_text(p.get("pct_visited_28d")),
                figure_text(p.get("gaps")),
            ]
            for p in points
        ],
    }


def sector_table(hours):
    return {
        "caption": "Hours a week available and assigned, by sector",
        "columns": ["Sector", "Hours available", "Hours assigned"],
        "rows": [
            [s["name"], figure_text(s["available"]), figure_text(s["assigned"])]
            for s in hours.get("by_sector", [])
        ],
    }


def organisation_table(hours, limit=None):
    """Hours by organisation; past `limit` rows, the rest are summed in one "other" row.

    Nothing is dropped from the totals: a region has hundreds of employers, and a page lists the
    largest by hours available with the others added up (the filters narrow to a locality or PCN).
    """
    organisations = list(hours.get("by_organisation", []))
    rows = [[o["name"], figure_text(o["available"]), figure_text(o["assigned"])] for o in organisations]
    if limit and len(organisations) > limit:
        largest = sorted(organisations, key=lambda o: (-(o["available"] or 0), o["name"]))
        shown, rest = largest[:limit], largest[limit:]
        rows = [[o["name"], figure_text(o["available"]), figure_text(o["assigned"])] for o in shown]
        rows.append(
            [
                f"{len(rest)} other organisations",
                figure_text(sum(o["available"] or 0 for o in rest)),
                figure_text(sum(o["assigned"] or 0 for o in rest)),
            ]
        )
    return {
        "caption": "Hours a week available and assigned, by organisation",
        "columns": ["Organisation", "Hours available", "Hours assigned"],
        "rows": rows,
    }


def rule_table(headlines):
    by_rule = headlines.get("gaps_by_rule", {})
    return {
        "caption": "Gaps by rule",
        "columns": ["Rule", "Gaps"],
        "rows": [[RULE_NAMES.get(code, code), figure_text(n)] for code, n in by_rule.items()],
    }


def chart_tables(data):
    """The charts of a report's data: name -> table (caption, columns, rows)."""
    return {
        "trend": trend_table(data.get("trend", [])),
        "hours_by_sector": sector_table(data.get("hours", {})),
        "gaps_by_rule": rule_table(data.get("headlines", {})),
    }


def _numbers(values):
    return [float(v) if v not in ("", None) else float("nan") for v in values]


def _draw_trend(ax, table, ticks=8):
    weeks = [r[0] for r in table["rows"]]
    ax.plot(
        weeks, _numbers(r[1] for r in table["rows"]), marker="o", color=NHS_BLUE, label="% with a named lead"
    )
    ax.plot(
        weeks,
        _numbers(r[2] for r in table["rows"]),
        marker="s",
        color=NHS_WARM_YELLOW,
        label="% visited in 28 days",
    )
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of care homes")
    ax.legend(loc="lower left", frameon=False)
    step = max(1, len(weeks) // ticks)
    ax.set_xticks(range(0, len(weeks), step), [w[2:] for w in weeks[::step]], rotation=30, ha="right")


def _draw_bars(ax, table, series_labels):
    names = [r[0] for r in table["rows"]]
    positions = range(len(names))
    width = 0.8 / len(series_labels)
    colours = [NHS_BLUE, NHS_WARM_YELLOW, NHS_GREY]
    for i, label in enumerate(series_labels):
        values = _numbers(r[i + 1] for r in table["rows"])
        ax.barh([p + i * width for p in positions], values, height=width, color=colours[i], label=label)
    ax.set_yticks([p + width * (len(series_labels) - 1) / 2 for p in positions], names)
    ax.invert_yaxis()
    if len(series_labels) > 1:
        ax.legend(loc="lower right", frameon=False)


# A phone's drawing: as wide as a 390 px screen's content at 110 dpi (352 px), so it is shown at
# its own size and its 9 pt text stays about 14 px high, not shrunk to half as the 770 px one is.
PHONE_WIDTH_INCHES = 3.2
VARIANTS = ("", "phone")


@functools.lru_cache(maxsize=128)
def _render(name, table_json, variant=""):
    table = json.loads(table_json)
    rows = max(len(table["rows"]), 1)
    phone = variant == "phone"
    if phone:
        width, height = PHONE_WIDTH_INCHES, 3.6 if name == "trend" else min(1.6 + 0.45 * rows, 9)
    else:
        width, height = 7, 3.2 if name == "trend" else min(1.2 + 0.35 * rows, 8)
    figure = Figure(figsize=(width, height), dpi=110)
    ax = figure.subplots()
    if name == "trend":
        _draw_trend(ax, table, ticks=4 if phone else 8)
    elif name == "hours_by_sector":
        _draw_bars(ax, table, ["Available", "Assigned"])
        ax.set_xlabel("Hours a week")
    else:
        _draw_bars(ax, table, ["Gaps"])
        ax.set_xlabel("Number of gaps")
    if phone:
        # The caption is the page's (alt text and table caption); the legend goes under the chart.
        handles, labels = ax.get_legend_handles_labels()
        if ax.get_legend():
            ax.get_legend().remove()
        if len(labels) > 1:
            figure.legend(handles, labels, loc="lower center", ncols=1, frameon=False)
            figure.tight_layout(rect=(0, 0.08 * len(labels), 1, 1))
        else:
            figure.tight_layout()
    else:
        ax.set_title(table["caption"], fontsize=10, loc="left")
        figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def chart_png(name, table, variant=""):
    """A chart as PNG bytes, drawn from its table (cached: the same numbers draw the same chart)."""
    return _render(name, json.dumps(table, sort_keys=True), variant)


def chart_data_uri(name, table):
    return "data:image/png;base64," + base64.b64encode(chart_png(name, table)).decode("ascii")


def chart_url(name, table, variant=""):
    """The address of a chart as a file, named by the hash of what it shows; drawn and stored
    the first time those numbers are shown (one query a chart after that). `variant="phone"` is
    the narrower drawing with larger text a phone shows instead."""
    from django.urls import reverse

    from actionplan.models import ChartImage

    if variant not in VARIANTS:
        raise ValueError(f"unknown chart variant {variant!r}")
    table_json = json.dumps(table, sort_keys=True)
    key = f"{name}:{variant}" if variant else name
    digest = hashlib.sha256(f"{key}\n{table_json}".encode()).hexdigest()[:40]
    if not ChartImage.objects.filter(digest=digest).exists():
        ChartImage.objects.get_or_create(digest=digest, defaults={"png": _render(name, table_json, variant)})
    return reverse("actionplan:chart", args=[digest])


# ---------------------------------------------------------------------------------------------
# PDF


def report_pdf(report, previous=None) -> bytes:
    """The report as an A4 PDF; `previous` (`previous_report_headlines`) adds each headline
    figure's change."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
        title=f"Weekly gap report {report.week}",
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
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#aeb7bd")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if rag_column is not None:
            for index, row in enumerate(rows, start=1):
                colour = RAG_HEX.get(str(row[rag_column]).lower())
                if colour:
                    cell = (rag_column, index)
                    commands.append(("BACKGROUND", cell, cell, colors.HexColor(f"#{colour}")))
        t = Table(cells, colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle(commands))
        return t

    def chart(name, chart_table):
        png = chart_png(name, chart_table)
        image = Image(io.BytesIO(png))
        ratio = width / image.drawWidth
        image.drawWidth, image.drawHeight = width, image.drawHeight * ratio
        return image

    tables = chart_tables(data)
    story = [
        Paragraph(f"Weekly gap report {report.week}", styles["Title"]),
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
    document.core_properties.title = f"Weekly gap report {report.week}"
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
    document.add_heading(f"Weekly gap report {report.week}", level=0)
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
