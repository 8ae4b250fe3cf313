"""Where the read API's row resources come from: one `<name>_rows(user, query)` and `<name>_present(rows)`
per resource.

Every resource reads through the selectors the pages use (`visible_care_homes`, `carehome_list`,
`visits_for`, `action_list`, `organisation_list`), so a token reads exactly what its owner reads in
the hub. Rows come as plain dicts from `.values()` in keyset order (by id), a chunk at a time, so a
page of 1,000 and a national CSV extract cost the same few queries per chunk and constant memory.
"""

import functools
from collections import defaultdict

from django.db.models import F, Q
from django.utils import timezone

from actionplan.models import Rag
from actionplan.report_terms import week_of
from actionplan.selectors import action_list
from api import changes
from api.csv_copy import column, sql_text, text_from_choices
from api.schemas import CareHomeOut
from carehomes import gaps as gap_rules
from carehomes.models import Assignment, CareHome, Visit
from carehomes.selectors import carehome_list, visible_care_homes
from carehomes.visits.selectors import visits_for
from config.exports import safe_cell
from config.querysets import filter_given, ids_in
from dashboard.selectors import Filters, filtered_homes
from organisations.models import Organisation, Sector
from workstreams.selectors import organisation_list


def label(choices):
    names = dict(choices)
    return lambda code: names.get(code, code) if code else ""


def updated(qs, query, field_name="updated_at", *, changed=None):
    """The rows to send again for `updated_since`: those `changed(since)` holds for (`api.changes`:
    figures read from other tables or the calendar), else those whose `field_name` moved since."""
    since = query.clean_updated_since()
    if not since:
        return qs
    return qs.filter(changed(since)) if changed else qs.filter(**{f"{field_name}__gte": since})


# Rows about a care home and a staff member (assignments, visits): their names and the
# person's organisation beside the ids.
HOME_AND_STAFF_NAMES = {
    "care_home_name": F("care_home__name"),
    "staff_name": F("staff__name"),
    "staff_organisation_id": F("staff__organisation_id"),
}


def in_home_area(qs, query):
    """Rows of the homes in the query's locality and PCN (when it names them)."""
    return filter_given(qs, care_home__locality=query.locality, care_home__pcn_id=query.pcn)


# organisations ----------------------------------------------------------------------------

_kind = label(Organisation.Kind.choices)
_sector = label(Sector.choices)
_engagement = label(Organisation.Engagement.choices)


def organisation_rows(user, query):
    qs = organisation_list()
    if query.locality:
        qs = qs.filter(locality=query.locality)
    if query.pcn:
        qs = qs.filter(Q(pk=query.pcn) | Q(parent_id=query.pcn))
    if query.organisation:
        qs = qs.filter(Q(pk=query.organisation) | Q(parent_id=query.organisation))
    return (
        updated(qs, query, changed=changes.organisations_changed)
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

_home_type = label(CareHome.HomeType.choices)
_registration = label(CareHome.Registration.choices)
_outbreak = label(CareHome.Outbreak.choices)
GAP_FLAGS = {f"gap_{rule.code}": rule.code for rule in gap_rules.CARE_HOME_RULES}
GAP_NAMES = {rule.code: rule.name for rule in gap_rules.CARE_HOME_RULES}


def _organisation_homes(qs, query):
    if query.organisation:
        led = filtered_homes(Filters(organisation_id=query.organisation)).values("pk")
        qs = qs.filter(pk__in=led)
    return qs


def carehome_rows(user, query):
    qs = carehome_list(user=user, locality=query.locality or "", pcn=query.pcn)
    qs = updated(_organisation_homes(qs, query), query, changed=changes.care_homes_changed)
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


CAREHOME_COLUMNS = list(CareHomeOut.model_fields)


def carehome_present(rows):
    """The rows (consumed) as `CareHomeOut` dicts, keys in the schema's order: its specialisms
    (one query, the page's ids as one parameter), labels, and the codes of its open gaps."""
    specialisms = defaultdict(list)
    if rows:
        through = CareHome.specialisms.through.objects.filter(ids_in("carehome_id", [r["id"] for r in rows]))
        for home_id, code, name in through.order_by("specialism__code").values_list(
            "carehome_id", "specialism__code", "specialism__name"
        ):
            specialisms[home_id].append((code, name))
    out = []
    for r in rows:
        r["cqc_location_id"] = r["cqc_location_id"] or None
        r["pcn_name"] = r["pcn_name"] or ""
        r["home_type_label"] = _home_type(r["home_type"])
        r["registration_status_label"] = _registration(r["registration_status"])
        r["outbreak_status_label"] = _outbreak(r["outbreak_status"])
        r["specialisms"] = [code for code, _ in specialisms.get(r["id"], ())]
        r["specialism_labels"] = [name for _, name in specialisms.get(r["id"], ())]
        r["open_gaps"] = [code for flag, code in GAP_FLAGS.items() if r[flag]]
        r["open_gap_labels"] = [GAP_NAMES[code] for code in r["open_gaps"]]
        out.append({name: r[name] for name in CAREHOME_COLUMNS})
    return out


# assignments -------------------------------------------------------------------------------

_assignment_role = label(Assignment.Role.choices)


def assignment_rows(user, query):
    qs = in_home_area(Assignment.objects.filter(care_home__in=visible_care_homes(user).values("pk")), query)
    if query.organisation:
        qs = qs.filter(
            Q(staff__organisation_id=query.organisation) | Q(staff__second_organisation_id=query.organisation)
        )
    return (
        updated(qs, query, changed=changes.assignments_changed)
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
            **HOME_AND_STAFF_NAMES,
        )
    )


