"""What every app's forms share: ids parsed by form fields, a service's refusal put on the form, and
a posted form answered one way."""

import re

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, field_for=None):
    """Put a service's ValidationError on `form`: each message next to the field it names, the rest
    (and messages for fields the form does not have) at the top, in the NHS.UK error summary.

    `field_for(name)` may map a service's field name to the form's (e.g. the visit form shows every
    `activity_*` column's message on its one "activities" field).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = field_for(name) if field_for else name
        form.add_error(field if field in form.fields else None, messages)


def answer_write(form, write, *, done, refused):
    """The one way a posted form that writes is answered. When `form` parses, `write(cleaned_data)`
    (one service) and `done(what it wrote)`: a notice and a redirect. When the form or the service
    refuses (the service's errors put on the form by `add_service_errors`), `refused()`: the page
    again with the errors next to the fields, keeping what was typed."""
    if form.is_valid():
        try:
            written = write(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return done(written)
    return refused()


def id_from_text(value):
    """The text of a posted id when it can be a row's id: ASCII digits that fit a database integer
    (not "²", which isdecimal() accepts and int() refuses; not a number past a bigint); else None."""
    text = str(value).strip()
    return text if text.isascii() and text.isdecimal() and len(text) <= 18 else None


class ModelIdField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses anything that cannot be an id as an invalid choice, before
    asking the database (which would fail on a number too big for its integer column)."""

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        text = id_from_text(value)
        if text is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(text)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """ModelIdField's many-valued twin: every value must be able to be an id."""

    def _check_values(self, value):
        for pk in value:
            if id_from_text(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values([id_from_text(pk) for pk in value])


class AutocompleteSelect(forms.Select):
    """A select the hub's script turns into an accessible autocomplete (type to narrow the list,
    arrow keys to choose); without script it stays the select. For picking a person or a care home."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-autocomplete": "select", **(attrs or {})}, choices)


class AutocompleteCheckboxes(forms.CheckboxSelectMultiple):
    """Several people or care homes chosen at once. Without script, a list of checkboxes; the hub's
    script (static/js/multi_picker.js) hides them behind an accessible autocomplete to add one,
    with the chosen listed below, each with its "Remove <name>" button. The checkboxes stay the
    form's value, so what was chosen is kept when the form is refused."""

    def __init__(self, attrs=None, choices=(), *, noun="care home", nouns="care homes"):
        super().__init__(
            {"data-multi-picker": "", "data-noun": noun, "data-nouns": nouns, **(attrs or {})}, choices
        )


class LookupCheckboxes(AutocompleteCheckboxes):
    """AutocompleteCheckboxes past a city's size: only the rows chosen are drawn as checkboxes; the
    script adds more through the look-up at `lookup_url` (scoped like the pages), and without
    script more are typed into "<name>_add", one key or exact name a line (ManyLookupField)."""

    def __init__(self, attrs=None, choices=(), *, lookup_url, **kwargs):
        super().__init__({"data-lookup-url": lookup_url, **(attrs or {})}, choices, **kwargs)

    def value_from_datadict(self, data, files, name):
        return {"ids": super().value_from_datadict(data, files, name), "typed": data.get(f"{name}_add", "")}

    def value_omitted_from_data(self, data, files, name):
        return False  # as checkboxes: none posted means none chosen


class ManyLookupField(ModelIdsField):
    """Several rows from a country-sized list: those posted as ids (the checkboxes) and those typed
    one a line, each read by `line_field` (a LookupField over the same rows); every line that
    names no row, or several, is refused with its own message, and the ids must be in `queryset`."""

    def __init__(self, *, queryset, lookup_url, line_field, noun="care home", nouns="care homes", **kwargs):
        kwargs.setdefault("widget", LookupCheckboxes(lookup_url=lookup_url, noun=noun, nouns=nouns))
        super().__init__(queryset=queryset, **kwargs)
        self.line_field = line_field

    def prepare_value(self, value):
        if isinstance(value, dict):  # what was posted, drawn again: the ids and the typed lines
            return {"ids": super().prepare_value(value.get("ids") or []), "typed": value.get("typed") or ""}
        return super().prepare_value(value)

    def clean(self, value):
        if isinstance(value, dict):
            ids, typed = list(value.get("ids") or []), value.get("typed") or ""
        else:
            ids, typed = list(value or []), ""
        problems = []
        for line in (line.strip() for line in str(typed).splitlines()):
            if not line:
                continue
            try:
                row = self.line_field.clean(line)
            except ValidationError as error:
                problems.extend(error.messages)
            else:
                ids.append(str(row.pk))
        if problems:
            raise ValidationError(problems)
        return super().clean(list(dict.fromkeys(str(pk) for pk in ids)))


def lookup_attrs(url):
    """The attributes that make a look-up box ("CQC ID or exact name") an autocomplete fed by `url`."""
    return {"data-lookup-url": url, "autocomplete": "off", "spellcheck": "false"}


_TRAILING_KEY = re.compile(r"\(([^()]*)\)\s*$")


def lookup_key(text, prefix=""):
    """The key a look-up suggestion ends with: "Larch Court, LS1 1AA (1-101234567)" → "1-101234567",
    "Ann Lee – Pharmacist, Leeds PCN (GPhC 2012345)" → "2012345" (prefix "GPhC"); else None."""
    match = _TRAILING_KEY.search(text or "")
    if not match:
        return None
    key = match.group(1).strip()
    if prefix:
        if not key.upper().startswith(prefix.upper()):
            return None
        key = key[len(prefix) :].strip()
    return key or None


class LookupField(forms.CharField):
    """One row typed into a look-up box: the key its chosen suggestion ends with (`key_prefix`
    before it, if any), else a key or a name typed exactly; an error when none or several match.
    A subclass names the rows (`rows()`), how a key and a text match (`by_key`, `by_text`) and
    the two messages (`not_found` with `{text}`, `ambiguous`)."""

    key_prefix = ""
    not_found = ""
    ambiguous = ""

    def __init__(self, *args, lookup_url, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=lookup_attrs(lookup_url)))
        super().__init__(*args, **kwargs)

    def rows(self):
        raise NotImplementedError

    def by_key(self, key):
        raise NotImplementedError

    def by_text(self, text):
        raise NotImplementedError

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        key = lookup_key(text, self.key_prefix)
        found = (list(self.rows().filter(self.by_key(key))[:1]) if key else []) or list(
            self.rows().filter(self.by_text(text))[:2]
        )
        if not found:
            raise ValidationError(self.not_found.format(text=text))
        if len(found) > 1:
            raise ValidationError(self.ambiguous)
        return found[0]


def share_choices(*fields):
    """Read a model select's options once for several selects on one page that list the same rows
    (a home's page offers the same people to "Assign someone" and "Hand the lead"): each select
    would otherwise run its query and build every option again. Fields that are not model selects
    over the same query are left alone. Validation still reads each field's own queryset."""
    selects = [field for field in fields if isinstance(field, forms.ModelChoiceField)]
    if len(selects) < 2:
        return
    first = selects[0]
    same = [
        field
        for field in selects[1:]
        if type(field) is type(first)
        and field.empty_label == first.empty_label
        and str(field.queryset.query) == str(first.queryset.query)
    ]
    if same:
        options = list(first.choices)
        for field in (first, *same):
            field.choices = options
