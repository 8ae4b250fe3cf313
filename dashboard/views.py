"""The citywide dashboard and the gap list: read-only, composed from the apps' selectors."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from actionplan import charts as report_charts
from actionplan.gap_report_selectors import latest_gap_report_week
from config.rendering import render_page
from dashboard import presenters, selectors
from dashboard.forms import FilterForm, GapFilterForm
from dashboard.needs import project_manager_needs
from dashboard.search import MIN_QUERY_LENGTH, search_everything
from organisations.access import may, requires
from organisations.permissions import Permission


def _filters(form, cls=selectors.Filters):
    return cls(**form.filter_values())


@requires(Permission.VIEW_DASHBOARD)
def index(request):
    form = FilterForm(request.GET or None, options=selectors.filter_options())
    filters = _filters(form)
    figures = selectors.dashboard_figures(filters)
    headlines, hours, trend = figures["headlines"], figures["hours"], figures["trend"]
    trend_table = report_charts.trend_table(trend)
    sector_table = report_charts.sector_table(hours)
    rule_table = report_charts.rule_table(headlines)
    # Every chart's address in one query (each drawn the first time its numbers are shown).
    wanted = [("hours_by_sector", sector_table, ""), ("hours_by_sector", sector_table, "phone")]
    if trend:
        wanted += [("trend", trend_table, ""), ("trend", trend_table, "phone")]
    sector_src, sector_phone, *trend_srcs = report_charts.chart_urls(wanted)
    charts = {
        "trend": {"name": "trend", "table": trend_table, "src": trend_srcs[0], "phone_src": trend_srcs[1]}
        if trend
        else None,
        "hours_by_sector": {
            "name": "hours_by_sector",
            "table": sector_table,
            "src": sector_src,
            "phone_src": sector_phone,
        },
    }
    latest_week = latest_gap_report_week()
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    query = urlencode(kept)
    recent_weeks, all_weeks = presenters.trend_weeks(trend_table)
    return render_page(
        request,
        "dashboard/index.jinja",
        {
            "page_title": "Citywide dashboard",
            "form": form,
            "filters": filters,
            "headlines": headlines,
            "cards": presenters.figure_cards(
                headlines=headlines, trend=trend, filters=filters, query=kept, today=timezone.localdate()
            ),
            "recent_weeks": recent_weeks,
            "all_weeks": all_weeks,
            # Filters that no home satisfies (a PCN outside the locality chosen): say so, never "0.0%".
            "no_homes_match": filters.narrows_homes and not headlines.get("care_homes"),
            "rag_rows": [
                [name.capitalize(), str(headlines["rag"].get(name, 0))] for name in ("red", "amber", "green")
            ],
            "rule_table": rule_table,
            "charts": charts,
            "organisation_table": report_charts.organisation_table(hours, limit=selectors.ORGANISATION_ROWS),
            "latest_week": latest_week,
            "gaps_url": reverse("dashboard:gaps") + (f"?{query}" if query else ""),
            "discharges": selectors.discharge_section(),
        },
        block="figures",
    )


def fix_link(gap):
    """Where a gap is fixed: assign a lead, log a visit, or the PCN's page (or, for a gap about
    neither a home nor a PCN, such as a trust that stopped referring, that organisation's page)."""
    code = gap.rule.code
    if code == "pcn_no_hours":
        return reverse("organisations:detail", args=[gap.pcn_id])
    if gap.care_home_id is None:
        return reverse("organisations:detail", args=[gap.organisation_ids[0]])
    if code in ("no_recent_visit", "outbreak_not_visited"):
        return reverse("carehomes:visit_create") + "?" + urlencode({"care_home": gap.care_home_id})
    return reverse("carehomes:detail", args=[gap.care_home_id])


@requires(Permission.VIEW_GAPS)
def gap_list(request):
    form = GapFilterForm(request.GET or None, options=selectors.filter_options())
    filters = _filters(form)
    # The project manager's "what needs you now" counts the gaps new since last week's report,
    # citywide: read with this page's gaps when the list is not filtered.
    wants_needs = may(request.user, Permission.ACCEPT_SUPPORTOFFER) and not request.htmx
    citywide = filters == selectors.Filters()
    result = selectors.cached_gap_page(
        filters, page=request.GET.get("page"), new_since_report=wants_needs and citywide
    )
    page = Page(result.gaps, result.number, Paginator(range(result.total), settings.HUB["PAGE_SIZE"]))
    for gap in page.object_list:
        gap.fix_url = fix_link(gap)
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}

    def page_url(number):
        return "?" + urlencode(kept | {"page": number})

    needs = None
    if wants_needs:
        new_gaps = result.new_gaps if citywide else selectors.new_gaps_since_report(selectors.Filters())
        needs = project_manager_needs(new_gaps=new_gaps)
    return render_page(
        request,
        "dashboard/gaps.jinja",
        {
            "page_title": "Gaps in support",
            "needs": needs,
            "can_fill_gaps": may(request.user, Permission.ADD_ASSIGNMENT),
            "form": form,
            "page": page,
            "page_url": page_url,
            "total": result.total,
            "counts": presenters.gap_counts(result.counts),
        },
        block="results",
    )


@require_GET
@requires(Permission.VIEW_ORGANISATION)
def search(request):
    """Search from the header, across whatever the person may see."""
    query = request.GET.get("q", "").strip()
    groups = search_everything(user=request.user, query=query)
    return render_page(
        request,
        "dashboard/search.jinja",
        {
            "page_title": f"Search results for “{query}”" if query else "Search",
            "query": query,
            "groups": groups,
            "too_short": 0 < len(query) < MIN_QUERY_LENGTH,
            "found": sum(len(g.results) for g in groups),
        },
    )
