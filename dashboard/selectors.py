"""Reads for the dashboard and the gap list: filters, live figures, hours and trends.

Every function here runs a fixed number of queries whatever the number of homes, staff or
reports: figures are aggregates, gaps come from `carehomes.gaps` in two queries, trends read
only the headline figures out of each report's JSON.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from actionplan.gap_report_selectors import headline_figures, last_report_keys, trend_points
from actionplan.hours_selectors import hours_by, hours_summary
from carehomes import gaps as gap_rules
from carehomes.models import Assignment, CareHome
from carehomes.selectors import carehome_filter_rows
from config.freshness import cached
from config.querysets import filter_given
from organisations.models import Organisation

TREND_WEEKS = 12
# The dashboard lists the organisations with most hours; the rest are summed in one row.
ORGANISATION_ROWS = 25


@dataclass(frozen=True)
class Filters:
    """What the dashboard or gap list is narrowed to (all optional)."""

    locality: str = ""
    pcn_id: int | None = None
    organisation_id: int | None = None
    rule: str = ""

    @property
    def narrows_homes(self):
        return bool(self.locality or self.pcn_id or self.organisation_id)


def filter_options():
    """Localities, PCNs and organisations to choose from, as (value, label) querysets: each read
    once by the form, a city's whole and a country's not at all (`config.choices.fit_rows`): the
    care-home list's localities and PCNs, and the organisations."""
    return carehome_filter_rows() | {
        "organisations": Organisation.objects.exclude(kind=Organisation.Kind.GP_PRACTICE)
        .order_by("name")
        .values_list("pk", "name"),
    }


def filtered_homes(filters: Filters, *, today=None):
    """Care homes in the locality, aligned to the PCN, and led by (or aligned to) the organisation."""
    homes = filter_given(CareHome.objects.all(), locality=filters.locality, pcn_id=filters.pcn_id)
    if filters.organisation_id:
        org = filters.organisation_id
        led = Assignment.objects.current(today).filter(care_home=OuterRef("pk"), role=Assignment.Role.LEAD)
        led = led.filter(Q(staff__organisation_id=org) | Q(staff__second_organisation_id=org))
        homes = homes.filter(Q(pcn_id=org) | Q(practice_id=org) | Exists(led))
    return homes


def filtered_pcns(filters: Filters):
    pcns = Organisation.objects.filter(kind=Organisation.Kind.PCN)
    if filters.locality:
        pcns = pcns.filter(
            Q(locality=filters.locality) | Q(pcn_care_homes__locality=filters.locality)
        ).distinct()
    if filters.pcn_id:
        pcns = pcns.filter(pk=filters.pcn_id)
    if filters.organisation_id:
        pcns = pcns.filter(pk=filters.organisation_id)
    return pcns


def _gap_scope(filters: Filters, today):
    """The homes, PCNs and rules the filters choose, as the gap lists take them. Every home is
    None, not a queryset of them all: a rule then reads its own index instead of checking each
    home it finds against the whole care-home table."""
    return {
        "homes": filtered_homes(filters, today=today) if filters.narrows_homes else None,
        "pcns": filtered_pcns(filters),
        "today": today,
        "rules": [filters.rule] if filters.rule in gap_rules.RULES else None,
    }


def gap_list(filters: Filters, *, today=None):
    """Every current gap matching the filters, worst first (two queries)."""
    today = today or timezone.localdate()

    def compute():
        return gap_rules.current_gaps(**_gap_scope(filters, today))

    return cached("gaps", compute, today, filters)


@dataclass(frozen=True)
class GapPage:
    """One page of the gap list: its gaps, its number, and the counts of every gap matching."""

    gaps: list
    number: int
    counts: dict  # rule code -> gaps, worst rule first
    total: int
    # When asked for: how many of the gaps matching were not in the last weekly report (None with
    # no report yet).
    new_gaps: int | None = None


def gap_page(filters: Filters, *, page=None, today=None, new_since_report=False):
    """A page of the current gaps matching the filters, worst first, and how many there are of
    each rule: a fixed handful of queries, building only the page's gaps (`carehomes.gaps.GapList`).
    `new_since_report` adds how many of them are new since last week's report."""
    today = today or timezone.localdate()
    size = settings.HUB["PAGE_SIZE"]
    gaps = gap_rules.GapList(**_gap_scope(filters, today))
    number = _page_number(page, len(gaps), size)
    shown = list(gaps[(number - 1) * size : number * size])
    new_gaps = _new_since_report(gaps) if new_since_report else None
    return GapPage(shown, number, gaps.counts, len(gaps), new_gaps)


def _new_since_report(gaps):
    known = last_report_keys()
    return None if known is None else gaps.new_count(known)


def _page_number(page, total, size):
    """As `Paginator.get_page`: not a number -> 1, past the end -> the last page."""
    last = max(1, -(-total // size))
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), last)


def cached_gap_page(filters: Filters, *, page=None, today=None, new_since_report=False):
    today = today or timezone.localdate()
    return cached(
        "gap-page",
        lambda: gap_page(filters, page=page, today=today, new_since_report=new_since_report),
        today,
        filters,
        str(page),
        new_since_report,
    )


def new_gaps_since_report(filters: Filters, *, today=None):
    """How many current gaps matching the filters were not in the last weekly report (None with no
    report yet): counted, rule by rule, in the database where it can be, never listing the gaps."""
    today = today or timezone.localdate()

    def compute():
        return _new_since_report(gap_rules.GapList(**_gap_scope(filters, today)))

    return cached("gap-new", compute, today, filters)


def dashboard_figures(filters: Filters, *, today=None):
    """Live headline figures and hours for the filtered homes, and the citywide weekly trend."""
    today = today or timezone.localdate()

    def compute():
        homes = filtered_homes(filters, today=today) if filters.narrows_homes else None
        pcns = filtered_pcns(filters) if filters.narrows_homes else None
        headlines = headline_figures(homes=homes, pcns=pcns, as_of=today)
        organisations = [filters.organisation_id] if filters.organisation_id else None
        if filters.locality or filters.pcn_id:
            hours = hours_by(as_of=today, homes=homes, organisations=organisations)
        else:
            # Every home: the sectors' sums and the largest employers, summed in the database.
            hours = hours_summary(organisations=organisations, limit=ORGANISATION_ROWS)
        return {"headlines": headlines, "hours": hours, "trend": trend_points(limit=max(TREND_WEEKS, 52))}

    return cached("dashboard", compute, today, filters)


def discharge_section(*, today=None):
    """The citywide Discharges figures (last 4 weeks, trend, estimated impact), cached like the rest."""
    from discharge.figures import discharge_figures

    today = today or timezone.localdate()
    return cached("discharges", lambda: discharge_figures(today=today), today)
