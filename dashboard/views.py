"""The citywide dashboard for the SLT: read-only, composed from the apps' selectors."""

from config.placeholders import placeholder
from organisations.access import requires


@requires("dashboard.view_dashboard")
def index(request):
    return placeholder(
        request,
        "Citywide dashboard",
        "Care-home pharmacy support across the city at a glance.",
        [
            "headline figures: homes with a named lead, visited in 28 days, in outbreak",
            "week-on-week trends from the weekly reports",
            "hours by organisation and sector",
            "drill-down by locality, PCN and organisation",
        ],
    )


@requires("dashboard.view_gaps")
def gap_list(request):
    return placeholder(
        request,
        "Gaps in support",
        "Every current gap in care-home pharmacy support, worst first.",
        [
            "each gap's rule, severity and plain-English reason",
            "filters by rule, locality, PCN and organisation",
            "a link to where each gap is fixed",
        ],
    )
