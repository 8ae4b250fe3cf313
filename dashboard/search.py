"""Search from the header: care homes, staff, organisations, requests for help and actions.

Each kind is searched only when the person may see it, and care homes only among those they may
see, so a result never reveals what a page would refuse. A fixed number of queries (one per kind)
whatever the size of the city; each kind shows its first few matches and links to its full list.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from actionplan.models import Action
from carehomes.selectors import visible_care_homes
from organisations.access import may
from organisations.models import Organisation, StaffMember
from organisations.permissions import Permission
from workstreams.models import SupportRequest

RESULTS_PER_KIND = 10
MIN_QUERY_LENGTH = 2
_REFERENCE = re.compile(r"^\s*([A-Za-z]{1,10})-?(\d{1,6})\s*$")


@dataclass
class Result:
    text: str
    href: str
    hint: str = ""


@dataclass
class Group:
    title: str
    results: list = field(default_factory=list)
    more_href: str = ""
    more_text: str = ""


def _care_homes(user, query):
    homes = visible_care_homes(user).filter(
        Q(name__icontains=query) | Q(cqc_location_id__iexact=query) | Q(postcode__istartswith=query)
    )
    rows = homes.order_by("name").values("pk", "name", "postcode", "locality")[: RESULTS_PER_KIND + 1]
    return [
        Result(
            r["name"],
            reverse("carehomes:detail", args=[r["pk"]]),
            ", ".join(filter(None, [r["locality"], r["postcode"]])),
        )
        for r in rows
    ]


def _staff(query):
    people = StaffMember.objects.filter(Q(name__icontains=query) | Q(gphc_number=query.replace(" ", "")))
    rows = people.order_by("name").values("pk", "name", "role", "organisation__name", "is_active")[
        : RESULTS_PER_KIND + 1
    ]
    roles = dict(StaffMember.Role.choices)
    return [
        Result(
            r["name"],
            reverse("carehomes:staff_detail", args=[r["pk"]]),
            f"{roles.get(r['role'], '')}, {r['organisation__name']}" + ("" if r["is_active"] else " (left)"),
        )
        for r in rows
    ]


def _organisations(query):
    rows = (
        Organisation.objects.filter(Q(name__icontains=query) | Q(ods_code__iexact=query))
        .order_by("name")
        .values("pk", "name", "kind")[: RESULTS_PER_KIND + 1]
    )
    kinds = dict(Organisation.Kind.choices)
    return [
        Result(r["name"], reverse("organisations:detail", args=[r["pk"]]), kinds.get(r["kind"], ""))
        for r in rows
    ]


def _requests(query):
    rows = (
        SupportRequest.objects.filter(Q(title__icontains=query) | Q(organisation__name__icontains=query))
        .order_by("-created_at")
        .values("pk", "title", "organisation__name", "status")[: RESULTS_PER_KIND + 1]
    )
    statuses = dict(SupportRequest.Status.choices)
    return [
        Result(
            r["title"],
            reverse("workstreams:request_detail", args=[r["pk"]]),
            f"{r['organisation__name']}, {statuses.get(r['status'], '').lower()}",
        )
        for r in rows
    ]


def _actions(query):
    condition = Q(description__icontains=query)
    reference = _REFERENCE.match(query)
    if reference:
        condition |= Q(section__code__iexact=reference[1], number=int(reference[2]))
    rows = (
        Action.objects.filter(condition)
        .order_by("section__code", "number")
        .values("pk", "section__code", "number", "description", "is_open")[: RESULTS_PER_KIND + 1]
    )
    return [
        Result(
            f"{r['section__code']}-{r['number']:02d}: {r['description'][:80]}",
            reverse("actionplan:action_detail", args=[r["pk"]]),
            "Open" if r["is_open"] else "Closed",
        )
        for r in rows
    ]


def search_everything(*, user, query):
    """The groups of results a person may see for `query`, in the order of the header's kinds."""
    query = (query or "").strip()[:100]
    if len(query) < MIN_QUERY_LENGTH:
        return []
    kinds = []
    if may(user, Permission.VIEW_CAREHOME) or may(user, Permission.VIEW_MY_CARE_HOMES):
        kinds.append(("Care homes", _care_homes(user, query), "carehomes:list", {"q": query}))
    if may(user, Permission.VIEW_STAFF):
        kinds.append(("Staff", _staff(query), "carehomes:staff_list", {"q": query}))
    if may(user, Permission.VIEW_ORGANISATION):
        kinds.append(("Organisations", _organisations(query), "organisations:list", None))
    if may(user, Permission.VIEW_SUPPORTREQUEST):
        kinds.append(("Requests for help", _requests(query), "workstreams:request_list", None))
    if may(user, Permission.VIEW_ACTION):
        kinds.append(("Actions", _actions(query), "actionplan:index", None))
    groups = []
    for title, results, list_name, params in kinds:
        group = Group(title, results[:RESULTS_PER_KIND])
        if len(results) > RESULTS_PER_KIND and params is not None:
            group.more_href = f"{reverse(list_name)}?{urlencode(params)}"
            group.more_text = f"See every match in {title.lower()}"
        groups.append(group)
    return groups