def assignment_present(rows):
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


# visits ------------------------------------------------------------------------------------

_mode = label(Visit.Mode.choices)
ACTIVITY_FIELDS = {f"activity_{code}": code for code in Visit.ACTIVITIES}
INTERVENTION_FIELDS = [f"interventions_{code}" for code in Visit.INTERVENTIONS]


def visit_rows(user, query):
    """The visits the visit list shows this person (a PM all, a pharmacy professional their own).
    Never the notes or the escalation text."""
    qs = in_home_area(visits_for(user), query)
    if query.organisation:
        qs = qs.filter(staff__organisation_id=query.organisation)
    week = query.week_range()
    if week:
        qs = qs.filter(visited_on__range=week)
    return (
        updated(qs, query, changed=changes.visits_changed)
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
            **HOME_AND_STAFF_NAMES,
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
        row["activity_labels"] = [Visit.ACTIVITIES[code] for code in row["activities"]]
        row["interventions_total"] = sum(r[name] for name in INTERVENTION_FIELDS)
        out.append(row)
    return out


def _unchanged_by_safe_cell(text):
    """A fixed label the Python path writes as it is (joined, it starts a cell only with itself)."""
    if safe_cell(text) != text or ";" in text:
        raise ValueError(f"{text!r}: the COPY path would have to make this label safe in SQL")
    return text


def visit_copy_columns():
    """`visit_present`'s derived columns in SQL over `visit_rows`' columns, already as the CSV shows
    them (for the COPY path, `api.csv_copy`): the ISO week, the mode's label, the activity codes and labels
    joined with semicolons, the interventions' total. Codes are identifiers: nothing to make safe."""
    activities = ", ".join(
        f"CASE WHEN {column(name)} THEN {sql_text(code)} END" for name, code in ACTIVITY_FIELDS.items()
    )
    labels = ", ".join(
        f"CASE WHEN {column(name)} THEN {sql_text(_unchanged_by_safe_cell(Visit.ACTIVITIES[code]))} END"
        for name, code in ACTIVITY_FIELDS.items()
    )
    return {
        "week": f"""to_char({column("visited_on")}, 'IYYY-"W"IW')""",
        "mode": text_from_choices(column("mode"), {code: code for code in Visit.Mode.values}),
        "mode_label": text_from_choices(column("mode"), dict(Visit.Mode.choices)),
        "activities": f"NULLIF(concat_ws(';', {activities}), '')",
        "activity_labels": f"NULLIF(concat_ws(';', {labels}), '')",
        "interventions_total": "("
        + " + ".join(f"{column(name)}::bigint" for name in INTERVENTION_FIELDS)
        + ")",
    }


# actions -----------------------------------------------------------------------------------

_rag = label(Rag.choices)


def action_rows(user, query):
    qs = action_list()
    if query.organisation:
        qs = qs.filter(owner_organisation_id=query.organisation)
    return (
        updated(qs, query, changed=changes.actions_changed)
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
