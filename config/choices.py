"""Choosing from a list that may be a city's (a select) or a country's (type the name).

A select of 1,250 PCNs or 400 localities is slow to render and no use to anyone; past
`LONG_LIST` choices the field becomes a text box that takes the name (or the code) instead.
"""

from django import forms

LONG_LIST = 150


class NamedChoiceField(forms.CharField):
    """A choice typed by its name (case-insensitive) or its value; cleans to the value."""

    def __init__(self, *, choices, coerce=str, empty_value="", noun="option", **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.coerce = coerce
        self.empty_value = empty_value
        self.noun = noun
        self.by_value = {str(value): str(label) for value, label in choices if value not in ("", None)}
        self.by_label = {label.casefold(): value for value, label in self.by_value.items()}

    def prepare_value(self, value):
        return self.by_value.get(str(value), value) if value not in (None, "") else ""

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return self.empty_value
        value = text if text in self.by_value else self.by_label.get(text.casefold())
        if value is None:
            raise forms.ValidationError(f"No {self.noun} is called “{text}”: check the spelling.")
        return self.coerce(value)


def fit_choices(form, name, choices, *, noun, coerce=str, empty_value=""):
    """Give form.fields[name] its choices; past LONG_LIST of them, make it a NamedChoiceField."""
    field = form.fields[name]
    if len(choices) > LONG_LIST:
        form.fields[name] = NamedChoiceField(
            label=field.label,
            required=field.required,
            help_text=f"Type the {noun}'s name." + (f" {field.help_text}" if field.help_text else ""),
            choices=choices,
            coerce=coerce,
            empty_value=empty_value,
            noun=noun,
        )
    else:
        field.choices = choices
