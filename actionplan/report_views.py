"""The weekly gap reports: list, one week, and its PDF and Word documents."""

from django.http import Http404

from actionplan.models import GapReport
from config.placeholders import placeholder
from organisations.access import requires


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
