"""`GapList`, the gap list a page at a time.

A page of the gap list costs a fixed handful of queries and builds only that page's gaps: the
gaps are ordered worst first, then by rule, then by subject, so the list is each rule's gaps one
after another; counting every rule says which rules a page falls in, and only their slices are read.
"""

from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from carehomes.gaps.conditions import (
    from_state,
    lead_is_current,
    with_any_gap,
    with_gap_facts,
)
from carehomes.gaps.lists import home_gap, pcn_gap, pcns_with_gaps
from carehomes.gaps.rules import (
    CARE_HOME_RULES,
    GAP_SOURCES,
    PCN_NO_HOURS,
    RULES,
    rule_order,
)
from carehomes.models import CareHome, CareHomeState
from organisations.models import Organisation


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
        weekly report's, `KnownKeys`). A source with a `new_count` hook counts its own (discharge:
        in SQL on PostgreSQL, its 5,000 keys never read); the care-home and PCN rules, and sources
        without the hook, compare their keys in Python: the list reads those homes and PCNs anyway
        (a few per cent of the homes), and counting them in SQL cost more database time than the
        CPU it saved (the report's keys hashed once per rule)."""
        found = known.new_by_rule(self._home_keys() | self._pcn_keys())
        for source in self._sources():
            if source.new_count is not None:
                counts = source.new_count(homes=self.homes, today=self.today, known=known)
            else:
                counts = known.new_by_rule(self._source_keys(source))
            found |= {code: counts.get(code, 0) for code in self._codes(source)}
        return sum(found.values())


def _pcn_gap(name, pk, locality, home_count):
    return pcn_gap(Organisation(pk=pk, name=name, locality=locality), home_count=home_count)
