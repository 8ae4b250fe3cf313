"""The weekly gap report's and the dashboard's charts: each chart's numbers as a table (for screen
readers and papers), and the chart drawn from that table with matplotlib as a PNG, served as a file
at an address named by what it shows. The report's PDF and Word documents
(`actionplan.report_documents`) draw the same charts from the same tables.
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

from actionplan.report_presenters import figure_text  # noqa: E402
from config.dates import iso_week_label, iso_week_tick  # noqa: E402

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


def trend_table(points):
    """Columns and rows of the week-on-week trend (oldest first), each week as people read it
    ("23 to 29 November 2026 (week 48)"); `weeks` keeps the ISO weeks the chart's axis is drawn from."""
    return {
        "caption": "Week on week: % of care homes with a named lead and visited in the last 28 days",
        "columns": ["Week", "% with a named lead", "% visited in 28 days", "Gaps"],
        "weeks": [p["week"] for p in points],
        "rows": [
            [
                iso_week_label(p["week"]),
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
    others = hours.get("others")
    if others is not None:  # already cut to the largest (`hours_summary`), the rest summed
        rows = [[o["name"], figure_text(o["available"]), figure_text(o["assigned"])] for o in organisations]
        if others["organisations"]:
            rows.append(
                [
                    f"{others['organisations']} other organisations",
                    figure_text(others["available"]),
                    figure_text(others["assigned"]),
                ]
            )
    elif limit and len(organisations) > limit:
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
    else:
        rows = [[o["name"], figure_text(o["available"]), figure_text(o["assigned"])] for o in organisations]
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
    weeks = table.get("weeks") or [r[0] for r in table["rows"]]
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
    ax.set_xticks(
        range(0, len(weeks), step), [iso_week_tick(w) for w in weeks[::step]], rotation=30, ha="right"
    )
    ax.set_xlabel("Week beginning")


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
    the first time those numbers are shown. `variant="phone"` is the narrower drawing with
    larger text a phone shows instead."""
    return chart_urls([(name, table, variant)])[0]


def chart_urls(charts):
    """The addresses of a page's charts, each (name, table, variant): one query for all of them
    once seen, and a drawing stored for each not seen before."""
    from django.urls import reverse

    from actionplan.models import ChartImage

    found = []
    for name, table, variant in charts:
        if variant not in VARIANTS:
            raise ValueError(f"unknown chart variant {variant!r}")
        table_json = json.dumps(table, sort_keys=True)
        key = f"{name}:{variant}" if variant else name
        found.append(
            (hashlib.sha256(f"{key}\n{table_json}".encode()).hexdigest()[:40], name, table_json, variant)
        )
    stored = set(ChartImage.objects.filter(digest__in=[f[0] for f in found]).values_list("digest", flat=True))
    for digest, name, table_json, variant in found:
        if digest not in stored:
            ChartImage.objects.get_or_create(
                digest=digest, defaults={"png": _render(name, table_json, variant)}
            )
            stored.add(digest)
    return [reverse("actionplan:chart", args=[f[0]]) for f in found]
