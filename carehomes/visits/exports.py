"""Visits as CSV or Excel: the same columns, every text cell made safe for a spreadsheet."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from carehomes.models import Visit
from config.exports import safe_cell

COLUMNS = [
    "Date",
    "Care home",
    "CQC location ID",
    "Visited by",
    "How",
    "Activities",
    "Residents reviewed",
    *(f"Interventions: {name.lower()}" for name in Visit.INTERVENTIONS.values()),
    "Interventions total",
    "Issues escalated",
    "What was escalated",
    "Minutes spent",
    "Cover visit",
    "Notes",
]


def visit_row(visit):
    return [
        visit.visited_on,
        safe_cell(visit.care_home.name),
        safe_cell(visit.care_home.cqc_location_id),
        safe_cell(visit.staff.name),
        safe_cell(visit.get_mode_display()),
        safe_cell("; ".join(visit.activity_names)),
        visit.residents_reviewed,
        *(getattr(visit, f"interventions_{code}") for code in Visit.INTERVENTIONS),
        visit.interventions_total,
        visit.issues_escalated,
        safe_cell(visit.escalation_summary),
        visit.minutes_spent,
        "Yes" if visit.is_cover else "No",
        safe_cell(visit.notes),
    ]


def _filename(extension):
    return f"visits-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    def write(self, value):
        return value


def visits_csv(queryset):
    """Stream the visits as CSV, a chunk of rows at a time, so a large export needs little memory."""
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so Excel opens the file as UTF-8
        yield writer.writerow(COLUMNS)
        for visit in queryset.iterator(chunk_size=2000):
            yield writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in visit_row(visit)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def visits_xlsx(queryset):
    """The visits as an Excel workbook (write-only mode, so large exports stay small in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Visits")
    sheet.append(COLUMNS)
    for visit in queryset.iterator(chunk_size=2000):
        sheet.append(visit_row(visit))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
