"""What the read API's resources hold: one pydantic schema per resource, and the query every list takes.

The OpenAPI document, the JSON pages, the CSV columns (in the schema's field order) and the data
dictionary all come from these declarations (`api.resources` fills in any missing description).
"""

import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Schema

from actionplan.report_terms import parse_week

NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


class ListQuery(Schema):
    """Query parameters every list takes; a filter a resource has no use for is ignored."""

    cursor: str | None = Field(
        None, max_length=100, pattern=r"^[A-Za-z0-9_-]*$", description="`next_cursor` of the page before"
    )
    limit: int = Field(100, ge=1, le=1000, description="Rows a page (1 to 1,000)")
    updated_since: datetime.datetime | None = Field(
        None,
        description="Only rows whose answer may have changed at or after this time (ISO 8601): edited, "
        "or with figures that moved (a home's lead, last visit or gaps; an assignment starting or ending; "
        "a name shown). Pair with /deletions for an incremental refresh. Ignored by gaps and "
        "discharge-follow-ups, which are figures of the moment: read them whole",
    )
    locality: str | None = Field(None, max_length=100, pattern=NO_CONTROL_CHARACTERS, description="Locality")
    pcn: int | None = Field(None, ge=1, le=2**62, description="Id of the aligned PCN")
    organisation: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="Id of an organisation: homes it leads or is aligned to; its staff's assignments "
        "and visits; the actions it owns",
    )
    week: str | None = Field(
        None, pattern=r"^\d{4}-W\d{2}$", description="ISO week, e.g. 2026-W48 (visits, weekly gap reports)"
    )

    def clean_updated_since(self):
        """The time in UTC (none given: UTC). PostgreSQL refuses offsets past ±15:59, which ISO 8601
        allows (a 500 the schemathesis run found), so the offset is applied here."""
        value = self.updated_since
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise BadQuery("updated_since is outside the years 1 to 9999 once made UTC.") from None

    def week_range(self):
        if not self.week:
            return None
        try:
            return parse_week(self.week)
        except ValidationError as error:
            raise BadQuery(error.messages[0]) from None


class BadQuery(Exception):
    """A query parameter that parses but makes no sense (e.g. week 2026-W60): a 400 with a message."""


# --------------------------------------------------------------------------------- schemas


class OrganisationOut(Schema):
    id: int
    name: str
    ods_code: str | None = Field(description="ODS code, when it has one")
    kind: str = Field(description="Kind of organisation (code)")
    kind_label: str = Field(description="Kind of organisation, as the hub shows it")
    sector: str = Field(description="Sector (code)")
    sector_label: str = Field(description="Sector, as the hub shows it")
    parent_id: int | None = Field(description="Id of the parent organisation (practice → PCN → ICB)")
    locality: str
    engagement: str = Field(description="PCN engagement (code): engaged, hesitant, not_engaged or blank")
    engagement_label: str
    committed_hours: float | None = Field(description="Staff hours a week a PCN has committed")
    staff_count: int = Field(description="Active staff employed")
    homes_supported: int = Field(description="Care homes its staff are assigned to now")
    homes_aligned: int = Field(description="Care homes aligned to it (PCNs)")
    updated_at: datetime.datetime


class CareHomeOut(Schema):
    id: int
    name: str
    cqc_location_id: str | None = Field(description="CQC location ID (1- and digits)")
    address: str
    postcode: str
    locality: str
    beds: int
    home_type: str = Field(description="residential, nursing or both")
    home_type_label: str
    specialisms: list[str] = Field(description="Specialism codes; in CSV, separated by semicolons")
    specialism_labels: list[str] = Field(
        description="The specialisms as the hub shows them, in the order of their codes; CSV: semicolons"
    )
    pcn_id: int | None = Field(description="Id of the aligned PCN")
    pcn_name: str
    practice_id: int | None = Field(description="Id of the aligned GP practice")
    registration_status: str
    registration_status_label: str
    outbreak_status: str
    outbreak_status_label: str
    outbreak_started_on: datetime.date | None
    lead_staff_id: int | None = Field(description="Id of the current named lead (none: a gap)")
    lead_name: str | None = Field(description="Name of the current named lead")
    lead_organisation_id: int | None = Field(description="Id of the lead's employing organisation")
    last_visited_on: datetime.date | None = Field(description="Date of the latest visit")
    open_gaps: list[str] = Field(description="Codes of the home's current gaps (see /gaps); CSV: semicolons")
    open_gap_labels: list[str] = Field(
        description="The home's current gaps as the hub names them, in the order of their codes; CSV: semicolons"
    )
    gap_count: int
    updated_at: datetime.datetime


