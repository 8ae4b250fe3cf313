"""The weekly gap reports: list, one week, its PDF and Word documents, and the generate button."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplan import charts as report_charts
from actionplan import gap_report_selectors, report_documents, report_presenters, selectors
from actionplan.report_terms import HEADLINE_LABELS, parse_week, previous_week, week_title
from config.rendering import render_page
from organisations.access import may, requires
from organisations.permissions import Permission

IMMUTABLE = "private, max-age=31536000, immutable"


class GenerateReportForm(forms.Form):
    week = forms.CharField(
        label="ISO week",
        required=False,
        max_length=8,
        help_text="For example 2026-W48. Leave empty for the week just ended.",
    )
    regenerate = forms.BooleanField(
        label="Make a new version even if the week has a report (the earlier version is kept)",
        required=False,
    )

    def clean_week(self):
        week = (self.cleaned_data.get("week") or "").strip().upper() or previous_week()
        try:
            parse_week(week)
        except ValidationError as error:
            raise ValidationError(error.message_dict["week"]) from None
        return week


class ReportVersionForm(forms.Form):
    """`?version=` on a report's page: an earlier version of the week's report."""

    version = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def version_or_none(self):
        """The version asked for; None (the current one) when none is, or junk is."""
        return self.cleaned_data["version"] if self.is_valid() else None


def _report_or_404(week, version=None):
    report = gap_report_selectors.gap_report_for_week(week, version)
    if report is None:
        raise Http404("There is no report for that week.")
    return report


def _page_url(number):
    return f"?page={number}"


def _list_page(request, *, page_number, form, status=200):
    return render_page(
        request,
        "actionplan/reports/list.jinja",
        {
            "page_title": "Weekly gap reports",
            "page": Paginator(gap_report_selectors.gap_report_list(), 26).get_page(page_number),
            "form": form,
            "can_generate": form is not None,
            "page_url": _page_url,
        },
        status=status,
    )


@requires(Permission.VIEW_GAPREPORT)
def report_list(request):
    can_generate = may(request.user, Permission.ADD_GAPREPORT)
    form = GenerateReportForm(initial={"week": previous_week()}) if can_generate else None
    return _list_page(request, page_number=request.GET.get("page"), form=form)


@requires(Permission.VIEW_GAPREPORT)
def report_detail(request, week):
    report = _report_or_404(week, ReportVersionForm(request.GET).version_or_none())
    data = report.data
    tables = report_charts.chart_tables(data)
    charts = [
        {
            "name": name,
            "table": table,
            "src": report_charts.chart_url(name, table),
            "phone_src": report_charts.chart_url(name, table, variant="phone"),
        }
        for name, table in tables.items()
    ]
    versions = gap_report_selectors.gap_report_versions(week)
    previous = gap_report_selectors.previous_report_headlines(report.week)
    return render_page(
        request,
        "actionplan/reports/detail.jinja",
        {
            "page_title": f"Weekly gap report: {week_title(report.week)}",
            "report": report,
            "data": data,
            "week_title": week_title(report.week),
            "intro_lines": report_presenters.intro_lines(report),
            "headline_columns": report_presenters.headline_columns(report.week, previous),
            "headlines": report_presenters.headline_rows(data, previous),
            "rag_rows": report_presenters.rag_rows(data),
            "charts": charts,
            "organisation_table": report_charts.organisation_table(data.get("hours", {})),
            "changes_summary": report_presenters.changes_summary(data),
            "opened": report_presenters.change_rows(data, "opened"),
            "closed": report_presenters.change_rows(data, "closed"),
            "gaps": data.get("gaps", []),
            "versions": versions,
            "version_query": f"?version={report.version}" if not report.is_current else "",
            "labels": HEADLINE_LABELS,
        },
    )


DOCUMENTS = {
    "pdf": (report_documents.report_pdf, "application/pdf"),
    "docx": (
        report_documents.report_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        report_documents.report_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _report_download(request, week, extension):
    """The week's report (or the `?version=` asked for) as a document to save, named by week and
    version (`gap-report-2026-W48-v2.pdf`), compared with the report of the week before."""
    report = _report_or_404(week, ReportVersionForm(request.GET).version_or_none())
    suffix = f"-v{report.version}" if report.version > 1 else ""
    previous = gap_report_selectors.previous_report_headlines(report.week)
    write, content_type = DOCUMENTS[extension]
    response = HttpResponse(write(report, previous), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="gap-report-{week}{suffix}.{extension}"'
    return response


@requires(Permission.VIEW_GAPREPORT)
def report_pdf(request, week):
    return _report_download(request, week, "pdf")


@requires(Permission.VIEW_GAPREPORT)
def report_docx(request, week):
    return _report_download(request, week, "docx")


@requires(Permission.VIEW_GAPREPORT)
def report_xlsx(request, week):
    return _report_download(request, week, "xlsx")


@require_POST
@requires(Permission.ADD_GAPREPORT)
def report_generate(request):
    """Queue the report of a week on Celery (in-process when no broker is configured)."""
    from actionplan.tasks import generate_gap_report

    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        return _list_page(request, page_number=1, form=form, status=400)
    week, regenerate = form.cleaned_data["week"], form.cleaned_data["regenerate"]
    requested_at = timezone.now()
    kwargs = {
        "week": week,
        "regenerate": regenerate,
        "user_id": request.user.pk,
        "requested_at": requested_at.isoformat(),
    }
    existed = gap_report_selectors.gap_report_exists(week)
    if existed and not regenerate:
        messages.info(request, f"The report for {week} already exists. To make a new version, tick the box.")
        return redirect("actionplan:report_detail", week=week)
    transaction.on_commit(lambda: generate_gap_report.delay(**kwargs))
    if gap_report_selectors.gap_report_exists(week, made_since=requested_at):
        messages.info(
            request, f"The report for {week} is ready, and the SLT members have been emailed its PDF."
        )
        return redirect("actionplan:report_detail", week=week)
    messages.info(
        request,
        f"The report for {week} is being made. It appears here when it is ready, and the SLT members "
        "are emailed its PDF.",
    )
    return redirect("actionplan:report_list")


@requires(Permission.VIEW_GAPREPORT)
def chart(request, digest):
    """A chart file. Its address is the hash of its content, so it never changes: the one
    documented exception to `no-store` (config.security.PrivateNoStoreMiddleware)."""
    png = selectors.chart_png(digest)
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = IMMUTABLE
    return response
