"""Gaps as lists: each home's gaps with their reasons, the PCN rule, every current gap, headline
counts, and `GapList`, the gap list a page at a time.

A page of the gap list costs a fixed handful of queries and builds only that page's gaps: the
gaps are ordered worst first, then by rule, then by subject, so the list is each rule's gaps one
after another; counting every rule says which rules a page falls in, and only their slices are read.
"""

from datetime import date
from functools import cached_property

from django.db.models import Count, F, Q
from django.utils import timezone

from carehomes.gaps.conditions import (
    from_state,
    gap_conditions,
    lead_is_current,
    state_rule_conditions,
    with_any_gap,
    with_gap_facts,
    with_gap_flags,
    with_gaps,
)
from carehomes.gaps.rules import (
    CARE_HOME_RULES,
    GAP_SOURCES,
    LEAD_OVER_CAPACITY,
    NO_LEAD,
    NO_RECENT_VISIT,
    OUTBREAK_NOT_VISITED,
    PCN_NO_HOURS,
    RULES,
    Gap,
    no_visit_days,
    not_known,
    rule_order,
    sql_gap_key,
)
from carehomes.models import CareHome, CareHomeState
from carehomes.state import refresh_expired
from config.dates import uk_date
from config.presenters import hours as hours_text
from organisations.models import Organisation

HOME_RULE_CODES = {rule.code for rule in CARE_HOME_RULES}


def _days(since, today):
    return (today - since).days


def gaps_for_home(home, *, today: date | None = None) -> list[Gap]:
    """The gaps of one home annotated by `with_gap_facts`, worst first, each with its reason."""
    today = today or timezone.localdate()
    gaps = [
        home_gap(rule.code, home, today=today)
        for rule in CARE_HOME_RULES
        if getattr(home, f"gap_{rule.code}")
    ]
    return sorted(gaps, key=lambda g: g.sort_key)


def home_gap(code, home, *, today) -> Gap:
    """One care-home rule's gap for a home that has it, with its reason. `home` carries the facts
    `with_gap_facts` annotates (name, outbreak_started_on, last_visited_on, lead_name,
    lead_assigned_hours, lead_available_hours, lead_organisation_id), however they were read."""
    common = {
        "care_home_id": home.pk,
        "care_home_name": home.name,
        "pcn_id": home.pcn_id,
        "locality": home.locality,
        "organisation_ids": [i for i in (home.lead_organisation_id, home.pcn_id) if i],
    }
    if code == NO_LEAD.code:
        return Gap(NO_LEAD, f"{home.name} has no named lead pharmacist or technician.", **common)
    if code == OUTBREAK_NOT_VISITED.code:
        started = home.outbreak_started_on
        days = _days(started, today)
        when = (
            "today" if started == today else f"{uk_date(started)} ({days} day{'s' if days != 1 else ''} ago)"
        )
        return Gap(
            OUTBREAK_NOT_VISITED,
            f"{home.name} has had an outbreak since {when} and no visit since it began.",
            **common,
        )
    if code == NO_RECENT_VISIT.code:
        if home.last_visited_on is None:
            reason = f"{home.name} has never had a recorded visit."
        else:
            reason = (
                f"{home.name} was last visited {_days(home.last_visited_on, today)} days ago "
                f"({uk_date(home.last_visited_on)}); the rule is a visit at least every {no_visit_days()} days."
            )
        return Gap(NO_RECENT_VISIT, reason, **common)
    return Gap(
        LEAD_OVER_CAPACITY,
        f"{home.lead_name}, the lead for {home.name}, is assigned {hours_text(home.lead_assigned_hours)} "
        f"hours a week but has {hours_text(home.lead_available_hours)} available.",
        **common,
    )


def pcns_with_gaps(queryset=None, *, raw=False):
    """PCNs that have care homes aligned and have committed no hours, with their home counts.

    The count of homes comes from each PCN's kept totals (`carehomes.hours_state`); `raw` counts
    the homes instead (the drift tests compare the two)."""
    queryset = Organisation.objects.filter(kind=Organisation.Kind.PCN) if queryset is None else queryset
    if raw:
        queryset = queryset.annotate(home_count=Count("pcn_care_homes", distinct=True))
    else:
        queryset = queryset.annotate(home_count=F("hours_state__pcn_home_count"))
    return (
        queryset.filter(home_count__gt=0)
        .filter(Q(committed_hours__lte=0) | Q(committed_hours__isnull=True))
        .order_by("name")
    )


