"""The resources the read API serves: what each holds, who may read it, and where its rows come from.

Every resource reads through the selectors the pages use (`visible_care_homes`, `carehome_list`,
`visits_for`, `gap_list`, `action_list`, `organisation_list`), so a token reads exactly what its
owner reads in the hub. Rows come as plain dicts from `.values()` in keyset order (by id), a
chunk at a time, so a page of 1,000 and a national CSV extract cost the same few queries per
chunk and constant memory.

Each resource declares a pydantic schema; the OpenAPI document, the JSON pages, the CSV columns
(in the schema's field order) and the data dictionary all come from that one declaration.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from ninja import Field, Schema

from actionplan.models import GapReport, Rag
from actionplan.report_terms import parse_week, week_of
from actionplan.selectors import action_list
from carehomes import gaps as gap_rules
from carehomes.models import Assignment, CareHome, Visit
from carehomes.selectors import carehome_list, visible_care_homes
from carehomes.visits.selectors import visits_for
from dashboard.selectors import Filters, filtered_homes, gap_list
from organisations.models import Organisation, Sector
from organisations.permissions import Permission
from workstreams.selectors import organisation_list

SMALL_NUMBER_MAX = 7  # aggregate figures from 1 to this are suppressed for publishing tokens
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


class ListQuery(Schema):
    """Query parameters every list takes; a filter a resource has no use for is ignored."""

    cursor: str | None = Field(
        None, max_length=100, pattern=r"^[A-Za-z0-9_-]*$", description="`next_cursor` of the page before"
    )
    limit: int = Field(100, ge=1, le=1000, description="Rows a page (1 to 1,000)")
    updated_since: datetime.datetime | None = Field(
        None,
        description="Only rows changed at or after this time (ISO 8601). Pair with /deletions for an "
        "incremental refresh",
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
        value = self.updated_since
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value

    def week_range(self):
        if not self.week:
            return None
        try:
            return parse_week(self.week)
        except ValidationError as error:
            raise BadQuery(error.messages[0]) from None


class BadQuery(Exception):
    """A query parameter that parses but makes no sense (e.g. week 2026-W60): a 400 with a message."""


def _label(choices):
    names = dict(choices)
    return lambda code: names.get(code, code) if code else ""


def _date(value):
    return value.isoformat() if value is not None else None


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
    key: str = Field(description="Stable key of the gap: rule, care home id, PCN id")
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


# --------------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class Resource:
    name: str  # in the URL: /api/v1/<name> and /api/v1/<name>.csv
    title: str
    permission: str  # the same permission the resource's page asks for
    schema: type[Schema]
    rows: Callable  # (user, query) -> a values() queryset in id order, or a list (computed resources)
    present: Callable  # (list of rows) -> list of dicts in the schema's shape (one query at most)
    updated_field: str | None = "updated_at"
    aggregate: bool = False
    computed: bool = False  # rows are computed in Python (gaps): keyed by `key`, not by id
    tags: tuple = field(default=())

    @property
    def columns(self):
        return list(self.schema.model_fields)


def _updated(qs, query, field_name="updated_at"):
    since = query.clean_updated_since()
    return qs.filter(**{f"{field_name}__gte": since}) if since else qs


# organisations ----------------------------------------------------------------------------

_kind = _label(Organisation.Kind.choices)
_sector = _label(Sector.choices)
_engagement = _label(Organisation.Engagement.choices)


def organisation_rows(user, query):
    qs = organisation_list()
    if query.locality:
        qs = qs.filter(locality=query.locality)
    if query.pcn:
        qs = qs.filter(Q(pk=query.pcn) | Q(parent_id=query.pcn))
    if query.organisation:
        qs = qs.filter(Q(pk=query.organisation) | Q(parent_id=query.organisation))
    return (
        _updated(qs, query)
        .order_by("pk")
        .values(
            "id",
            "name",
            "ods_code",
            "kind",
            "sector",
            "parent_id",
            "locality",
            "engagement",
            "committed_hours",
            "staff_count",
            "homes_supported",
            "homes_aligned",
            "updated_at",
        )
    )


def organisation_present(rows):
    return [
        r
        | {
            "ods_code": r["ods_code"] or None,
            "kind_label": _kind(r["kind"]),
            "sector_label": _sector(r["sector"]),
            "engagement": r["engagement"] or "",
            "engagement_label": _engagement(r["engagement"]),
            "committed_hours": float(r["committed_hours"]) if r["committed_hours"] is not None else None,
        }
        for r in rows
    ]


# care homes --------------------------------------------------------------------------------

_home_type = _label(CareHome.HomeType.choices)
_registration = _label(CareHome.Registration.choices)
_outbreak = _label(CareHome.Outbreak.choices)
GAP_FLAGS = {f"gap_{rule.code}": rule.code for rule in gap_rules.CARE_HOME_RULES}


def _organisation_homes(qs, query):
    if query.organisation:
        led = filtered_homes(Filters(organisation_id=query.organisation)).values("pk")
        qs = qs.filter(pk__in=led)
    return qs


def carehome_rows(user, query):
    qs = carehome_list(user=user, locality=query.locality or "", pcn=query.pcn)
    qs = _updated(_organisation_homes(qs, query), query)
    return qs.order_by("pk").values(
        "id",
        "name",
        "cqc_location_id",
        "address",
        "postcode",
        "locality",
        "beds",
        "home_type",
        "pcn_id",
        "practice_id",
        "registration_status",
        "outbreak_status",
        "outbreak_started_on",
        "lead_staff_id",
        "lead_name",
        "lead_organisation_id",
        "last_visited_on",
        "gap_count",
        "updated_at",
        *GAP_FLAGS,
        pcn_name=F("pcn__name"),
    )


def carehome_present(rows):
    specialisms = defaultdict(list)
    if rows:
        through = CareHome.specialisms.through.objects.filter(carehome_id__in=[r["id"] for r in rows])
        for home_id, code in through.order_by("specialism__code").values_list(
            "carehome_id", "specialism__code"
        ):
            specialisms[home_id].append(code)
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k not in GAP_FLAGS}
        row |= {
            "cqc_location_id": r["cqc_location_id"] or None,
            "pcn_name": r["pcn_name"] or "",
            "home_type_label": _home_type(r["home_type"]),
            "registration_status_label": _registration(r["registration_status"]),
            "outbreak_status_label": _outbreak(r["outbreak_status"]),
            "specialisms": specialisms.get(r["id"], []),
            "open_gaps": [code for flag, code in GAP_FLAGS.items() if r[flag]],
        }
        out.append(row)
    return out


# assignments -------------------------------------------------------------------------------

_assignment_role = _label(Assignment.Role.choices)


def assignment_rows(user, query):
    qs = Assignment.objects.filter(care_home__in=visible_care_homes(user).values("pk"))
    if query.locality:
        qs = qs.filter(care_home__locality=query.locality)
    if query.pcn:
        qs = qs.filter(care_home__pcn_id=query.pcn)
    if query.organisation:
        qs = qs.filter(
            Q(staff__organisation_id=query.organisation) | Q(staff__second_organisation_id=query.organisation)
        )
    return (
        _updated(qs, query)
        .order_by("pk")
        .values(
            "id",
            "care_home_id",
            "staff_id",
            "role",
            "hours_per_week",
            "starts_on",
            "ends_on",
            "updated_at",
            care_home_name=F("care_home__name"),
            staff_name=F("staff__name"),
            staff_organisation_id=F("staff__organisation_id"),
        )
    )


def assignment_present(rows):
    from django.utils import timezone

    today = timezone.localdate()
    return [
        r
        | {
            "role_label": _assignment_role(r["role"]),
            "hours_per_week": float(r["hours_per_week"]),
            "is_current": r["starts_on"] <= today and (r["ends_on"] is None or r["ends_on"] >= today),
        }
        for r in rows
    ]


# gaps --------------------------------------------------------------------------------------


def gap_key(gap):
    return f"{gap.rule.code}-{gap.care_home_id or 0}-{gap.pcn_id or 0}"


def gap_rows(user, query):
    """Current gaps, from the gap list's own selector, in a stable order (by key) for paging."""
    gaps = gap_list(
        Filters(locality=query.locality or "", pcn_id=query.pcn, organisation_id=query.organisation)
    )
    return sorted(
        (
            {
                "key": gap_key(g),
                "rule": g.rule.code,
                "rule_label": g.rule.name,
                "severity": g.rule.severity,
                "reason": g.reason,
                "care_home_id": g.care_home_id,
                "care_home_name": g.care_home_name,
                "pcn_id": g.pcn_id,
                "pcn_name": g.pcn_name,
                "locality": g.locality or "",
            }
            for g in gaps
        ),
        key=lambda row: row["key"],
    )


