"""The trust's daily CSV extract of discharges needing follow-up: preview, row errors, skip bad rows.

Columns (header row, any order, case and spacing ignored):

    referral_id, channel, cqc_location_id, pharmacy_ods_code (optional), discharge_date,
    reasons (codes separated by |), changes_band (1-2, 3-5 or 6+)

Every row is checked as the form would check it (the reference through the patient-data
validator, the home by CQC location ID, the pharmacy by ODS code); a file with errors imports
nothing unless the person chooses to skip the bad rows. Each good row is recorded by
`followup_record`, so an import and the form refuse the same things with the same words.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carehomes.models import CareHome
from config.patient_data import validate_no_patient_data
from discharge.models import REASONS, ChangesBand, Channel, DischargeFollowUp, validate_reference
from discharge.services import DuplicateReference, PossibleDuplicate, followup_record
from discharge.states import OPEN_STATES
from organisations.access import require
from organisations.models import Organisation
from organisations.permissions import Permission

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

COLUMNS = {
    "referral_id": ("referral_id", "referral id", "reference", "referral"),
    "channel": ("channel",),
    "cqc_location_id": ("cqc_location_id", "care home cqc location id", "cqc location id", "location id"),
    "pharmacy_ods_code": (
        "pharmacy_ods_code",
        "receiving pharmacy ods code",
        "pharmacy ods code",
        "ods code",
    ),
    "discharge_date": ("discharge_date", "discharge date", "discharged on"),
    "reasons": ("reasons", "reason codes", "reason_codes"),
    "changes_band": ("changes_band", "number of changes", "number-of-changes band", "changes"),
}
REQUIRED = ("referral_id", "channel", "cqc_location_id", "discharge_date", "reasons", "changes_band")


class ImportFileError(Exception):
    """The file as a whole cannot be read: too big, not CSV, missing columns."""


@dataclass
class Row:
    row_number: int
    reference: str
    channel: str
    care_home: CareHome
    pharmacy: Organisation | None
    discharged_on: datetime.date
    reasons: list
    changes_band: str


@dataclass
class RowError:
    row_number: int
    reason: str
    existing: DischargeFollowUp | None = None


@dataclass
class Preview:
    trust: Organisation
    new: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def summary(self):
        return {"new": len(self.new), "errors": len(self.errors)}


def _key(text):
    return " ".join((text or "").replace("\ufeff", "").strip().casefold().split())


def _header_map(header):
    found = {}
    for index, name in enumerate(header):
        for column, aliases in COLUMNS.items():
            if _key(name) in aliases and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise ImportFileError(
            "The file has no column for "
            + ", ".join(missing)
            + ". The first row must name the columns: "
            + ", ".join(COLUMNS)
            + "."
        )
    return found


def _channel(text):
    key = _key(text)
    for value, label in Channel.choices:
        if key in (value, _key(label), _key(label).replace("-", " ")):
            return value
    raise ValueError(
        f"The channel “{text}” is not one of PharmOutcomes, Refer-to-Pharmacy, NHSmail or Other."
    )


def _date(text):
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, not a time
        except ValueError:
            continue
    raise ValueError(f"The discharge date “{text}” is not a date: write it as 2026-11-23 or 23/11/2026.")


def _reasons(text):
    by_label = {_key(label): code for code, label in REASONS.items()}
    codes = []
    for part in (text or "").split("|"):
        key = _key(part)
        if not key:
            continue
        code = key.replace(" ", "_") if key.replace(" ", "_") in REASONS else by_label.get(key)
        if code is None:
            raise ValueError(f"The reason “{part.strip()}” is not one of: {', '.join(REASONS)}.")
        codes.append(code)
    if not codes:
        raise ValueError("Give at least one reason code, separated by |.")
    return codes


def _band(text):
    key = (text or "").strip().replace(" ", "").replace("–", "-")
    if key not in ChangesBand.values:
        raise ValueError(f"The number of changes “{text}” is not one of 1-2, 3-5 or 6+.")
    return key


def _read(data: bytes):
    if len(data) > MAX_BYTES:
        raise ImportFileError("The file is larger than 2 MB. Split the extract into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The file is not a CSV file in UTF-8. Save it from Excel as 'CSV UTF-8'."
        ) from error
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV file. Save the extract as CSV and upload it again.")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ImportFileError("The file is empty.")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(f"The file has more than {MAX_ROWS} rows. Split it into smaller files.")
    return rows


def _cells(raw, columns):
    def cell(name):
        index = columns.get(name)
        return raw[index] if index is not None and index < len(raw) else ""

    return cell


def preview(data: bytes, *, trust) -> Preview:
    """What importing the file would do, without saving anything."""
    rows = _read(data)
    columns = _header_map(rows[0])
    homes = {}
    wanted_homes = {
        r[columns["cqc_location_id"]].strip() for r in rows[1:] if len(r) > columns["cqc_location_id"]
    }
    homes = {h.cqc_location_id: h for h in CareHome.objects.filter(cqc_location_id__in=wanted_homes)}
    pharmacy_codes = set()
    if "pharmacy_ods_code" in columns:
        pharmacy_codes = {
            r[columns["pharmacy_ods_code"]].strip().upper()
            for r in rows[1:]
            if len(r) > columns["pharmacy_ods_code"]
        }
    pharmacies = {
        p.ods_code: p
        for p in Organisation.objects.filter(
            kind=Organisation.Kind.COMMUNITY_PHARMACY, ods_code__in=pharmacy_codes
        )
    }
    references = [r[columns["referral_id"]].strip() for r in rows[1:] if len(r) > columns["referral_id"]]
    existing = {
        f.reference.casefold(): f
        for f in DischargeFollowUp.objects.filter(trust=trust, reference__in=references)
    }
    open_by_home_day = {}
    for f in DischargeFollowUp.objects.filter(
        trust=trust, care_home__in=homes.values(), state__in=list(OPEN_STATES)
    ).select_related("care_home"):
        open_by_home_day.setdefault((f.care_home_id, f.discharged_on), []).append(f)
    result = Preview(trust=trust)
    seen = {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cell = _cells(raw, columns)
        try:
            for value in raw:
                validate_no_patient_data(value)
            reference = cell("referral_id").strip()
            try:
                validate_reference(reference)
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from error
            if reference.casefold() in existing:
                found = existing[reference.casefold()]
                result.errors.append(
                    RowError(number, f"{reference} is already recorded: track that follow-up instead.", found)
                )
                continue
            if reference.casefold() in seen:
                raise ValueError(f"{reference} appears twice in the file (row {seen[reference.casefold()]}).")
            home = homes.get(cell("cqc_location_id").strip())
            if home is None:
                raise ValueError(f"No care home has the CQC location ID “{cell('cqc_location_id').strip()}”.")
            code = cell("pharmacy_ods_code").strip().upper()
            pharmacy = None
            if code:
                pharmacy = pharmacies.get(code)
                if pharmacy is None:
                    raise ValueError(f"No community pharmacy has the ODS code “{code}”.")
            elif home.supplying_pharmacy_id is None:
                raise ValueError(
                    f"{home.name} has no supplying pharmacy recorded: give the receiving pharmacy's ODS code."
                )
            discharged_on = _date(cell("discharge_date"))
            if discharged_on > timezone.localdate():
                raise ValueError("The discharge date is in the future.")
            channel = _channel(cell("channel"))
            same = [f for f in open_by_home_day.get((home.pk, discharged_on), []) if f.channel != channel]
            if same:
                result.errors.append(
                    RowError(
                        number,
                        f"{same[0].reference} was already sent for a resident of {home.name} discharged that day "
                        f"({same[0].get_channel_display()}). Record this one on the form to say whether it is the "
                        "same discharge.",
                        same[0],
                    )
                )
                continue
            result.new.append(
                Row(
                    row_number=number,
                    reference=reference,
                    channel=channel,
                    care_home=home,
                    pharmacy=pharmacy,
                    discharged_on=discharged_on,
                    reasons=_reasons(cell("reasons")),
                    changes_band=_band(cell("changes_band")),
                )
            )
            seen[reference.casefold()] = number
        except (ValueError, ValidationError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            result.errors.append(RowError(number, message))
    return result


@transaction.atomic
def followups_import(*, by, data: bytes, trust, skip_bad_rows=False):
    """Record every good row (all or nothing); returns (preview, applied).

    Rows that the service refuses at the last moment (a duplicate sent meanwhile, the same home,
    trust and date by another channel) become row errors, like any other bad row.
    """
    require(by, Permission.ADD_DISCHARGEFOLLOWUP, trust)
    result = preview(data, trust=trust)
    if result.errors and not skip_bad_rows:
        return result, False
    recorded = []
    for row in list(result.new):
        try:
            with transaction.atomic():
                recorded.append(
                    followup_record(
                        by=by,
                        trust=trust,
                        reference=row.reference,
                        channel=row.channel,
                        care_home=row.care_home,
                        pharmacy=row.pharmacy,
                        discharged_on=row.discharged_on,
                        reasons=row.reasons,
                        changes_band=row.changes_band,
                    )
                )
        except DuplicateReference as error:
            result.errors.append(RowError(row.row_number, str(error), error.existing))
            result.new.remove(row)
        except PossibleDuplicate as error:
            result.errors.append(
                RowError(
                    row.row_number,
                    f"{error} Record this one on the form to say whether it is the same discharge.",
                    error.existing,
                )
            )
            result.new.remove(row)
        except ValidationError as error:
            result.errors.append(RowError(row.row_number, " ".join(error.messages)))
            result.new.remove(row)
    if result.errors and not skip_bad_rows:
        transaction.set_rollback(True)
        return result, False
    result.errors.sort(key=lambda e: e.row_number)
    return result, True
