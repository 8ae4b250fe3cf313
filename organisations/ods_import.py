"""Bringing the organisations up to date from parsed ODS reports (see `ods_files`).

    outcome = ods_apply(reports, by=user)   # inside the caller's transaction

Rules (issue 16):
- organisations are matched by ODS code; names and postcodes follow the files (a name that
  differs only in capitals keeps the hub's spelling); a closed organisation becomes inactive,
  never deleted; one already closed when first seen is not created;
- new organisations get their kind, sector and parent (practice → PCN → sub-ICB location → ICB);
  a new trust gets the kind "NHS trust (kind to be chosen)" until the project manager chooses;
- a practice's PCN is its current membership (no end date, or one in the future); when it
  changes, `signals.practices_moved_pcn` is sent once with every move, and whatever listens
  (carehomes re-aligns its homes) answers with what it changed;
- nothing changes, and no history is written, when the same files are imported again.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from config.freshness import data_changed
from config.patient_data import validate_no_patient_data
from config.readers import in_batches
from organisations import ods_files
from organisations.models import Organisation, Sector
from organisations.signals import practices_moved_pcn

Kind = Organisation.Kind

KIND_AND_SECTOR = {
    ods_files.PRACTICES: (Kind.GP_PRACTICE, Sector.PRIMARY_CARE),
    ods_files.PCNS: (Kind.PCN, Sector.PRIMARY_CARE),
    ods_files.TRUSTS: (Kind.NHS_TRUST, Sector.SECONDARY),
    ods_files.SUB_ICBS: (Kind.COMMISSIONER, Sector.COMMISSIONER),
    ods_files.ICBS: (Kind.COMMISSIONER, Sector.COMMISSIONER),
    ods_files.PHARMACIES: (Kind.COMMUNITY_PHARMACY, Sector.COMMUNITY_PHARMACY),
}
# Which kinds take their parent from the file: a sub-ICB location its ICB, a PCN its sub-ICB
# location, a practice its commissioner (until its PCN membership says otherwise).
PARENT_FROM_FILE = {ods_files.SUB_ICBS, ods_files.PCNS, ods_files.PRACTICES}
TRACKED_FIELDS = ["name", "postcode", "opened_on", "closed_on", "is_active", "parent_id"]

KEEP_CAPITALS = {"NHS", "PCN", "GP", "ICB", "CCG", "UK", "LTD", "PLC", "CIC", "LLP", "FT", "LPC", "II", "III"}
SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "upon", "by"}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def presentable_name(name: str) -> str:
    """'LEEDS TEACHING HOSPITALS NHS TRUST' -> 'Leeds Teaching Hospitals NHS Trust'."""
    if name != name.upper():
        return name
    first = True

    def word(match):
        nonlocal first
        text = match.group(0)
        was_first, first = first, False
        if text in KEEP_CAPITALS:
            return text
        if not was_first and text.lower() in SMALL_WORDS:
            return text.lower()
        return text.capitalize()

    return WORD.sub(word, name)


@dataclass
class OdsOutcome:
    reports: list
    created: set = field(default_factory=set)  # ODS codes
    updated: set = field(default_factory=set)
    closed: set = field(default_factory=set)
    skipped: int = 0
    problems: list = field(default_factory=list)  # (file name, RowProblem)
    moves: list = field(default_factory=list)  # (practice, old PCN or None, new PCN or None)
    new_trusts: list = field(default_factory=list)
    realigned: list = field(default_factory=list)  # what the receivers of the moves changed
    names: dict = field(default_factory=dict)  # ODS code -> name of what a dry run touched

    @property
    def pcn_moves(self):
        """The moves of practices the hub already held (a new practice's first PCN is no move)."""
        return [move for move in self.moves if move[0].ods_code not in self.created]

    @property
    def changed_only(self):
        """Updated, neither created nor closed."""
        return self.updated - self.closed - self.created

    @property
    def rows(self):
        return sum(report.lines for report in self.reports)

    def summary(self):
        return {
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.changed_only),
            "closed": len(self.closed),
            "skipped": self.skipped,
            "errors": len(self.problems),
        }