def pcn_gap(pcn, *, home_count=None) -> Gap:
    homes = pcn.home_count if home_count is None else home_count
    return Gap(
        PCN_NO_HOURS,
        f"{pcn.name} has {homes} care home{'s' if homes != 1 else ''} aligned and has committed no staff hours.",
        pcn_id=pcn.pk,
        pcn_name=pcn.name,
        locality=pcn.locality,
        organisation_ids=[pcn.pk],
    )


def current_gaps(*, homes=None, pcns=None, today=None, rules=None) -> list[Gap]:
    """Every current gap, worst first. Two queries, whatever the number of homes.

    `homes` and `pcns` narrow the querysets (e.g. by locality, PCN or organisation);
    `rules` narrows to some rule codes.
    """
    today = today or timezone.localdate()
    gaps = []
    wanted = set(rules or RULES)
    if wanted & {r.code for r in CARE_HOME_RULES}:
        rows = with_gaps(homes, today=today).select_related("pcn")
        for home in rows:
            for gap in gaps_for_home(home, today=today):
                if gap.rule.code in wanted:
                    gap.pcn_name = home.pcn.name if home.pcn else ""
                    gaps.append(gap)
    if PCN_NO_HOURS.code in wanted:
        gaps.extend(pcn_gap(p) for p in pcns_with_gaps(pcns))
    for source in GAP_SOURCES:
        if wanted & {rule.code for rule in source.rules}:
            gaps.extend(g for g in source.collect(homes=homes, today=today) if g.rule.code in wanted)
    return sorted(gaps, key=lambda g: g.sort_key)


def gap_counts(*, homes=None, today=None, raw=False):
    """Headline counts per care-home rule, homes in outbreak, homes with any gap and PCNs with no
    hours. For every home today, from the kept state alone (`_kept_counts`); otherwise (some homes,
    another day, or `raw`: the drift tests) by one aggregate over the homes annotated with their
    gap flags."""
    today = today or timezone.localdate()
    if homes is None and from_state(today, raw):
        counts = _kept_counts(today)
    else:
        qs = with_gap_flags(homes, today=today, raw=raw)
        counts = qs.aggregate(
            homes=Count("pk"),
            **{rule.code: Count("pk", filter=Q(**{f"gap_{rule.code}": True})) for rule in CARE_HOME_RULES},
            any_gap=Count("pk", filter=Q(gap_count__gt=0)),
            in_outbreak=Count("pk", filter=_in_outbreak(today)),
        )
    return counts | {"pcn_no_hours": pcns_with_gaps(raw=raw).count()}


def _in_outbreak(today, prefix=""):
    return ~Q(**{f"{prefix}outbreak_status": CareHome.Outbreak.NONE}) & Q(
        **{f"{prefix}outbreak_started_on__lte": today}
    )


def _kept_counts(today):
    """Every home's rule counts from the kept state (`carehomes.state`), set-based: one scan of
    the narrow state rows (no join to the homes, no per-row CASE), the homes counted by their
    primary key, and the homes in outbreak (a few hundred, by a partial index) joined to their
    state. The same rules as `with_gap_flags` reading the state, row for row (the state-machine
    test in tests/carehomes/test_state.py compares them with the raw tables after every step)."""
    refresh_expired(today)
    rules = state_rule_conditions(today, prefix="")
    lead_gaps = rules["gap_no_lead"] | rules["gap_no_recent_visit"] | rules["gap_lead_over_capacity"]
    kept = CareHomeState.objects.aggregate(
        rows=Count("*"),
        no_lead=Count("pk", filter=rules["gap_no_lead"]),
        no_recent_visit=Count("pk", filter=rules["gap_no_recent_visit"]),
        lead_over_capacity=Count("pk", filter=rules["gap_lead_over_capacity"]),
        any_gap=Count("pk", filter=lead_gaps),
    )
    homes = CareHome.objects.count()
    # A home with no state row yet (only between a bulk load and its rebuild) reads as the join
    # reads it: no lead, never visited.
    missing = homes - kept["rows"]
    never = Q(state__isnull=True) | Q(state__last_visited_on__isnull=True)
    in_state = state_rule_conditions(today, prefix="state__")
    state_gap = in_state["gap_no_lead"] | in_state["gap_no_recent_visit"] | in_state["gap_lead_over_capacity"]
    not_visited = never | Q(state__last_visited_on__lt=F("outbreak_started_on"))
    outbreak = CareHome.objects.filter(_in_outbreak(today)).aggregate(
        in_outbreak=Count("pk"),
        not_visited=Count("pk", filter=not_visited),
        only_gap=Count("pk", filter=not_visited & Q(state__isnull=False) & ~state_gap),
    )
    return {
        "homes": homes,
        "no_lead": kept["no_lead"] + missing,
        "outbreak_not_visited": outbreak["not_visited"],
        "no_recent_visit": kept["no_recent_visit"] + missing,
        "lead_over_capacity": kept["lead_over_capacity"],
        "any_gap": kept["any_gap"] + missing + outbreak["only_gap"],
        "in_outbreak": outbreak["in_outbreak"],
    }


