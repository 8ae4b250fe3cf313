"""The Silver Command action plan, its exports, and the weekly gap reports."""

from django.http import Http404

from actionplan.models import GapReport
from config.placeholders import placeholder
from organisations.access import requires


@requires("actionplan.view_action")
def action_plan(request):
    return placeholder(
        request,
        "Silver Command action plan",
        "The citywide care-home action plan, by section; pharmacy support is one section.",
        ["each action's reference, owner, due date, RAG and latest update", "filters and overdue actions",
         "dated updates and history"],
    )


@requires("actionplan.export_action_plan")
def action_plan_export(request):
    return placeholder(
        request,
        "Export a section",
        "A paper for the Silver Command meeting pack.",
        ["a section for a meeting as Word, PDF, Excel or CSV"],
    )


@requires("actionplan.view_gapreport")
def report_list(request):
    return placeholder(
        request,
        "Weekly gap reports",
        "The weekly snapshot of every gap and headline figure, for the Silver Command meetings.",
        ["every week's report", "each as a page, PDF and Word document"],
    )


@requires("actionplan.view_gapreport")
def report_detail(request, week):
    report = GapReport.objects.filter(week=week, is_current=True).first()
    if report is None:
        raise Http404("No report for that week")
    return placeholder(request, str(report), "The frozen figures of the week.", ["gaps", "headline figures"])