# visits ------------------------------------------------------------------------------------

_mode = _label(Visit.Mode.choices)
ACTIVITY_FIELDS = {f"activity_{code}": code for code in Visit.ACTIVITIES}
INTERVENTION_FIELDS = [f"interventions_{code}" for code in Visit.INTERVENTIONS]


def visit_rows(user, query):
    """The visits the visit list shows this person (a PM all, a pharmacy professional their own).
    Never the notes or the escalation text."""
    qs = visits_for(user)
    if query.locality:
        qs = qs.filter(care_home__locality=query.locality)
    if query.pcn:
        qs = qs.filter(care_home__pcn_id=query.pcn)
    if query.organisation:
        qs = qs.filter(staff__organisation_id=query.organisation)
    week = query.week_range()
    if week:
        qs = qs.filter(visited_on__range=week)
    return (
        _updated(qs, query)
        .order_by("pk")
        .values(
            "id",
            "care_home_id",
            "staff_id",
            "visited_on",
            "mode",
            "residents_reviewed",
            *INTERVENTION_FIELDS,
            "issues_escalated",
            "minutes_spent",
            "is_cover",
            "updated_at",
            *ACTIVITY_FIELDS,
            care_home_name=F("care_home__name"),
            staff_name=F("staff__name"),
            staff_organisation_id=F("staff__organisation_id"),
        )
    )


