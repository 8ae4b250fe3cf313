"""The gap rules, what a gap is, how it is matched between weeks (`gap_key`, `KnownKeys`), and
the registry through which apps above carehomes add theirs."""

from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import F, Func, Q, TextField, Value

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    fix: str  # what fixes it, shown as the link text


NO_LEAD = Rule("no_lead", "No named lead", HIGH, "Assign a named lead")
OUTBREAK_NOT_VISITED = Rule(
    "outbreak_not_visited", "Outbreak and no visit since it began", HIGH, "Log a visit"
)
NO_RECENT_VISIT = Rule("no_recent_visit", "No recent visit", MEDIUM, "Log a visit")
LEAD_OVER_CAPACITY = Rule("lead_over_capacity", "Lead over capacity", MEDIUM, "Rebalance the lead's homes")
PCN_NO_HOURS = Rule("pcn_no_hours", "PCN has committed no hours", MEDIUM, "Talk to the PCN")

CARE_HOME_RULES = (NO_LEAD, OUTBREAK_NOT_VISITED, NO_RECENT_VISIT, LEAD_OVER_CAPACITY)
RULES = {r.code: r for r in (*CARE_HOME_RULES, PCN_NO_HOURS)}


@dataclass
class Gap:
    rule: Rule
    reason: str
    care_home_id: int | None = None
    care_home_name: str = ""
    pcn_id: int | None = None
    pcn_name: str = ""
    locality: str = ""
    organisation_ids: list[int] = field(default_factory=list)
    # For a gap about neither a home nor a PCN (e.g. a trust): what it is about.
    subject_name: str = ""

    @property
    def severity(self):
        return self.rule.severity

    @property
    def sort_key(self):
        return (SEVERITY_ORDER[self.rule.severity], self.rule.code, self.subject)

    @property
    def subject(self):
        return self.care_home_name or self.pcn_name or self.subject_name

    def as_dict(self):
        return {
            "rule": self.rule.code,
            "name": self.rule.name,
            "severity": self.rule.severity,
            "reason": self.reason,
            "care_home_id": self.care_home_id,
            "care_home": self.care_home_name,
            "pcn_id": self.pcn_id,
            "pcn": self.pcn_name,
            "locality": self.locality,
            "subject": self.subject,
        }


def gap_key(rule, care_home_id=None, pcn_id=None) -> str:
    """How a gap is matched between weeks: "no_lead:12:40" (a home's, with its PCN),
    "pcn_no_hours::40" (a PCN's). A weekly report keeps its gaps' keys (`GapReport.gap_keys`)."""
    return f"{rule}:{care_home_id or ''}:{pcn_id or ''}"


class KnownKeys:
    """The keys (`gap_key`) of the gaps a weekly report held, as the gap list counts the gaps
    that are new since it (`GapList.new_count`).

    `subquery`: on PostgreSQL, an SQL subquery listing the keys in the database (None elsewhere),
    so that a rule counts its gaps missing from it in SQL without reading them (`not_known`);
    `strings`: the keys read into Python once, for the rules counted there (and SQLite)."""

    def __init__(self, load, subquery=None, contains=None):
        self._load = load
        self.subquery = subquery
        # With `subquery`: contains(key) -> a boolean SQL expression, the report holds this key
        # (one key looked up in the report's row, not every key hashed).
        self.contains = contains

    @cached_property
    def strings(self) -> frozenset:
        return frozenset(self._load())

    def new_by_rule(self, keys) -> dict:
        """{rule code: how many of these (rule, care_home_id, pcn_id) are not known}."""
        found, strings = {}, self.strings  # read even for no keys: a fixed number of queries
        for key in set(keys):
            if gap_key(*key) not in strings:
                found[key[0]] = found.get(key[0], 0) + 1
        return found


def sql_gap_key(rule, care_home=None, pcn=None):
    """`gap_key` in SQL (PostgreSQL's CONCAT, which reads NULL as ""), from the names of the
    fields holding the home's and the PCN's ids: cheap to compile and to evaluate."""
    parts = [Value(f"{rule}:"), F(care_home) if care_home else Value(""), Value(":")]
    return Func(*parts, *([F(pcn)] if pcn else []), function="CONCAT", output_field=TextField())


def not_known(alias, known):
    """The rows whose key (an alias holding `sql_gap_key`) is not one of `known.subquery`."""
    return ~Q(**{f"{alias}__in": known.subquery})


# Rules from the apps above carehomes (which carehomes never imports), registered at start-up:
# each source says its rules and collects its gaps; the gap list composes them with its own.
@dataclass(frozen=True)
class GapSource:
    rules: tuple
    # collect(homes=<CareHome queryset or None>, today=<date>) -> list[Gap]: every gap of its rules.
    collect: object
    # Optional, so that a page of the gap list costs a page, not every gap (`carehomes.gaps.lists`):
    # count(homes=, today=) -> {rule code: number of gaps};
    # page(code=, homes=, today=, offset=, limit=) -> that rule's gaps [offset:offset+limit], in
    #   order of `Gap.subject` by code point (as Python sorts strings);
    # keys(homes=, today=) -> {(rule code, care_home_id, pcn_id)} of every gap;
    # new_count(homes=, today=, known=<KnownKeys>) -> {rule code: number of its gaps (distinct
    #   keys) whose `gap_key` is not in `known`}: counted in the database where it can be.
    count: object = None
    page: object = None
    keys: object = None
    new_count: object = None


GAP_SOURCES: list[GapSource] = []


def register_gap_source(*, rules, collect, count=None, page=None, keys=None, new_count=None):
    """Add gap rules kept by another app (e.g. discharge); idempotent per rule set."""
    if any(source.rules == tuple(rules) for source in GAP_SOURCES):
        return
    GAP_SOURCES.append(GapSource(tuple(rules), collect, count, page, keys, new_count))
    RULES.update({rule.code: rule for rule in rules})


def rule_order(code):
    """Where a rule's gaps come in the list: worst first, then by rule code."""
    return (SEVERITY_ORDER[RULES[code].severity], code)


def no_visit_days():
    return settings.HUB["NO_VISIT_DAYS"]
