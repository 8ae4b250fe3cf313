"""Hours available and assigned, by organisation and by sector: today's from each organisation's
kept totals (`carehomes.hours_state`), another day's or some homes' from the staff and assignments.
Read by the dashboard and frozen into the weekly report (`actionplan.gap_report_selectors`)."""

from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.utils import timezone

from carehomes.hours_state import refresh_expired as refresh_expired_hours
from carehomes.models import Assignment, OrganisationHours
from config.querysets import by_code_point
from organisations.models import Sector, StaffMember


def _number(value):
    """Decimal hours -> float for JSON; whole numbers stay whole."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(round(value, 1))


def _kept_hours(organisations=None):
    """Each organisation's hours from its kept totals (`carehomes.hours_state`): one query over a
    row per organisation, instead of summing every staff member and assignment."""
    refresh_expired_hours()
    kept = OrganisationHours.objects.filter(Q(staff_count__gt=0) | Q(assignment_count__gt=0))
    if organisations is not None:
        kept = kept.filter(organisation__in=organisations)
    return {
        org: {
            "organisation_id": org,
            "name": name,
            "sector": sector,
            "available": available if staff else Decimal(0),
            "assigned": assigned if assignments else Decimal(0),
        }
        for org, name, sector, available, assigned, staff, assignments in kept.values_list(
            "organisation",
            "organisation__name",
            "organisation__sector",
            "available_hours",
            "assigned_hours",
            "staff_count",
            "assignment_count",
        )
    }


def hours_summary(*, organisations=None, limit=25, raw=False):
    """Today's hours as the dashboard shows them: the sums by sector, the `limit` organisations
    with most hours available (then by name) and the rest summed, from each organisation's kept
    totals in two queries, summing in the database rather than building a row per employer
    (2,600 at national scale). The same figures as `hours_by()` cut to `limit` rows; `raw` cuts
    `hours_by(raw=True)` instead (the drift tests compare the two)."""
    if raw:
        return _summarised(hours_by(organisations=organisations, raw=True), limit)
    refresh_expired_hours()
    kept = OrganisationHours.objects.filter(Q(staff_count__gt=0) | Q(assignment_count__gt=0))
    if organisations is not None:
        kept = kept.filter(organisation__in=organisations)
    zero = Value(Decimal(0))
    kept = kept.annotate(
        available=Case(When(staff_count__gt=0, then=F("available_hours")), default=zero),
        assigned=Case(When(assignment_count__gt=0, then=F("assigned_hours")), default=zero),
    )
    sector_names = dict(Sector.choices)
    sectors = [
        {
            "sector": sector,
            "name": sector_names.get(sector, sector),
            "available": available or Decimal(0),
            "assigned": assigned or Decimal(0),
            "organisations": n,
        }
        for sector, available, assigned, n in kept.values("organisation__sector")
        .annotate(a=Sum("available"), s=Sum("assigned"), n=Count("pk"))
        .order_by()
        .values_list("organisation__sector", "a", "s", "n")
    ]
    # Ties on hours by name in code-point order, as Python sorts them.
    largest = [
        {"organisation_id": org, "name": name, "sector": sector, "available": available, "assigned": assigned}
        for org, name, sector, available, assigned in kept.order_by(
            F("available").desc(), by_code_point("organisation__name")
        ).values_list("organisation", "organisation__name", "organisation__sector", "available", "assigned")[
            :limit
        ]
    ]
    return _summary(sectors, largest)


def _summarised(hours, limit):
    """`hours_by`'s figures cut as `hours_summary` cuts them."""
    sectors = [
        s | {"organisations": sum(1 for o in hours["by_organisation"] if o["sector"] == s["sector"])}
        for s in hours["by_sector"]
    ]
    ordered = sorted(hours["by_organisation"], key=lambda o: (-(o["available"] or 0), o["name"]))
    return _summary(sectors, ordered[:limit])


def _summary(sectors, largest):
    def plain(entry):
        return entry | {"available": _number(entry["available"]), "assigned": _number(entry["assigned"])}

    total = sum(s["organisations"] for s in sectors)
    others = {
        "organisations": total - len(largest),
        "available": _number(
            sum(Decimal(str(s["available"])) for s in sectors)
            - sum(Decimal(str(o["available"])) for o in largest)
        ),
        "assigned": _number(
            sum(Decimal(str(s["assigned"])) for s in sectors)
            - sum(Decimal(str(o["assigned"])) for o in largest)
        ),
    }
    return {
        "by_sector": [
            {k: v for k, v in plain(s).items() if k != "organisations"}
            for s in sorted(sectors, key=lambda s: s["name"])
        ],
        "by_organisation": [plain(o) for o in largest],
        "others": others,
    }


def hours_by(*, as_of=None, homes=None, organisations=None, raw=False):
    """Hours available (active staff) and assigned (current assignments), by organisation and by
    sector. `homes` narrows assigned hours to those homes, `organisations` narrows both to those
    employers. For today and all homes, read from each organisation's kept totals (one query);
    otherwise (or `raw`) two grouped queries over the staff and assignments."""
    as_of = as_of or timezone.localdate()
    if homes is None and not raw and as_of == timezone.localdate():
        return _by_sector(_kept_hours(organisations))
    staff = StaffMember.objects.filter(is_active=True).deployable()
    assignments = Assignment.objects.current(as_of)
    if homes is not None:
        assignments = assignments.filter(care_home__in=homes.values("pk"))
        # Only the employers that work in these homes, so a locality's table is about it.
        staff = staff.filter(
            organisation__in=StaffMember.objects.filter(
                Exists(assignments.filter(staff=OuterRef("pk")))
            ).values("organisation")
        )
    if organisations is not None:
        staff = staff.filter(organisation__in=organisations)
        assignments = assignments.filter(staff__organisation__in=organisations)
    available = staff.values("organisation", "organisation__name", "organisation__sector").annotate(
        hours=Sum("hours_per_week")
    )
    assigned = assignments.values(
        "staff__organisation", "staff__organisation__name", "staff__organisation__sector"
    )
    assigned = assigned.annotate(hours=Sum("hours_per_week"))
    rows = {}
    for row in available.order_by():
        rows[row["organisation"]] = {
            "organisation_id": row["organisation"],
            "name": row["organisation__name"],
            "sector": row["organisation__sector"],
            "available": row["hours"] or Decimal(0),
            "assigned": Decimal(0),
        }
    for row in assigned.order_by():
        entry = rows.setdefault(
            row["staff__organisation"],
            {
                "organisation_id": row["staff__organisation"],
                "name": row["staff__organisation__name"],
                "sector": row["staff__organisation__sector"],
                "available": Decimal(0),
                "assigned": Decimal(0),
            },
        )
        entry["assigned"] = row["hours"] or Decimal(0)
    return _by_sector(rows)


def _by_sector(rows):
    """The organisations' rows in name order, and their sums by sector."""
    sector_names = dict(Sector.choices)
    by_sector = {}
    for entry in rows.values():
        sector = by_sector.setdefault(
            entry["sector"],
            {
                "sector": entry["sector"],
                "name": sector_names.get(entry["sector"], entry["sector"]),
                "available": Decimal(0),
                "assigned": Decimal(0),
            },
        )
        sector["available"] += entry["available"]
        sector["assigned"] += entry["assigned"]

    def plain(entry):
        return entry | {"available": _number(entry["available"]), "assigned": _number(entry["assigned"])}

    return {
        "by_organisation": [plain(e) for e in sorted(rows.values(), key=lambda e: e["name"])],
        "by_sector": [plain(e) for e in sorted(by_sector.values(), key=lambda e: e["name"])],
    }