_week_of = functools.lru_cache(maxsize=4096)(week_of)


def visit_present(rows):
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k not in ACTIVITY_FIELDS}
        row["week"] = _week_of(r["visited_on"])
        row["mode_label"] = _mode(r["mode"])
        row["activities"] = [code for name, code in ACTIVITY_FIELDS.items() if r[name]]
        row["interventions_total"] = sum(r[name] for name in INTERVENTION_FIELDS)
        out.append(row)
    return out


# weekly gap reports ------------------------------------------------------------------------


def gap_report_rows(user, query):
    qs = GapReport.objects.filter(is_current=True)
    if query.week:
        query.week_range()  # refuses a week that does not exist
        qs = qs.filter(week=query.week)
    return (
        _updated(qs, query, "generated_at")
        .order_by("pk")
        .values("id", "week", "version", "generated_at", headlines=F("data__headlines"))
    )


def gap_report_present(rows):
    out = []
    for r in rows:
        h = r["headlines"] or {}
        by_rule = h.get("gaps_by_rule") or {}
        rag = h.get("rag") or {}
        row = {"id": r["id"], "week": r["week"], "version": r["version"], "generated_at": r["generated_at"]}
        for name in (
            "care_homes",
            "pct_with_lead",
            "pct_visited_28d",
            "in_outbreak",
            "outbreak_not_visited",
            "smrs_in_week",
            "residents_reviewed_in_week",
            "interventions_in_week",
            "open_requests",
            "pcns_no_hours",
            "gaps",
        ):
            row[name] = h.get(name)
        for rule in gap_rules.CARE_HOME_RULES:
            row[f"gaps_{rule.code}"] = by_rule.get(rule.code)
        for value in Rag.values:
            row[f"actions_{value}"] = rag.get(value)
        out.append(row)
    return out


# actions -----------------------------------------------------------------------------------

_rag = _label(Rag.choices)


def action_rows(user, query):
    qs = action_list()
    if query.organisation:
        qs = qs.filter(owner_organisation_id=query.organisation)
    return (
        _updated(qs, query)
        .order_by("pk")
        .values(
            "id",
            "number",
            "owner_organisation_id",
            "due_on",
            "rag",
            "is_open",
            "closed_on",
            "updated_at",
            section_code=F("section__code"),
            section_name=F("section__name"),
            owner_organisation_name=F("owner_organisation__name"),
        )
    )


def action_present(rows):
    return [
        {k: v for k, v in r.items() if k != "number"}
        | {"reference": f"{r['section_code']}-{r['number']:02d}", "rag_label": _rag(r["rag"])}
        for r in rows
    ]


# discharge follow-ups, aggregated ---------------------------------------------------------