class AssignmentOut(Schema):
    id: int
    care_home_id: int
    care_home_name: str
    staff_id: int
    staff_name: str
    staff_organisation_id: int = Field(description="Id of the staff member's employing organisation")
    role: str = Field(description="lead (the named lead) or support")
    role_label: str
    hours_per_week: float
    starts_on: datetime.date
    ends_on: datetime.date | None = Field(description="Last day, or none while it lasts")
    is_current: bool = Field(description="Started and not yet ended today")
    updated_at: datetime.datetime


class GapOut(Schema):
    key: str = Field(
        description="Stable key of the gap: rule, care home id, PCN id (and the id of the organisation "
        "a gap about neither is about)"
    )
    rule: str = Field(description="Gap rule (code)")
    rule_label: str = Field(description="Gap rule, as the hub shows it")
    severity: str = Field(description="high, medium or low")
    reason: str = Field(description="Why, in plain English")
    care_home_id: int | None
    care_home_name: str
    pcn_id: int | None
    pcn_name: str
    locality: str


class VisitOut(Schema):
    id: int
    care_home_id: int
    care_home_name: str
    staff_id: int
    staff_name: str
    staff_organisation_id: int
    visited_on: datetime.date
    week: str = Field(description="ISO week of the visit")
    mode: str = Field(description="on_site, video or phone")
    mode_label: str
    activities: list[str] = Field(description="Activity codes; CSV: semicolons")
    activity_labels: list[str] = Field(
        description="The activities as the hub shows them, in the order of their codes; CSV: semicolons"
    )
    residents_reviewed: int
    interventions_stopped: int
    interventions_dose_changed: int
    interventions_started: int
    interventions_switched: int
    interventions_monitoring: int
    interventions_total: int
    issues_escalated: int
    minutes_spent: int | None
    is_cover: bool = Field(description="Made by someone not assigned to the home")
    updated_at: datetime.datetime


class GapReportOut(Schema):
    id: int
    week: str = Field(description="ISO week")
    version: int
    generated_at: datetime.datetime
    care_homes: int | None
    pct_with_lead: float | None = Field(description="Per cent of homes with a named lead")
    pct_visited_28d: float | None = Field(description="Per cent of homes visited in the last 28 days")
    in_outbreak: int | None
    outbreak_not_visited: int | None
    smrs_in_week: int | None = Field(description="Structured medication reviews in the week")
    residents_reviewed_in_week: int | None
    interventions_in_week: int | None
    open_requests: int | None = Field(description="Open requests for help")
    pcns_no_hours: int | None = Field(description="PCNs with homes and no committed hours")
    gaps: int | None = Field(description="Every gap")
    gaps_no_lead: int | None
    gaps_outbreak_not_visited: int | None
    gaps_no_recent_visit: int | None
    gaps_lead_over_capacity: int | None
    actions_red: int | None = Field(description="Open actions rated red")
    actions_amber: int | None
    actions_green: int | None


class ActionOut(Schema):
    id: int
    reference: str = Field(description="Reference, e.g. PH-03")
    section_code: str
    section_name: str
    owner_organisation_id: int
    owner_organisation_name: str
    due_on: datetime.date
    rag: str = Field(description="red, amber or green")
    rag_label: str
    is_open: bool
    closed_on: datetime.date | None
    updated_at: datetime.datetime


class DischargeWeekOut(Schema):
    key: str = Field(description="Stable key of the row: week, trust id, pharmacy id, care home id")
    week: str = Field(description="ISO week of the discharge date")
    trust_id: int
    trust_name: str
    pharmacy_id: int | None
    pharmacy_name: str
    care_home_id: int
    care_home_name: str
    follow_ups: int | None = Field(description="Discharges needing follow-up (merged duplicates left out)")
    acknowledged: int | None = Field(description="Acknowledged by the pharmacy")
    closed: int | None = Field(description="Closed, complete or partial")
    with_issues: int | None = Field(description="With at least one issue found")
    onward_referrals: int | None = Field(description="Referred on for a medication review")
    readmitted_within_30_days: int | None


class DeletionOut(Schema):
    resource: str
    id: int
    deleted_at: datetime.datetime
