"""Forms for assignments: add one (from a home's page or a person's), hand the lead over, end one.

They parse, and ask the assignment's rules (carehomes.assignment_rules) with what parsed, so a
field left empty and a rule broken (a person without the hours, a second named lead) show
together; the services ask the same rules again under their locks.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from carehomes.assignment_rules import assignment_problems, lead_hand_over_problems
from carehomes.forms import HomeChoiceField, StaffChoiceField, _date_field, use_staff_lookup_if_large
from carehomes.models import Assignment
from organisations.models import StaffMember

HOURS_FIELD = {
    "label": "Hours a week",
    "min_value": None,
    "max_digits": 4,
    "decimal_places": 1,
    "error_messages": {
        "required": "Enter the hours a week, for example 2.5.",
        "invalid": "Enter the hours a week as a number, for example 2.5.",
    },
    "validators": [
        MinValueValidator(Decimal("0.5"), "Enter at least 0.5 hours a week."),
        MaxValueValidator(168, "Enter 168 hours a week or fewer."),
    ],
}


def put_problems(form, data, problems):
    """Put the rules' messages on the fields not already in error (a rule about a field the form
    does not have goes at the top)."""
    for name, message in problems.items():
        if name not in form.fields:
            form.add_error(None, message)
        elif name not in form.errors:
            form.add_error(name, message)
    return data


class AssignmentForm(forms.Form):
    """Add a person to a home (from the home's page: pick the person)."""

    staff = StaffChoiceField(
        label="Person",
        queryset=StaffMember.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose the person to assign."},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Assignment.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select named lead or support."},
    )
    hours_per_week = forms.DecimalField(**HOURS_FIELD)
    starts_on = _date_field("Start date")
    ends_on = _date_field("End date", required=False, help_text="Leave blank if there is no planned end.")

    def __init__(self, *args, care_home=None, staff_list_large=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.care_home = care_home
        use_staff_lookup_if_large(self, "staff", "Person", large=staff_list_large)
        self.initial.setdefault("starts_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        return put_problems(
            self, data, assignment_problems(care_home=self.care_home, **_known(data, "staff"))
        )


class StaffAssignmentForm(forms.Form):
    """Add a person to a home (from the person's page: name the home)."""

    care_home = HomeChoiceField(
        label="Care home",
        help_text="Its CQC location ID (for example 1-101234567) or its exact name.",
        max_length=200,
        error_messages={"required": "Enter the care home's CQC location ID or name."},
    )
    role = AssignmentForm.base_fields["role"]
    hours_per_week = forms.DecimalField(**HOURS_FIELD)
    starts_on = _date_field("Start date")
    ends_on = _date_field("End date", required=False, help_text="Leave blank if there is no planned end.")

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.initial.setdefault("starts_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        return put_problems(self, data, assignment_problems(staff=self.staff, **_known(data, "care_home")))


def _known(data, chosen):
    """The cleaned fields the rules take (None where a field did not parse)."""
    return {
        chosen: data.get(chosen),
        "role": data.get("role"),
        "hours_per_week": data.get("hours_per_week"),
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on"),
    }


class HandOverForm(forms.Form):
    staff = StaffChoiceField(
        label="New named lead",
        queryset=StaffMember.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Choose the new named lead."},
    )
    hours_per_week = forms.DecimalField(**HOURS_FIELD)
    starts_on = _date_field("Start date", help_text="The current lead's assignment ends the day before.")

    def __init__(self, *args, care_home=None, staff_list_large=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.care_home = care_home
        use_staff_lookup_if_large(self, "staff", "New named lead", large=staff_list_large)
        self.initial.setdefault("starts_on", timezone.localdate())

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on == datetime.date.min:  # the current lead ends the day before: no such day
            raise forms.ValidationError("Enter a real date, for example 23 11 2026.")
        return starts_on

    def clean(self):
        """The new lead's rules (ending the current lead is the service's), with the form's own."""
        data = super().clean()
        problems = lead_hand_over_problems(
            care_home=self.care_home,
            staff=data.get("staff"),
            hours_per_week=data.get("hours_per_week"),
            starts_on=data.get("starts_on"),
        )
        return put_problems(self, data, problems)


class EndAssignmentForm(forms.Form):
    ends_on = _date_field(
        "End date", help_text="The last day of the assignment. It can be today, or a date to come."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ends_on", timezone.localdate())