class _Register:
    """The organisations the run touches, by ODS code, read in a few queries and kept current."""

    def __init__(self, codes):
        self.by_code = {}
        self.by_pk = {}
        self.load(codes)

    def _keep(self, organisation):
        self.by_pk[organisation.pk] = organisation
        if organisation.ods_code:
            self.by_code[organisation.ods_code] = organisation

    def load(self, codes):
        for chunk in in_batches(sorted(set(codes))):
            for organisation in Organisation.objects.filter(ods_code__in=chunk):
                self._keep(organisation)

    def load_pks(self, pks):
        for chunk in in_batches(sorted({pk for pk in pks if pk and pk not in self.by_pk})):
            for organisation in Organisation.objects.filter(pk__in=chunk):
                self._keep(organisation)

    def get(self, code):
        return self.by_code.get(code) if code else None

    def parent_of(self, organisation):
        """The parent, from what the register holds (load_pks first): no query per row."""
        return self.by_pk.get(organisation.parent_id) if organisation.parent_id else None


def _all_codes(reports):
    codes = set()
    for report in reports:
        for row in report.rows:
            if isinstance(row, ods_files.MembershipRow):
                codes |= {row.practice_code, row.pcn_code, row.pcn_parent_code}
            else:
                codes |= {row.ods_code, row.parent_code}
    codes.discard("")
    return codes


def _free_text_problem(row):
    """The patient-data validator over every free-text value the row brings in."""
    values = [row.pcn_name] if isinstance(row, ods_files.MembershipRow) else [row.name, row.postcode]
    if isinstance(row, ods_files.MembershipRow):
        values.append(row.practice_code)
    for value in values:
        try:
            validate_no_patient_data(value)
        except ValidationError as error:
            return ods_files.RowProblem(row.line, " ".join(error.messages), getattr(row, "ods_code", ""))
    return None


def ods_apply(reports, *, by=None, today=None) -> OdsOutcome:
    """Apply parsed reports to the organisations. Call inside a transaction (the service does)."""
    today = today or datetime.date.today()  # noqa: DTZ011 - the files' dates are calendar dates
    outcome = OdsOutcome(reports=reports)
    reports = [*reports, *_icbs_named_in_sub_icb_reports(reports)]
    register = _Register(_all_codes(reports))
    by_kind = {}
    for report in reports:
        by_kind.setdefault(report.kind, []).append(report)
        outcome.skipped += report.skipped
        outcome.problems += [(report.name, problem) for problem in report.problems]
    for kind in ods_files.APPLY_ORDER:
        for report in by_kind.get(kind, []):
            if kind == ods_files.MEMBERSHIPS:
                _apply_memberships(report, register, outcome, by, today)
            else:
                _apply_organisations(report, register, outcome, by)
    if outcome.moves:
        for _receiver, answer in practices_moved_pcn.send(sender=Organisation, moves=outcome.moves, by=by):
            outcome.realigned += list(answer or [])
    # Bulk writes skip model signals: tell the cached figures themselves.
    data_changed()
    return outcome


def _icbs_named_in_sub_icb_reports(reports):
    """ICBs worked out from eccg (`ods_files.icbs_named_in`), less those an ICB file gives."""
    given = {row.ods_code for r in reports if r.kind == ods_files.ICBS for row in r.rows}
    derived = []
    for report in reports:
        if report.kind == ods_files.SUB_ICBS:
            icbs = ods_files.icbs_named_in(report)
            icbs.rows = [row for row in icbs.rows if row.ods_code not in given]
            given |= {row.ods_code for row in icbs.rows}
            derived.append(icbs)
    return derived


def _apply_organisations(report, register, outcome, by):
    kind, sector = KIND_AND_SECTOR[report.kind]
    seen = {}
    new, changed = [], []
    for row in report.rows:
        problem = _free_text_problem(row)
        if problem is None and row.ods_code in seen:
            problem = ods_files.RowProblem(
                row.line, f"The code {row.ods_code} is also on line {seen[row.ods_code]}.", row.ods_code
            )
        if problem:
            outcome.problems.append((report.name, problem))
            continue
        seen[row.ods_code] = row.line
        parent = register.get(row.parent_code) if report.kind in PARENT_FROM_FILE else None
        organisation = register.get(row.ods_code)
        if report.derived and organisation is not None:
            continue  # an ICB named in eccg is created from it, never changed by it
        if organisation is None:
            if not row.is_active:
                outcome.skipped += 1  # closed before the hub ever knew it
                continue
            organisation = Organisation(
                ods_code=row.ods_code,
                name=presentable_name(row.name),
                kind=kind,
                sector=sector,
                parent=parent if parent and parent.is_active else None,
                postcode=row.postcode,
                opened_on=row.opened_on,
                closed_on=row.closed_on,
                is_active=True,
            )
            new.append(organisation)
            continue
        if _update(organisation, row, parent, report.kind, outcome):
            changed.append(organisation)
    if new:
        bulk_create_with_history(new, Organisation, batch_size=500, default_user=by)
        register.load(o.ods_code for o in new)
        outcome.created |= {o.ods_code for o in new}
        if kind == Kind.NHS_TRUST:
            outcome.new_trusts += [register.get(o.ods_code) for o in new]
    if changed:
        bulk_update_with_history(
            changed,
            Organisation,
            [name.removesuffix("_id") for name in TRACKED_FIELDS],
            batch_size=500,
            default_user=by,
            default_change_reason="ODS import",
        )


