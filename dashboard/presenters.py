"""What the dashboard shows beside its figures: the list behind each card, the change from last
week's report in words, and the week-on-week table newest first."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from actionplan.report_terms import previous_week, week_of
from carehomes import gaps as gap_rules
from config.presenters import change_phrase, iso_week_label, plural

# Weeks of the trend shown open above "Show all weeks".
OPEN_WEEKS = 4


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    unit: str = ""
    # The list behind the figure: a URL name, its query, and which filters it understands.
    url_name: str = ""
    query: tuple = ()
    filters: tuple = ()


HOME_FILTERS = ("locality", "pcn")
GAP_FILTERS = ("locality", "pcn", "organisation")

CARDS = [
    Card("care_homes", "Care homes", "", "carehomes:list", (), HOME_FILTERS),
    Card("pct_with_lead", "With a named lead", "%", "carehomes:list", (("has_lead", "no"),), HOME_FILTERS),
    Card(
        "pct_visited_28d",
        "Visited in the last 28 days",
        "%",
        "dashboard:gaps",
        (("rule", "no_recent_visit"),),
        GAP_FILTERS,
    ),
    Card("in_outbreak", "In outbreak", "", "carehomes:list", (("outbreak", "yes"),), HOME_FILTERS),
    Card(
        "outbreak_not_visited",
        "In outbreak, not visited since it began",
        "",
        "dashboard:gaps",
        (("rule", "outbreak_not_visited"),),
        GAP_FILTERS,
    ),
    Card("gaps", "Gaps", "", "dashboard:gaps", (), GAP_FILTERS),
    Card(
        "pcns_no_hours",
        "PCNs with homes and no committed hours",
        "",
        "dashboard:gaps",
        (("rule", "pcn_no_hours"),),
        GAP_FILTERS,
    ),
    Card(
        "open_requests",
        "Open requests for help (citywide)",
        "",
        "workstreams:request_list",
        (("show", "open"),),
    ),
]


def _link_text(card, headlines):
    """Words for the link to the list behind a figure, counting what the list holds."""
    by_rule = headlines.get("gaps_by_rule", {})
    value = headlines.get(card.key) or 0
    return {
        "care_homes": lambda: f"See the {plural(value, 'care home')}",
        "pct_with_lead": lambda: f"See the {plural(by_rule.get('no_lead', 0), 'home')} with no named lead",
        "pct_visited_28d": lambda: (
            f"See the {plural(by_rule.get('no_recent_visit', 0), 'home')} not visited in 28 days"
        ),
        "in_outbreak": lambda: f"See the {plural(value, 'home')} in outbreak",
        "outbreak_not_visited": lambda: (
            f"See the {plural(value, 'home')} in outbreak and not visited since it began"
        ),
        "gaps": lambda: f"See the {plural(value, 'gap')}",
        "pcns_no_hours": lambda: f"See the {plural(value, 'PCN')} with no committed hours",
        "open_requests": lambda: f"See the {plural(value, 'open request')} for help",
    }[card.key]()


def comparison_point(trend, today):
    """The newest weekly report before this week's (what "last week" is compared with), or None."""
    this_week = week_of(today)
    earlier = [p for p in trend if p["week"] < this_week]
    return earlier[-1] if earlier else None


def figure_cards(*, headlines, trend, filters, query, today):
    """Each headline figure with the list behind it and its change since last week's report.

    Reports are citywide, so a figure for filtered homes has no change beside it (the page says so).
    """
    before = None if filters.narrows_homes else comparison_point(trend, today)
    since = ""
    if before is not None:
        since = (
            "from last week"
            if before["week"] == previous_week(today)
            else (f"since {iso_week_label(before['week'])}")
        )
    cards = []
    for card in CARDS:
        kept = [(k, v) for k, v in query.items() if k in card.filters]
        params = urlencode([*card.query, *kept])
        change = ""
        if before is not None and before.get(card.key) is not None:
            change = change_phrase(headlines.get(card.key), before[card.key], percent=card.unit == "%")
        cards.append(
            {
                "label": card.label,
                "value": headlines.get(card.key),
                "unit": card.unit,
                "href": reverse(card.url_name) + (f"?{params}" if params else ""),
                "link_text": _link_text(card, headlines),
                "change": f"{change[:1].upper()}{change[1:]} {since}" if change else "",
            }
        )
    return cards


def trend_weeks(table):
    """The trend's table for people: newest first, weeks as dates; the last few open, all behind
    "Show all weeks"."""
    rows = list(reversed(table["rows"]))
    recent = {
        "caption": f"The last {min(OPEN_WEEKS, len(rows))} weeks, newest first",
        "columns": table["columns"],
        "rows": rows[:OPEN_WEEKS],
    }
    every = {"caption": f"All {len(rows)} weeks, newest first", "columns": table["columns"], "rows": rows}
    return recent, every


def gap_counts(counts):
    """Each rule's gap count for people: its name, never its code ("No named lead: 8"), worst first."""
    return [
        (gap_rules.RULES[code].name, n)
        for code, n in sorted(counts.items(), key=lambda kv: gap_rules.rule_order(kv[0]))
    ]
