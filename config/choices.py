"""Choosing from a list that may be a city's (a select) or a country's (type the name).

A select of 1,250 PCNs or 400 localities is slow to render and no use to anyone; past
`LONG_LIST` choices the field becomes a text box that takes the name (or the code) instead.
"""

from django import forms
from django.db.models import Q

LONG_LIST = 150


def more_than(queryset, limit):
    """Whether the queryset holds more than `limit` rows: reads at most limit + 1 of them, where
    `count()` would count a country's (every row of 15,000 homes or 10,000 people)."""
    if limit < 0:
        return True  # as count() > limit: even no rows are more than a negative number
    return queryset.order_by()[limit : limit + 1].exists()


class NamedChoiceField(forms.CharField):
    """A choice typed by its name (case-insensitive) or its value; cleans to the value.

    From `choices` (value, label) held in memory, or from `rows`, a queryset of a country's
    choices read only for the one typed: `fields` names its value and label fields."""

    def __init__(
        self, *, choices=(), rows=None, fields=None, coerce=str, empty_value="", noun="option", **kwargs
    ):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.coerce = coerce
        self.empty_value = empty_value
        self.noun = noun
        self.rows, (self.value_field, self.label_field) = rows, fields or (None, None)
        self.by_value = {str(value): str(label) for value, label in choices if value not in ("", None)}
        self.by_label = {label.casefold(): value for value, label in self.by_value.items()}

    def _find(self, text):
        """(value, label) of the choice whose value or name is `text`, or None: at most one query."""
        if self.rows is None:
            value = text if text in self.by_value else self.by_label.get(text.casefold())
            return None if value is None else (value, self.by_value[value])
        named = Q(**{f"{self.label_field}__iexact": text})
        try:
            value = self.coerce(text)
        except (TypeError, ValueError):
            value = None
        # An id past what a database integer holds is no choice (and no query error).
        if value is not None and not (isinstance(value, int) and not -(2**63) < value < 2**63):
            named |= Q(**{self.value_field: value})
        # A choice whose value is its label (a locality) is read as one column: asking for the
        # same field twice makes Django name the second "<field>1", which it then refuses.
        same = self.value_field == self.label_field
        columns = (self.value_field,) if same else (self.value_field, self.label_field)
        found = self.rows.filter(named).order_by(self.value_field).values_list(*columns)[:1]
        found = next(iter(found), None)
        if found is not None and same:
            found = (found[0], found[0])
        if found is not None:
            self.by_value[str(found[0])] = str(found[1])
            return str(found[0]), str(found[1])
        return None

    def prepare_value(self, value):
        if value in (None, ""):
            return ""
        if str(value) in self.by_value:
            return self.by_value[str(value)]
        found = self._find(str(value)) if self.rows is not None else None
        return found[1] if found else value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return self.empty_value
        found = self._find(text)
        if found is None:
            raise forms.ValidationError(f"No {self.noun} is called “{text}”: check the spelling.")
        return self.coerce(found[0])


def _named_field(field, noun, **kwargs):
    return NamedChoiceField(
        label=field.label,
        required=field.required,
        help_text=f"Type the {noun}'s name." + (f" {field.help_text}" if field.help_text else ""),
        noun=noun,
        **kwargs,
    )


def fit_choices(form, name, choices, *, noun, coerce=str, empty_value=""):
    """Give form.fields[name] its choices; past LONG_LIST of them, make it a NamedChoiceField."""
    field = form.fields[name]
    if len(choices) > LONG_LIST:
        form.fields[name] = _named_field(field, noun, choices=choices, coerce=coerce, empty_value=empty_value)
    else:
        field.choices = choices


def fit_rows(form, name, rows, *, fields, blank, noun, coerce=str, empty_value=""):
    """As `fit_choices`, from a queryset of (value, label) rows (`fields` names them), read once
    for at most LONG_LIST + 1 of them: a city's become a select; a country's are not read at all
    but looked up by the name typed (one query, only when one is typed)."""
    head = list(rows[: LONG_LIST + 1])
    field = form.fields[name]
    if len(head) > LONG_LIST:
        form.fields[name] = _named_field(
            field, noun, rows=rows.order_by(), fields=fields, coerce=coerce, empty_value=empty_value
        )
    else:
        field.choices = [("", blank), *((str(value), label) for value, label in head)]
