"""The visit form (quick on a phone, usable with a keyboard alone) and the visit list filters."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from carehomes.forms import STAFF_SELECT_LIMIT, HomeChoiceField, StaffLookupField
from carehomes.models import CareHome, Visit
from carehomes.visits import selectors
from carehomes.visits.services import COUNT_FIELDS, COUNT_LABELS, may_choose_staff, visit_problems
from config.choices import more_than
from config.date_input import NhsDateField
from config.forms import AutocompleteSelect, ModelIdField, add_service_errors, id_from_text
from config.patient_data import validate_no_patient_data
from organisations.models import StaffMember


def count_field(label, *, required=False, min_value=0, max_value=None, hint=""):
    messages = {
        "invalid": f"{label} must be a whole number, like 3.",
        "min_value": f"{label} must be {min_value} or more.",
        "required": f"Enter {label.lower()}.",
    }
    if max_value is not None:
        messages["max_value"] = f"{label} must be from {min_value} to {max_value}."
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        help_text=hint,
        error_messages=messages,
        # A text box for whole numbers (NHS.UK: not type="number"): an empty number box is read
        # out as "0.0 spin button" by Orca (docs/accessibility/screen-reader-check.md).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )


# Above this many homes the care-home select becomes the user's own homes plus a look-up box.
HOME_SELECT_LIMIT = 400


class CareHomeChoiceField(forms.ModelChoiceField):
    widget = AutocompleteSelect

    def label_from_instance(self, obj):
        return f"{obj.name}, {obj.postcode}"


class VisitForm(forms.Form):
    """Log or change a visit. Counts left empty mean 0; the service holds the rules."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    care_home = CareHomeChoiceField(
        label="Care home",
        queryset=CareHome.objects.none(),
        empty_label="Choose a care home",
        error_messages={
            "required": "Choose the care home you visited.",
            "invalid_choice": "Choose a care home from the list.",
        },
    )
    visited_on = NhsDateField(
        label="Date of visit", error_messages={"required": "Enter the date of the visit."}
    )
    mode = forms.ChoiceField(
        label="How was the visit made?",
        choices=Visit.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the visit was made: on site, video or phone."},
    )
    activities = forms.MultipleChoiceField(
        label="What did you do?",
        choices=list(Visit.ACTIVITIES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
        error_messages={
            "required": "Choose at least one activity (choose Other if none fits).",
            "invalid_choice": "Choose activities from the list.",
        },
    )
    residents_reviewed = count_field(COUNT_LABELS["residents_reviewed"])
    interventions_stopped = count_field("Stopped")
    interventions_dose_changed = count_field("Dose changed")
    interventions_started = count_field("Started")
    interventions_switched = count_field("Switched")
    interventions_monitoring = count_field("Monitoring")
    issues_escalated = count_field(
        COUNT_LABELS["issues_escalated"], hint="For example to the GP or safeguarding."
    )
    escalation_summary = forms.CharField(
        validators=[validate_no_patient_data],
        label="What was escalated",
        required=False,
        max_length=300,
        help_text="A short description, without names or NHS numbers.",
        error_messages={"max_length": "Keep what was escalated to 300 characters or fewer."},
    )
    minutes_spent = count_field(
        "Minutes spent",
        required=True,
        min_value=1,
        max_value=Visit.MAX_MINUTES,
        hint="Including travel and write-up, from 1 to 720.",
    )
    notes = forms.CharField(
        validators=[validate_no_patient_data],
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="No patient-identifiable data: no names, dates of birth or NHS numbers.",
    )
    confirm_duplicate = forms.BooleanField(label="Save anyway: this is a different visit", required=False)

    def __init__(self, *args, user, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = selectors.care_home_choices(user)
        if more_than(CareHome.objects.all(), HOME_SELECT_LIMIT):
            # A country's homes cannot be a select: offer the user's own, and any other by CQC ID or name.
            chosen = self.data.get(self.add_prefix("care_home")) or self.initial.get("care_home")
            chosen = str(getattr(chosen, "pk", chosen) or "")
            own = choices.filter(mine=0) if "mine" in choices.query.annotations else choices.none()
            self.fields["care_home"].queryset = own | choices.filter(pk=id_from_text(chosen))
            self.fields["care_home"].required = False
            self.fields["other_care_home"] = HomeChoiceField(
                label="Or a care home not in the list (cover)",
                help_text="Its CQC location ID (for example 1-101234567) or its exact name.",
                required=False,
                max_length=200,
            )
        else:
            self.fields["care_home"].queryset = choices
        if may_choose_staff(user):
            active = StaffMember.objects.filter(is_active=True).deployable()
            if more_than(active, STAFF_SELECT_LIMIT):
                self.fields["staff"] = StaffLookupField(
                    label="Who made the visit",
                    queryset=active,
                    required=False,
                    help_text="Their GPhC number or exact name; leave blank for yourself. "
                    "Project managers may log and correct visits for anyone.",
                )
            else:
                self.fields["staff"] = forms.ModelChoiceField(
                    label="Who made the visit",
                    queryset=active.only("pk", "name"),
                    required=False,
                    widget=AutocompleteSelect,
                    empty_label="Yourself",
                    # The type-ahead box offers people, not "Yourself": say what empty means.
                    help_text="Leave it empty if it was you. "
                    "Project managers may log and correct visits for anyone.",
                )
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                validators=[validate_no_patient_data],
                label="Reason for the correction",
                max_length=100,
                help_text="Kept in the visit's history, for example 'wrong care home'.",
                error_messages={
                    "required": "Give the reason for the correction, for example 'wrong care home'."
                },
            )

    @property
    def intervention_fields(self):
        return [self[f"interventions_{code}"] for code in Visit.INTERVENTIONS]

    def clean(self):
        data = super().clean()
        if "other_care_home" in self.fields:
            other = data.pop("other_care_home", None)
            if other is not None:
                data["care_home"] = other
            elif not data.get("care_home") and "care_home" not in self.errors:
                self.add_error("care_home", "Choose the care home you visited, or enter its CQC location ID.")
        for name in COUNT_FIELDS:
            if name in data and data[name] is None:
                data[name] = 0
        if self._errors:
            # One round: with a field already wrong, the service is not asked, so ask its rules here.
            for name, messages in visit_problems(**data).items():
                field = "activities" if name.startswith("activity_") else name
                if field in self.fields and field not in self._errors:
                    self.add_error(field, messages)
        return data

    def visit_fields(self):
        """The cleaned data as keyword arguments for visit_create / visit_update."""
        data = dict(self.cleaned_data)
        data.pop("submission_token", None)
        data.pop("confirm_duplicate", None)
        data.pop("reason", None)
        if "staff" in data and data["staff"] is None:
            data.pop("staff")
        return data

    def add_service_errors(self, error: ValidationError):
        """Show the service's field-keyed messages next to their fields (others at the top); every
        activity column's message goes on the one activities field."""
        add_service_errors(
            self, error, field_for=lambda name: "activities" if name.startswith("activity_") else name
        )


def new_visit_initial(care_home_id=None):
    initial = {
        "visited_on": timezone.localdate(),
        # No "how was the visit made" chosen for them: a pre-selected radio gets left as it is.
        "submission_token": uuid.uuid4(),
    }
    if care_home_id:
        initial["care_home"] = care_home_id
    return initial


def visit_initial(visit):
    initial = {
        name: getattr(visit, name)
        for name in ("visited_on", "mode", *COUNT_FIELDS, "escalation_summary", "minutes_spent", "notes")
    }
    initial["care_home"] = visit.care_home_id
    initial["staff"] = visit.staff_id
    initial["activities"] = visit.activities
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        validators=[validate_no_patient_data],
        label="Reason",
        max_length=100,
        required=False,
        help_text="Kept in the visit's history, for example 'logged twice'.",
    )


class VisitFilterForm(forms.Form):
    home = forms.CharField(label="Care home", required=False, help_text="Name, postcode or CQC location ID.")
    date_from = NhsDateField(label="From", called="The start date", required=False)
    date_to = NhsDateField(label="To", called="The end date", required=False)
    activity = forms.ChoiceField(
        label="Activity", required=False, choices=[("", "Any activity"), *Visit.ACTIVITIES.items()]
    )
    mode = forms.ChoiceField(label="How", required=False, choices=[("", "Any way"), *Visit.Mode.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if may_choose_staff(user):
            self.fields["staff"] = forms.CharField(
                label="Who", required=False, help_text="Part of their name."
            )
            self.fields["cover"] = forms.BooleanField(
                label="Only cover visits (to homes the person was not assigned to)", required=False
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self):
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class NewVisitLinkForm(forms.Form):
    """The query string of a "Log a visit" link: `?care_home=<id>` starts the form at that home."""

    care_home = ModelIdField(queryset=CareHome.objects.all(), required=False, widget=forms.HiddenInput)

    def care_home_id(self):
        """The linked home's id, or None when the link names none, or none that exists."""
        home = self.cleaned_data.get("care_home") if self.is_valid() else None
        return home.pk if home else None
