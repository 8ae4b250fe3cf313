"""Every form that picks a person or a care home does it with the accessible autocomplete: a select
the script enhances (type to narrow, arrows to choose) or, past a city's size, a look-up box."""

import pytest
from django import forms

from carehomes.models import CareHome
from config.forms import AutocompleteCheckboxes, AutocompleteSelect
from organisations.models import StaffMember
from tests.config.test_form_messages import _hub_forms

PICKED = (StaffMember, CareHome)
# Parsed only: the page draws its own inputs (fill the gaps' rows).
HIDDEN = (forms.MultipleHiddenInput, forms.HiddenInput)


def _offenders(form_class, fields):
    bad = []
    for name, field in fields.items():
        where = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        model = getattr(getattr(field, "queryset", None), "model", None)
        if model in PICKED and isinstance(field, forms.ModelMultipleChoiceField):
            if not isinstance(field.widget, (AutocompleteCheckboxes, *HIDDEN)):
                bad.append(f"{where}: several {model.__name__} chosen without AutocompleteCheckboxes")
        elif model in PICKED and not isinstance(field.widget, HIDDEN):
            if not isinstance(field.widget, AutocompleteSelect):
                bad.append(f"{where}: a select of {model.__name__} without AutocompleteSelect")
        elif (
            type(field).__name__ in ("HomeChoiceField", "StaffLookupField", "CareHomeField")
            and "data-lookup-url" not in field.widget.attrs
        ):
            bad.append(f"{where}: a typed look-up without data-lookup-url")
    return bad


def test_every_person_or_care_home_picker_is_an_autocomplete():
    offenders = [bad for form in _hub_forms() for bad in _offenders(form, form.base_fields)]
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_the_visit_forms_pickers_made_at_run_time_are_autocompletes(monkeypatch, pm_user):
    from carehomes.visits import forms as visit_forms

    form = visit_forms.VisitForm(user=pm_user)
    assert not _offenders(visit_forms.VisitForm, form.fields)
    assert isinstance(form.fields["staff"].widget, AutocompleteSelect)
    # Past a city's size: the look-up boxes
    monkeypatch.setattr(visit_forms, "HOME_SELECT_LIMIT", -1)
    monkeypatch.setattr(visit_forms, "STAFF_SELECT_LIMIT", -1)
    form = visit_forms.VisitForm(user=pm_user)
    assert form.fields["other_care_home"].widget.attrs["data-lookup-url"] == "/care-homes/lookup/"
    assert form.fields["staff"].widget.attrs["data-lookup-url"] == "/staff/lookup/"