def discharge_rows(user, query):
    """Follow-ups the person may see on the discharge pages, counted by week, trust, pharmacy and home.
    No references, no free text: only counts."""
    from django.db.models import Count
    from django.db.models.functions import TruncWeek

    from discharge.selectors import visible_followups
    from discharge.states import CLOSED_STATES, State

    qs = visible_followups(user).exclude(state=State.DUPLICATE)
    if query.locality:
        qs = qs.filter(care_home__locality=query.locality)
    if query.pcn:
        qs = qs.filter(care_home__pcn_id=query.pcn)
    if query.organisation:
        qs = qs.filter(Q(trust_id=query.organisation) | Q(pharmacy_id=query.organisation))
    week = query.week_range()
    if week:
        qs = qs.filter(discharged_on__range=week)
    issues = Q(issue_gp_mismatch=True) | Q(issue_stopped_in_packs=True) | Q(issue_mar_not_updated=True)
    issues |= Q(issue_not_sent=True) | Q(issue_other=True)
    grouped = (
        qs.annotate(week_start=TruncWeek("discharged_on"))
        .values("week_start", "trust_id", "pharmacy_id", "care_home_id")
        .annotate(
            trust_name=F("trust__name"),
            pharmacy_name=F("pharmacy__name"),
            care_home_name=F("care_home__name"),
            follow_ups=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            closed=Count("pk", filter=Q(state__in=CLOSED_STATES)),
            with_issues=Count("pk", filter=issues),
            onward_referrals=Count("pk", filter=Q(onward_referral=True)),
            readmitted_within_30_days=Count("pk", filter=Q(readmitted="yes")),
        )
        .order_by()
    )
    rows = []
    for r in grouped:
        start = r.pop("week_start")
        start = start.date() if isinstance(start, datetime.datetime) else start
        r["week"] = week_of(start)
        r["pharmacy_name"] = r["pharmacy_name"] or ""
        r["key"] = f"{r['week']}-{r['trust_id']}-{r['pharmacy_id'] or 0}-{r['care_home_id']}"
        rows.append(r)
    return sorted(rows, key=lambda row: row["key"])


RESOURCES = {
    r.name: r
    for r in (
        Resource(
            "organisations",
            "Organisations",
            Permission.VIEW_ORGANISATION,
            OrganisationOut,
            organisation_rows,
            organisation_present,
        ),
        Resource(
            "care-homes",
            "Care homes",
            Permission.VIEW_CAREHOME,
            CareHomeOut,
            carehome_rows,
            carehome_present,
        ),
        Resource(
            "assignments",
            "Assignments",
            Permission.VIEW_CAREHOME,
            AssignmentOut,
            assignment_rows,
            assignment_present,
        ),
        Resource(
            "gaps",
            "Current gaps",
            Permission.VIEW_GAPS,
            GapOut,
            gap_rows,
            list,
            updated_field=None,
            computed=True,
        ),
        Resource("visits", "Visits", Permission.LIST_VISITS, VisitOut, visit_rows, visit_present),
        Resource(
            "gap-reports",
            "Weekly gap reports",
            Permission.VIEW_GAPREPORT,
            GapReportOut,
            gap_report_rows,
            gap_report_present,
            updated_field="generated_at",
            aggregate=True,
        ),
        Resource(
            "actions", "Action plan actions", Permission.VIEW_ACTION, ActionOut, action_rows, action_present
        ),
        Resource(
            "discharge-follow-ups",
            "Discharge follow-ups by week, trust, pharmacy and home",
            Permission.LIST_FOLLOWUPS,
            DischargeWeekOut,
            discharge_rows,
            list,
            updated_field=None,
            aggregate=True,
            computed=True,
        ),
    )
}


def _description_from_name(name):
    words = name.replace("_", " ")
    if name == "id":
        return "Id: a number that never changes"
    if name.endswith("_id"):
        return f"Id of the {words[:-3]}"
    if name.endswith("_label"):
        return f"{words[:-6].capitalize()}, as the hub shows it"
    return words.capitalize()


def _describe_every_field():
    """Fields declared without a description get one from their name, so the OpenAPI document and
    the data dictionary describe every column."""
    for schema in {r.schema for r in RESOURCES.values()} | {DeletionOut}:
        changed = False
        for name, info in schema.model_fields.items():
            if not info.description:
                info.description = _description_from_name(name)
                changed = True
        if changed:
            schema.model_rebuild(force=True)


_describe_every_field()


def suppress_small_numbers(rows, schema):
    """Figures from 1 to 7 become null (for tokens whose figures are published outside the hub)."""
    counts = [
        name
        for name, info in schema.model_fields.items()
        if name not in ("id", "version") and not name.endswith("_id") and "int" in str(info.annotation)
    ]
    for row in rows:
        for name in counts:
            value = row.get(name)
            if isinstance(value, int) and 1 <= value <= SMALL_NUMBER_MAX:
                row[name] = None
    return rows
