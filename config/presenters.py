"""Display helpers shared by every page: navigation per role, dates, tags."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from config.dates import generated_on, iso_week_label, uk_date, uk_datetime, uk_time  # noqa: F401
from config.forms import id_from_text
from organisations.access import (
    COMMUNITY_PHARMACY,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    SLT,
    TRUST_DISCHARGE_TEAM,
    role_names,
)

_NAV = {
    "dashboard": ("Dashboard", "dashboard:index"),
    "gaps": ("Gaps", "dashboard:gaps"),
    "care_homes": ("Care homes", "carehomes:list"),
    "my_care_homes": ("My care homes", "carehomes:mine"),
    "staff": ("Staff", "carehomes:staff_list"),
    "visits": ("Visits", "carehomes:visit_list"),
    "my_visits": ("My visits", "carehomes:visit_list"),
    "action_plan": ("Action plan", "actionplan:index"),
    "reports": ("Reports", "actionplan:report_list"),
    "workstreams": ("Workstreams", "workstreams:list"),
    "help_requests": ("Requests for help", "workstreams:request_list"),
    "organisations": ("Organisations", "organisations:list"),
    "my_organisation": ("My organisation", "organisations:mine"),
    "teams": ("Teams", "teams:list"),
    "discharges": ("Discharges", "discharge:list"),
    "discharge_upload": ("Upload discharges", "discharge:upload"),
    "imports": ("Imports", "imports:list"),
}

_NAV_BY_ROLE = [
    (
        SLT,
        [
            "dashboard",
            "gaps",
            "care_homes",
            "staff",
            "action_plan",
            "reports",
            "discharges",
            "workstreams",
            "help_requests",
            "organisations",
            "teams",
        ],
    ),
    (
        PROJECT_MANAGER,
        [
            "gaps",
            "dashboard",
            "care_homes",
            "staff",
            "visits",
            "action_plan",
            "reports",
            "discharges",
            "workstreams",
            "help_requests",
            "organisations",
            "teams",
            "imports",
        ],
    ),
    (
        PHARMACY_PROFESSIONAL,
        ["my_care_homes", "my_visits", "discharges", "workstreams", "help_requests", "organisations"],
    ),
    (ORGANISATION_LEAD, ["my_organisation", "help_requests", "workstreams", "organisations"]),
    (TRUST_DISCHARGE_TEAM, ["discharges", "discharge_upload", "organisations"]),
    (COMMUNITY_PHARMACY, ["discharges", "organisations"]),
]


def navigation_for(user, current_path=""):
    """The header navigation items for the user's roles, in the order their work needs them."""
    if not getattr(user, "is_authenticated", False):
        return []
    keys = []
    roles = role_names(user)
    for role, role_keys in _NAV_BY_ROLE:
        if role in roles or (user.is_superuser and role in (SLT, PROJECT_MANAGER)):
            keys += [k for k in role_keys if k not in keys]
    if "visits" in keys and "my_visits" in keys:
        keys.remove("my_visits")
    items = []
    for key in keys:
        text, name = _NAV[key]
        href = reverse(name)
        current = current_path == href or (href != "/" and current_path.startswith(href))
        items.append({"text": text, "href": href, "current": current})
    return items


def number(value):
    """12345 -> '12,345'; 1234.5 -> '1,234.5'. Text that is not a number is returned as it was."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def plural(count, singular, plural_form=None):
    """'1 care home', '12 care homes', '1,250 PCNs'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def change_phrase(now, before, *, percent=False):
    """A figure's change in words, never only an arrow or a colour: 'up 3', 'down 1,200',
    'up 2.5 percentage points', 'no change'; '' when either figure is missing."""
    if now is None or before is None or isinstance(now, str) or isinstance(before, str):
        return ""
    difference = round(Decimal(str(now)) - Decimal(str(before)), 1)
    if difference == 0:
        return "no change"
    size = abs(difference)
    amount = number(int(size) if size == size.to_integral_value() else float(size))
    if percent:
        amount += " percentage point" if size == 1 else " percentage points"
    return f"{'up' if difference > 0 else 'down'} {amount}"


def days_ago(value):
    """'today', '1 day ago', '12 days ago', or 'never'."""
    if value is None:
        return "never"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    days = (timezone.localdate() - value).days
    if days == 0:
        return "today"
    if days == 1:
        return "1 day ago"
    return f"{days} days ago"


def hours(value):
    """Hours a week as people write them, the hub's one hours formatter: 4.0 -> "4", 4.5 -> "4.5",
    None -> "0" (Decimal, float, int or text alike)."""
    return f"{Decimal(str(value or 0)):.1f}".removesuffix(".0")


def hours_phrase(value):
    """'1 hour', '4.5 hours', '0 hours': the number and the right word."""
    text = hours(value)
    return f"{text} hour" if text == "1" else f"{text} hours"


RAG_TAG_CLASSES = {"red": "nhsuk-tag--red", "amber": "nhsuk-tag--orange", "green": "nhsuk-tag--green"}
SEVERITY_TAG_CLASSES = {"high": "nhsuk-tag--red", "medium": "nhsuk-tag--orange", "low": "nhsuk-tag--yellow"}


def rag_tag(value):
    return {"text": (value or "none").capitalize(), "classes": RAG_TAG_CLASSES.get(value, "nhsuk-tag--grey")}


def severity_tag(value):
    return {"text": (value or "").capitalize(), "classes": SEVERITY_TAG_CLASSES.get(value, "nhsuk-tag--grey")}


FILTERS = {
    "uk_date": uk_date,
    "uk_datetime": uk_datetime,
    "uk_time": uk_time,
    "iso_week": iso_week_label,
    "number": number,
    "plural": plural,
    "hours_phrase": hours_phrase,
    "days_ago": days_ago,
    "change_phrase": change_phrase,
    "hours": hours,
    "rag_tag": rag_tag,
    "severity_tag": severity_tag,
}


@dataclass
class Need:
    """One line of "What needs you now": how many, what, where to act; optionally the things themselves."""

    count: int
    text: str
    href: str
    items: list = field(default_factory=list)


def picker_items(bound):
    """What a several-at-once picker draws: its checkboxes' items, and the text typed to add more.
    Past a city's size (a look-up box feeds it: config.forms.LookupCheckboxes), only the rows chosen
    are drawn, read in one query; otherwise every choice, as choice_items."""
    if not bound.field.widget.attrs.get("data-lookup-url"):
        return choice_items(bound), ""
    raw = bound.value()
    ids, typed = (raw.get("ids") or [], raw.get("typed") or "") if isinstance(raw, dict) else (raw or [], "")
    ids = [pk for pk in (id_from_text(getattr(v, "pk", v)) for v in ids) if pk]
    rows = bound.field.queryset.filter(pk__in=ids) if ids else []
    items = [
        {"value": str(row.pk), "text": bound.field.label_from_instance(row), "checked": True} for row in rows
    ]
    return items, typed


def choice_items(bound):
    """A Django bound field's choices as NHS.UK component items, with what is chosen marked."""
    raw = bound.value()
    chosen = {str(v) for v in raw} if isinstance(raw, list | tuple) else {"" if raw is None else str(raw)}
    items = []
    for value, text in bound.field.choices:
        value = "" if value is None else str(getattr(value, "value", value))
        items.append(
            {"value": value, "text": str(text), "selected": value in chosen, "checked": value in chosen}
        )
    return items
