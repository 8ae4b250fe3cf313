"""The month's ODS reference data, imported for real into the demo city.

The demo city's practice–PCN memberships are written out as an `epcncorepartnerdetails` report
in which one practice (with care homes) left its PCN for another 39 days ago, and an `etr`
report brings in a trust new to the hub. Both go through `organisations.services.ods_import`,
as the monthly task would send them: the practice moves, its care homes follow it (with
history), the trust waits for the project manager to choose its kind, and the Imports page has
a run to show. Chosen so that the story's deliberate gaps stay as they are: the practice leaves
a PCN of three or more practices with committed hours for another of at most four, also with
committed hours.
"""

import csv
import io
from datetime import timedelta

from django.db.models import Count, Q

from carehomes.models import CareHome
from organisations import services
from organisations.models import ImportRun, Organisation

Kind = Organisation.Kind
NEW_TRUST = ["RCD", "HARROGATE AND DISTRICT NHS FOUNDATION TRUST", "Y63", "QOQ", "LANCASTER PARK ROAD"]
NEW_TRUST += ["", "HARROGATE", "NORTH YORKSHIRE", "", "HG2 7SX", "19930401", "", *[""] * 15]


def _csv(rows):
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def _day(date):
    return date.strftime("%Y%m%d")


def import_a_month_of_ods(city):
    """Run one real ODS import over the demo city; returns its ImportRun."""
    pcns = list(
        Organisation.objects.filter(kind=Kind.PCN)
        .annotate(practice_count=Count("children", filter=Q(children__kind=Kind.GP_PRACTICE)))
        .order_by("ods_code")
    )
    with_hours = {p.pk: p for p in pcns if p.committed_hours > 0}
    homes_by_practice = set(CareHome.objects.values_list("practice_id", flat=True))
    practices = list(
        Organisation.objects.filter(kind=Kind.GP_PRACTICE).select_related("parent").order_by("ods_code")
    )
    mover = next(
        p
        for p in practices
        if p.pk in homes_by_practice
        and p.parent_id in with_hours
        and with_hours[p.parent_id].practice_count >= 3
    )
    target = next(p for p in with_hours.values() if p.pk != mover.parent_id and p.practice_count <= 4)
    joined = city.today - timedelta(days=39)
    rows = []
    for practice in practices:
        pcn = practice.parent
        area = [pcn.parent.ods_code if pcn.parent else "15F", "NHS WEST YORKSHIRE ICB - 15F"]
        start = "20190701"
        if practice == mover:
            rows.append([practice.ods_code, practice.name.upper(), *area, pcn.ods_code, pcn.name.upper()])
            rows[-1] += [*area, start, _day(joined - timedelta(days=1)), "TRUE"]
            pcn, start = target, _day(joined)
        rows.append([practice.ods_code, practice.name.upper(), *area, pcn.ods_code, pcn.name.upper()])
        rows[-1] += [*area, start, "", "TRUE"]
    _outcome, run = services.ods_import(
        by=None,
        files=[("epcncorepartnerdetails.csv", _csv(rows)), ("etr.csv", _csv([NEW_TRUST]))],
        via=ImportRun.Via.TASK,
    )
    return run
