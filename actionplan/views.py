"""The Silver Command action plan, its exports, and the weekly gap reports."""

from config.placeholders import placeholder
from organisations.access import requires


@requires("actionplan.view_action")
def action_plan(request):
    return placeholder(
        request,
        "Silver Command action plan",
        "The citywide care-home action plan, by section; pharmacy support is one section.",
        [
            "each action's reference, owner, due date, RAG and latest update",
            "filters and overdue actions",
            "dated updates and history",
        ],
    )


@requires("actionplan.export_action_plan")
def action_plan_export(request):
    return placeholder(
        request,
        "Export a section",
        "A paper for the Silver Command meeting pack.",
        ["a section for a meeting as Word, PDF, Excel or CSV"],
    )