class GapList:
    """Every current gap, worst first (the same gaps in the same order as `current_gaps`), read a
    page at a time: `len()` counts them, a slice builds only the gaps in it.

        gaps = GapList(homes=..., pcns=..., rules=[...])
        gaps.counts                      # {rule code: number of gaps}, worst rule first
        Paginator(gaps, 50).get_page(3)  # builds only page 3's gaps
        gaps.keys()                      # {(rule, care_home_id, pcn_id)} of every gap

    A fixed number of queries whatever the size: one lists the homes with a gap (id, name, PCN
    and one flag per rule, from the kept state), one the PCNs with a gap; a slice adds one query
    for the facts its homes' reasons show. Each source's count, page and keys, or, for a source
    registered without them, its gaps collected whole once and sliced here.
    """

    def __init__(self, *, homes=None, pcns=None, today=None, rules=None):
        self.homes, self.pcns = homes, pcns
        self.today = today or timezone.localdate()
        self.wanted = set(rules or RULES) & set(RULES)
        self._collected = {}
        self.home_codes = [code for code in (r.code for r in CARE_HOME_RULES) if code in self.wanted]

    # Read when first needed: `keys()` alone (a report's "new since last week") never counts the
    # sources' gaps, a page does.
    @cached_property
    def _homes(self):
        """rule code -> [(name, pk, pcn_id)] of the homes with that gap, by name as Python orders it."""
        found = {code: [] for code in self.home_codes}
        if self.home_codes:
            flags = [f"gap_{code}" for code in self.home_codes]
            rows = with_any_gap(self.homes, today=self.today, codes=self.home_codes).order_by()
            for pk, name, pcn_id, *on in rows.values_list("pk", "name", "pcn_id", *flags):
                for code, flag in zip(self.home_codes, on, strict=True):
                    if flag:
                        found[code].append((name, pk, pcn_id))
            for rows_of_rule in found.values():
                rows_of_rule.sort()
        return found

    @cached_property
    def _pcns(self):
        if PCN_NO_HOURS.code not in self.wanted:
            return []
        return sorted(pcns_with_gaps(self.pcns).values_list("name", "pk", "locality", "home_count"))

    @cached_property
    def counts(self):
        """{rule code: number of gaps}, worst rule first, rules with none left out."""
        counts = {code: len(found) for code, found in self._homes.items()}
        if PCN_NO_HOURS.code in self.wanted:
            counts[PCN_NO_HOURS.code] = len(self._pcns)
        for source in self._sources():
            if source.count is not None:
                found = source.count(homes=self.homes, today=self.today)
            else:
                found = {}
                for gap in self._collect(source):
                    found[gap.rule.code] = found.get(gap.rule.code, 0) + 1
            counts.update({code: found.get(code, 0) for code in self._codes(source)})
        return {code: counts[code] for code in sorted(counts, key=rule_order) if counts[code]}

    def _sources(self):
        return [source for source in GAP_SOURCES if self._codes(source)]

    def _codes(self, source):
        return {rule.code for rule in source.rules} & self.wanted

    def _collect(self, source):
        if source not in self._collected:
            gaps = [
                g for g in source.collect(homes=self.homes, today=self.today) if g.rule.code in self.wanted
            ]
            self._collected[source] = sorted(gaps, key=lambda g: g.sort_key)
        return self._collected[source]

    def __len__(self):
        return sum(self.counts.values())

    def __iter__(self):
        return iter(self[0 : len(self)])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        parts, first = [], 0
        for code, count in self.counts.items():
            offset, end = max(start - first, 0), min(stop - first, count)
            if offset < end:
                parts.append((code, offset, end))
            first += count
        facts = self._home_facts(
            {pk for code, a, b in parts if code in self._homes for _, pk, _ in self._homes[code][a:b]}
        )
        gaps = []
        for code, offset, end in parts:
            if code in self._homes:
                for _, pk, _ in self._homes[code][offset:end]:
                    home = facts[pk]
                    gap = home_gap(code, home, today=self.today)
                    gap.pcn_name = home.pcn.name if home.pcn else ""
                    gaps.append(gap)
            elif code == PCN_NO_HOURS.code:
                gaps.extend(_pcn_gap(*row) for row in self._pcns[offset:end])
            else:
                gaps.extend(self._source_slice(code, offset, end - offset))
        return gaps

    def _home_facts(self, pks):
        """The page's homes with the facts their reasons show: one query whenever home rules are
        listed (none of them on this page or not), so the count of queries never varies."""
        if not self.home_codes:
            return {}
        # With no home on the page, a query that finds none (so the count does not vary).
        chosen = CareHome.objects.filter(Q(pk__in=pks) if pks else Q(pk__isnull=True))
        if not from_state(self.today):
            return {home.pk: home for home in with_gap_facts(chosen, today=self.today).select_related("pcn")}
        # Today's facts are the kept state's own columns: a plain join, no rule re-decided (the
        # list query said which homes have which gap), the lead's only while they lead today.
        homes = {}
        for home in chosen.select_related("pcn", "state", "state__lead_staff"):
            state = getattr(home, "state", None) or CareHomeState(care_home_id=home.pk)
            leads = lead_is_current(state, self.today)
            home.last_visited_on = state.last_visited_on
            home.lead_name = state.lead_staff.name if leads and state.lead_staff else None
            home.lead_organisation_id = state.lead_organisation_id if leads else None
            home.lead_assigned_hours = state.lead_assigned_hours if leads else None
            home.lead_available_hours = state.lead_available_hours if leads else None
            homes[home.pk] = home
        return homes

    def _source_slice(self, code, offset, limit):
        source = next(s for s in self._sources() if code in self._codes(s))
        if source.page is not None:
            return source.page(code=code, homes=self.homes, today=self.today, offset=offset, limit=limit)
        return [g for g in self._collect(source) if g.rule.code == code][offset : offset + limit]

    def keys(self):
        """(rule code, care_home_id, pcn_id) of every gap: what a weekly report's gaps are matched by."""
        found = self._home_keys() | self._pcn_keys()
        for source in self._sources():
            found |= self._source_keys(source)
        return found

    def _home_keys(self):
        return {(code, pk, pcn_id) for code, rows in self._homes.items() for _, pk, pcn_id in rows}

    def _pcn_keys(self):
        return {(PCN_NO_HOURS.code, None, pk) for _, pk, _, _ in self._pcns}

    def _source_keys(self, source):
        if source.keys is not None:
            return {k for k in source.keys(homes=self.homes, today=self.today) if k[0] in self.wanted}
        return {(g.rule.code, g.care_home_id, g.pcn_id) for g in self._collect(source)}

    def new_count(self, known):
        """How many of these gaps (distinct keys, as `keys()`) are not among `known`'s (the last
        weekly report's, `KnownKeys`). Each part is counted in the database when it can be
        (PostgreSQL: `known.subquery`; a source's `new_count`) and the list has not read its
        gaps already; otherwise in Python from their keys."""
        found = self._home_new(known) | self._pcn_new(known)
        for source in self._sources():
            if source.new_count is not None:
                counts = source.new_count(homes=self.homes, today=self.today, known=known)
            else:
                counts = known.new_by_rule(self._source_keys(source))
            found |= {code: counts.get(code, 0) for code in self._codes(source)}
        return sum(found.values())

    def _home_new(self, known):
        if not self.home_codes:
            return {}
        if known.subquery is None or "_homes" in self.__dict__:
            return known.new_by_rule(self._home_keys())
        # One aggregate over the homes and their kept state: per rule, its homes whose key is unknown.
        conditions = gap_conditions(self.today)
        homes = CareHome.objects.all() if self.homes is None else self.homes
        keys = {f"key_{code}": sql_gap_key(code, "pk", "pcn_id") for code in self.home_codes}
        return homes.alias(**keys).aggregate(
            **{
                code: Count("pk", filter=conditions[f"gap_{code}"] & not_known(f"key_{code}", known))
                for code in self.home_codes
            }
        )

    def _pcn_new(self, known):
        if PCN_NO_HOURS.code not in self.wanted:
            return {}
        if known.subquery is None or "_pcns" in self.__dict__:
            return known.new_by_rule(self._pcn_keys())
        pcns = pcns_with_gaps(self.pcns).alias(key=sql_gap_key(PCN_NO_HOURS.code, pcn="pk"))
        return {PCN_NO_HOURS.code: pcns.filter(not_known("key", known)).count()}


def _pcn_gap(name, pk, locality, home_count):
    return pcn_gap(Organisation(pk=pk, name=name, locality=locality), home_count=home_count)