def _update(organisation, row, parent, kind, outcome):
    """Bring one organisation into line with its row; True when anything changed."""
    before = {name: getattr(organisation, name) for name in TRACKED_FIELDS}
    if organisation.name.casefold() != row.name.casefold():
        organisation.name = presentable_name(row.name)
    organisation.postcode = row.postcode
    organisation.opened_on = row.opened_on
    organisation.closed_on = row.closed_on
    organisation.is_active = row.is_active
    # A practice's PCN comes from its membership: the file's commissioner is only a start.
    if (
        parent is not None
        and parent.pk != organisation.pk
        and (kind != ods_files.PRACTICES or organisation.parent_id is None)
    ):
        organisation.parent = parent
    after = {name: getattr(organisation, name) for name in TRACKED_FIELDS}
    if before == after:
        return False
    if before["is_active"] and not row.is_active:
        outcome.closed.add(organisation.ods_code)
    outcome.updated.add(organisation.ods_code)
    return True


def _current(rows, today):
    """The practice's membership in force today (the latest started), or None."""
    current = [
        r
        for r in rows
        if (r.starts_on is None or r.starts_on <= today) and (r.ends_on is None or r.ends_on > today)
    ]
    return max(current, key=lambda r: r.starts_on or datetime.date.min) if current else None


def _apply_memberships(report, register, outcome, by, today):
    by_practice = {}
    for row in report.rows:
        problem = _free_text_problem(row)
        if problem:
            outcome.problems.append((report.name, problem))
            continue
        by_practice.setdefault(row.practice_code, []).append(row)
    # PCNs named only in the membership file are created from it, with their sub-ICB location.
    new_pcns = {}
    for code, rows in by_practice.items():
        practice = register.get(code)
        if practice is None or practice.kind != Kind.GP_PRACTICE:
            continue
        current = _current(rows, today)
        if current and register.get(current.pcn_code) is None and current.pcn_code not in new_pcns:
            commissioner = register.get(current.pcn_parent_code)
            new_pcns[current.pcn_code] = Organisation(
                ods_code=current.pcn_code,
                name=presentable_name(current.pcn_name),
                kind=Kind.PCN,
                sector=Sector.PRIMARY_CARE,
                parent=commissioner if commissioner and commissioner.is_active else None,
            )
    if new_pcns:
        bulk_create_with_history(list(new_pcns.values()), Organisation, batch_size=500, default_user=by)
        register.load(new_pcns)
        outcome.created |= set(new_pcns)
    practices = [register.get(code) for code in by_practice]
    register.load_pks(p.parent_id for p in practices if p)
    register.load_pks(register.parent_of(p).parent_id for p in practices if p and p.parent_id)
    moved = []
    for code, rows in by_practice.items():
        practice = register.get(code)
        if practice is None or practice.kind != Kind.GP_PRACTICE:
            outcome.skipped += len(rows)  # a practice the hub does not hold
            continue
        if not practice.is_active:
            continue  # a closed practice keeps the PCN it had when it closed
        current = _current(rows, today)
        parent = register.parent_of(practice)
        old_pcn = parent if parent and parent.kind == Kind.PCN else None
        new_pcn = register.get(current.pcn_code) if current else None
        if new_pcn is not None:
            new_parent = new_pcn
        elif old_pcn is not None:
            new_parent = register.parent_of(old_pcn)  # left its PCN: back to the PCN's commissioner
        else:
            continue
        if practice.parent_id == (new_parent.pk if new_parent else None):
            continue
        practice.parent = new_parent
        moved.append(practice)
        outcome.updated.add(practice.ods_code)
        outcome.moves.append((practice, old_pcn, new_pcn))
    if moved:
        bulk_update_with_history(
            moved,
            Organisation,
            ["parent"],
            batch_size=500,
            default_user=by,
            default_change_reason="ODS import: PCN membership",
        )
