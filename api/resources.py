"""The resources the read API serves: what each holds, who may read it, and where its rows come from.

Each resource is a schema (`api.schemas`), a rows function and a present function (`api.rows`,
`api.aggregates`) and one entry in `RESOURCES`; the JSON, CSV, OpenAPI document and data
dictionary follow from the schema.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ninja import Schema

from api import aggregates, rows
from api.schemas import (
    ActionOut,
    AssignmentOut,
    CareHomeOut,
    DeletionOut,
    DischargeWeekOut,
    GapOut,
    GapReportOut,
    OrganisationOut,
    VisitOut,
)
from organisations.permissions import Permission

SMALL_NUMBER_MAX = 7  # aggregate figures from 1 to this are suppressed for publishing tokens


@dataclass(frozen=True)
class Resource:
    name: str  # in the URL: /api/v1/<name> and /api/v1/<name>.csv
    title: str
    permission: str  # the same permission the resource's page asks for
    schema: type[Schema]
    rows: (
        Callable  # (user, query) -> a values() queryset in id order; computed: (user, query, after=, chunk=)
    )
    # -> an iterator of rows in key order from the key `after` on, `chunk` rows a query
    present: Callable  # (list of rows) -> list of dicts in the schema's shape (one query at most)
    updated_field: str | None = "updated_at"
    aggregate: bool = False
    computed: bool = False  # rows keyed by `key`, not by id (gaps, discharge aggregates)
    # () -> {column: SQL} of the present function's derived columns: on PostgreSQL the CSV is then
    # one COPY written by the server (api.csv_copy); without it, rows pass through Python.
    copy_columns: Callable | None = None
    tags: tuple = field(default=())

    @property
    def columns(self):
        return list(self.schema.model_fields)


RESOURCES = {
    r.name: r
    for r in (
        Resource(
            "organisations",
            "Organisations",
            Permission.VIEW_ORGANISATION,
            OrganisationOut,
            rows.organisation_rows,
            rows.organisation_present,
        ),
        Resource(
            "care-homes",
            "Care homes",
            Permission.VIEW_CAREHOME,
            CareHomeOut,
            rows.carehome_rows,
            rows.carehome_present,
        ),
        Resource(
            "assignments",
            "Assignments",
            Permission.VIEW_CAREHOME,
            AssignmentOut,
            rows.assignment_rows,
            rows.assignment_present,
        ),
        Resource(
            "gaps",
            "Current gaps",
            Permission.VIEW_GAPS,
            GapOut,
            aggregates.gap_rows,
            list,
            updated_field=None,
            computed=True,
        ),
        Resource(
            "visits",
            "Visits",
            Permission.LIST_VISITS,
            VisitOut,
            rows.visit_rows,
            rows.visit_present,
            copy_columns=rows.visit_copy_columns,
        ),
        Resource(
            "gap-reports",
            "Weekly gap reports",
            Permission.VIEW_GAPREPORT,
            GapReportOut,
            aggregates.gap_report_rows,
            aggregates.gap_report_present,
            updated_field="generated_at",
            aggregate=True,
        ),
        Resource(
            "actions",
            "Action plan actions",
            Permission.VIEW_ACTION,
            ActionOut,
            rows.action_rows,
            rows.action_present,
        ),
        Resource(
            "discharge-follow-ups",
            "Discharge follow-ups by week, trust, pharmacy and home",
            Permission.LIST_FOLLOWUPS,
            DischargeWeekOut,
            aggregates.discharge_rows,
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
