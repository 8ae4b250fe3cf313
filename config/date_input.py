"""The hub's one date input: the NHS.UK date input (day, month and year boxes) as a form field.

    visited_on = NhsDateField(label="Date of visit")

The page shows three boxes named `visited_on[day]`, `visited_on[month]` and `visited_on[year]`
(the `dateInput` macro of nhsuk-frontend-jinja, rendered by `templates/macros/form.jinja`). A
single value under the field's own name (`visited_on=2026-11-20`, or `20/11/2026`) is read too,
so links, scripts and older clients keep working.

Errors name the part that is wrong, in the NHS.UK service manual's words: "Date of visit must
include a month", "Date of visit must be a real date", "Year must include 4 numbers". A refused
form shows the boxes as they were typed.
"""

import datetime
import re

from django import forms

PARTS = ("day", "month", "year")
_NUMBER = re.compile(r"^\d{1,4}$")


class DateParts(dict):
    """What was typed in the three boxes (or parsed from a single value), as text."""

    @property
    def missing(self):
        return [part for part in PARTS if not self.get(part)]


class NhsDateWidget(forms.Widget):
    """Reads the three boxes from the request; the template renders them (widget_type "nhsdate")."""

    template_name = ""  # rendered by the Jinja `field` macro, never by Django's renderer

    def value_from_datadict(self, data, files, name):
        if any(f"{name}[{part}]" in data for part in PARTS):
            return DateParts({part: str(data.get(f"{name}[{part}]", "")).strip() for part in PARTS})
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}[{part}]" in data for part in PARTS)

    def id_for_label(self, id_):
        """The day box: where the error summary's link puts the cursor."""
        return f"{id_}-day" if id_ else id_

    def format_value(self, value):
        return value


def parts_of(value):
    """The three boxes' text for a value: a date, the parts as typed, or a single value written
    2026-11-20 or 20/11/2026. None for a single value that is neither (it cannot be a date)."""
    if isinstance(value, DateParts):
        return value
    if isinstance(value, datetime.date):
        return DateParts(day=str(value.day), month=str(value.month), year=str(value.year))
    text = str(value or "").strip()
    if not text:
        return DateParts(day="", month="", year="")
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text)
    if iso:
        return DateParts(day=iso[3], month=iso[2], year=iso[1])
    uk = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if uk:
        return DateParts(day=uk[1], month=uk[2], year=uk[3])
    return None


class NhsDateField(forms.Field):
    """A date typed as day, month and year, refused with a message that names what is wrong."""

    widget = NhsDateWidget

    def __init__(self, *, called=None, **kwargs):
        """`called`: what the messages call the date when the label alone would read badly
        (a filter labelled "From" is "The start date")."""
        self.called = called
        super().__init__(**kwargs)

    def _name(self):
        return str(self.called or self.label or "The date")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        parts = parts_of(value)
        if parts is None:
            raise forms.ValidationError(f"{self._name()} must be a real date", code="invalid")
        if len(parts.missing) == len(PARTS):
            return None
        return self._date_from(parts)

    def _date_from(self, parts):
        name = self._name()
        missing = parts.missing
        if missing:
            raise forms.ValidationError(
                f"{name} must include a {' and '.join(missing)}", code="incomplete", params={"parts": missing}
            )
        if not all(_NUMBER.match(parts[part]) for part in PARTS):
            raise forms.ValidationError(f"{name} must be a real date", code="invalid")
        if len(parts["year"]) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="year_digits")
        try:
            return datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None

    def validate(self, value):
        if value in self.empty_values and self.required:
            message = self.error_messages["required"]
            if message == forms.Field.default_error_messages["required"]:
                message = f"Enter {self._name()[0].lower()}{self._name()[1:]}"
            raise forms.ValidationError(message, code="required")

    def bound_data(self, data, initial):
        """A refused form shows what was typed, not the value it started with."""
        return data if data is not None else initial

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True
