"""Importing a staff list (CSV): parse, preview against the staff already held, then apply.

    preview = staff_import_preview(data, filename)   # new / changed / unchanged / errors, or ImportFileError
    preview, applied = staff_import_apply(by=user, data=data, filename=filename, skip_bad_rows=False)

People are matched by GPhC number, else by a unique name. A file with errors imports nothing
unless the caller asks to skip the bad rows; everything is applied in one transaction.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from config.history import save_checked
from config.patient_data import patient_data_problem
from config.readers import MAX_ROWS, ImportFileError, RowError, cell, find_header, read_rows
from organisations.access import require
from organisations.models import GPHC_NUMBER, Organisation, StaffMember
from organisations.permissions import Permission

STAFF_COLUMNS = ["name", "role", "gphc_number", "organisation", "hours_per_week"]
ROLE_WORDS = {
    **{value: value for value in StaffMember.Role.values},
    **{label.lower(): value for value, label in StaffMember.Role.choices},
    "technician": StaffMember.Role.TECHNICIAN,
    "pharmacy technician": StaffMember.Role.TECHNICIAN,
}
FUNDING_WORDS = {
    **{value: value for value in StaffMember.Funding.values},
    **{label.lower(): value for value, label in StaffMember.Funding.choices},
}
FUNDING_BY_KIND = {
    Organisation.Kind.PCN: StaffMember.Funding.PCN,
    Organisation.Kind.GP_PRACTICE: StaffMember.Funding.PRACTICE,
    Organisation.Kind.MENTAL_HEALTH_TRUST: StaffMember.Funding.MENTAL_HEALTH,
    Organisation.Kind.COMMUNITY_PHARMACY: StaffMember.Funding.COMMUNITY_PHARMACY,
    Organisation.Kind.COMMISSIONER: StaffMember.Funding.COMMISSIONER,
}


@dataclass
class StaffRow:
    row_number: int
    name: str
    role: str
    gphc_number: str | None
    organisation: Organisation
    hours_per_week: Decimal
    funding: str


@dataclass
class StaffPreview:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (StaffRow, StaffMember, changes)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    format_name: str = "Staff CSV"
    skipped: int = 0

    @property
    def has_errors(self):
        return bool(self.errors)

    def summary(self):
        return {
            "format": self.format_name,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "errors": len(self.errors),
        }


def staff_import_preview(data: bytes, filename="") -> StaffPreview:
    """Parse a staff CSV and compare it with the staff list (matched by GPhC number, else by name)."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        raise ImportFileError("Upload the staff list as a CSV file.")
    rows = iter(read_rows(data, filename))

    def is_header(cells):
        return {c.strip().lower() for c in cells} >= set(STAFF_COLUMNS)

    header, header_number = find_header(
        rows, is_header, f"The file needs a header row with the columns {', '.join(STAFF_COLUMNS)}."
    )
    index = {c.strip().lower(): i for i, c in enumerate(header)}
    organisations = list(Organisation.objects.all())
    by_code = {o.ods_code.upper(): o for o in organisations if o.ods_code}
    by_name = {}
    for o in organisations:
        by_name.setdefault(o.name.strip().lower(), []).append(o)
    existing = list(StaffMember.objects.all())
    by_gphc = {s.gphc_number: s for s in existing if s.gphc_number}
    by_staff_name = {}
    for s in existing:
        by_staff_name.setdefault(s.name.strip().lower(), []).append(s)
    preview = StaffPreview()
    seen = {}
    for number, raw in enumerate(rows, start=header_number + 1):
        if number - header_number > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows.")
        cells = [str(cell(c)) for c in raw]
        if not any(cells):
            continue

        def get(name, cells=cells):
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        problems = []
        name = get("name")
        if not name:
            problems.append("the name is blank")
        elif len(name) > 200:
            problems.append("the name is longer than 200 characters")
        for label, value in (("name", name), ("organisation", get("organisation"))):
            if problem := patient_data_problem(value):
                problems.append(f"the {label} is refused. {problem}")
                name = ""  # nothing refused is echoed or kept
        role = ROLE_WORDS.get(get("role").lower())
        if not role:
            problems.append(f"the role “{get('role')}” is not one of {', '.join(StaffMember.Role.labels)}")
        gphc = re.sub(r"\s", "", get("gphc_number")) or None
        if gphc:
            try:
                GPHC_NUMBER(gphc)
            except ValidationError:
                problems.append(f"the GPhC number “{gphc}” is not 7 digits")
        elif role in (StaffMember.Role.PHARMACIST, StaffMember.Role.TECHNICIAN):
            problems.append("a pharmacist or technician needs a GPhC number")
        org_text = get("organisation")
        organisation = by_code.get(org_text.upper())
        if organisation is None:
            matches = by_name.get(org_text.lower(), [])
            if len(matches) == 1:
                organisation = matches[0]
            elif len(matches) > 1:
                problems.append(f"more than one organisation is called “{org_text}”: use its ODS code")
            else:
                problems.append(f"no organisation has the ODS code or name “{org_text}”")
        hours = None
        try:
            hours = Decimal(get("hours_per_week") or "x")
            if hours < 0 or hours > 168:
                problems.append(f"the hours a week {hours} are not between 0 and 168")
        except InvalidOperation:
            problems.append(f"the hours a week “{get('hours_per_week')}” is not a number")
        funding_text = get("funding").lower()
        funding = FUNDING_WORDS.get(funding_text) if funding_text else None
        if funding_text and not funding:
            problems.append(
                f"the funding “{get('funding')}” is not one of {', '.join(StaffMember.Funding.labels)}"
            )
        key = gphc or f"name:{name.lower()}"
        if not problems and key in seen:
            problems.append(f"this person is also on row {seen[key]}")
        if problems:
            reason = "; ".join(problems)
            preview.errors.append(RowError(number, reason[0].upper() + reason[1:] + ".", name))
            continue
        seen[key] = number
        if not funding:
            funding = FUNDING_BY_KIND.get(organisation.kind) or (
                StaffMember.Funding.SECONDARY_CARE
                if organisation.sector in ("secondary", "community")
                else StaffMember.Funding.COMMISSIONER
            )
        row = StaffRow(number, name, role, gphc, organisation, hours.quantize(Decimal("0.1")), funding)
        member = by_gphc.get(gphc) if gphc else None
        if member is None and not gphc:
            same_name = by_staff_name.get(name.lower(), [])
            member = same_name[0] if len(same_name) == 1 else None
        if member is None:
            preview.new.append(row)
            continue
        changes = []
        for attr, label, old, new in (
            ("name", "name", member.name, row.name),
            ("role", "role", member.role, row.role),
            ("organisation", "organisation", member.organisation_id, row.organisation.pk),
            ("hours_per_week", "hours a week", member.hours_per_week, row.hours_per_week),
        ):
            if old != new:
                shown_old = member.organisation.name if attr == "organisation" else old
                shown_new = row.organisation.name if attr == "organisation" else new
                changes.append((label, shown_old, shown_new))
        (preview.changed if changes else preview.unchanged).append((row, member, changes) if changes else row)
    return preview


def staff_import_apply(*, by, data: bytes, filename="", skip_bad_rows=False) -> tuple[StaffPreview, bool]:
    """Apply a staff CSV in one transaction (nothing if it has errors, unless skipping bad rows)."""
    if by is not None:
        require(by, Permission.IMPORT_STAFF)
    preview = staff_import_preview(data, filename)
    if preview.has_errors and not skip_bad_rows:
        return preview, False
    with transaction.atomic():
        for row in preview.new:
            member = StaffMember(
                name=row.name,
                role=row.role,
                gphc_number=row.gphc_number,
                organisation=row.organisation,
                hours_per_week=row.hours_per_week,
                funding=row.funding,
            )
            save_checked(member, by=by)
        for row, member, _changes in preview.changed:
            member.name, member.role = row.name, row.role
            member.organisation, member.hours_per_week = row.organisation, row.hours_per_week
            save_checked(member, by=by)
    return preview, True
