"""Forms for workstreams, requests for help and offers. They parse; the services decide."""

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from carehomes.forms import HomeChoiceField, home_lookup_text
from carehomes.models import CareHome
from config.choices import more_than
from config.date_input import NhsDateField
from config.form_messages import require_messages
from config.forms import (
    AutocompleteCheckboxes,
    AutocompleteSelect,
    ManyLookupField,
    ModelIdField,
    ModelIdsField,
)
from config.patient_data import validate_no_patient_data
from config.presenters import hours as hours_text
from organisations.models import Organisation, StaffMember
from organisations.people_lookup import person_lookup_past_a_city
from workstreams.models import SupportRequest, Workstream
from workstreams.selectors import lead_candidates
from workstreams.services import support_request_problems

# Past this many care homes, a form names its homes through a look-up (the chosen ones, a box to
# type more) instead of a checkbox per home: a city's 150 checkboxes were 38 KB of the page.
HOME_SELECT_LIMIT = 100


def _hours_field(label, maximum=168):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.5"),
        max_value=maximum,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )


class WorkstreamForm(forms.ModelForm):
    class Meta:
        model = Workstream
        fields = [
            "name",
            "description",
            "lead_organisation",
            "lead",
            "status",
            "participating_organisations",
            "care_homes",
        ]
        labels = {"lead": "Lead person", "participating_organisations": "Participating organisations"}
        field_classes = {"participating_organisations": ModelIdsField, "care_homes": ModelIdsField}
        widgets = {
            "participating_organisations": forms.CheckboxSelectMultiple,
            "care_homes": AutocompleteCheckboxes,
            "lead": AutocompleteSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = StaffMember.objects.filter(is_active=True).order_by("name")
        self.fields["lead"].empty_label = "No lead yet"
        self.fields["lead"].widget.attrs["data-autocomplete-keep-empty"] = "true"
        # A country's staff cannot be a select: a look-up of the active staff.
        person_lookup_past_a_city(
            self,
            "lead",
            lead_candidates(),
            lookup_url=reverse_lazy("workstreams:lead_lookup"),
            current=self.instance.lead_id,
            not_found="No active member of staff has the GPhC number or name “{text}”.",
            label="Lead person",
            required=False,
            help_text="Their name or GPhC number. Leave it blank if there is no lead yet.",
        )
        self.fields["lead_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["participating_organisations"].queryset = Organisation.objects.order_by("name")
        self.fields["care_homes"].queryset = CareHome.objects.order_by("name")
        if more_than(CareHome.objects.all(), HOME_SELECT_LIMIT):
            # A country's homes cannot be a list of checkboxes: the chosen, and a look-up to add more.
            homes = ManyLookupField(
                label="Care homes",
                queryset=CareHome.objects.order_by("name"),
                required=False,
                lookup_url=reverse_lazy("carehomes:home_lookup"),
                line_field=HomeChoiceField(),
            )
            homes.label_from_instance = home_lookup_text
            self.fields["care_homes"] = homes
        for name in Workstream.FREE_TEXT_FIELDS:
            self.fields[name].validators.append(validate_no_patient_data)


class ProgressNoteForm(forms.Form):
    written_on = NhsDateField(label="Date", called="The date of the note", initial=timezone.localdate)
    text = forms.CharField(
        validators=[validate_no_patient_data],
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class ChooseOrganisationForm(forms.Form):
    organisation = ModelIdField(
        label="Which organisation needs help?", queryset=Organisation.objects.order_by("name")
    )


class HomeOfField(HomeChoiceField):
    """A home typed one a line, among `homes` only (the organisation's)."""

    def __init__(self, homes, **kwargs):
        super().__init__(**kwargs)
        self.homes = homes

    def rows(self):
        return self.homes


class SupportRequestForm(forms.Form):
    title = forms.CharField(validators=[validate_no_patient_data], label="What do you need?", max_length=200)
    details = forms.CharField(
        validators=[validate_no_patient_data],
        label="More detail (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hours_per_week = _hours_field("Hours a week", maximum=500)
    skills = forms.CharField(
        validators=[validate_no_patient_data],
        label="Skills needed (optional)",
        max_length=300,
        required=False,
    )
    care_homes = ModelIdsField(
        label="Which care homes?",
        queryset=CareHome.objects.none(),
        required=False,
        widget=AutocompleteCheckboxes,
        help_text="Choose the homes, or enter the locality below.",
    )
    locality = forms.CharField(
        validators=[validate_no_patient_data], label="Or which locality?", max_length=100, required=False
    )
    needed_by = NhsDateField(label="Needed by", called="The date it is needed by")
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=SupportRequest.Urgency.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, homes, lookup_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_homes"].queryset = homes
        if lookup_url and more_than(homes, HOME_SELECT_LIMIT):
            # Too many to list: the chosen, and a look-up of this organisation's homes to add more.
            field = ManyLookupField(
                label="Which care homes?",
                queryset=homes,
                required=False,
                lookup_url=lookup_url,
                line_field=HomeOfField(homes),
                help_text=self.fields["care_homes"].help_text,
            )
            field.label_from_instance = home_lookup_text
            self.fields["care_homes"] = field

    def clean(self):
        """The service's rules here too, so every error shows in one round."""
        data = super().clean()
        problems = support_request_problems(
            care_homes=data.get("care_homes"), locality=data.get("locality"), needed_by=data.get("needed_by")
        )
        for name, message in problems.items():
            if name not in self._errors and not (name == "care_homes" and "locality" in self._errors):
                self.add_error(name, message)
        return data


class StaffChoiceField(forms.ModelChoiceField):
    widget = AutocompleteSelect

    def label_from_instance(self, obj):
        spare = getattr(obj, "spare_hours", None)
        spare_text = "" if spare is None else f" – {hours_text(spare)} hours a week spare"
        return f"{obj.name} ({obj.organisation.name}){spare_text}"


class SupportOfferForm(forms.Form):
    staff = StaffChoiceField(
        label="Who can help?",
        queryset=StaffMember.objects.none(),
        error_messages={"invalid_choice": "Choose one of the people listed: your own organisation's staff."},
    )
    hours_per_week = _hours_field("Hours a week")
    starts_on = NhsDateField(label="From", called="The start date", initial=timezone.localdate)
    note = forms.CharField(
        validators=[validate_no_patient_data], label="Note (optional)", max_length=300, required=False
    )

    def __init__(self, *args, staff, lookup_url=None, **kwargs):
        """`staff`: whom this user may offer; `lookup_url`: the look-up over them, used past a
        city's size instead of a select."""
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        if lookup_url:
            person_lookup_past_a_city(
                self,
                "staff",
                staff,
                lookup_url=lookup_url,
                not_found="No one you may offer has the GPhC number or name “{text}”.",
                label="Who can help?",
                help_text="Their name or GPhC number.",
                error_messages={"required": "Choose who can help."},
            )

    def clean(self):
        """The service's checks that need no lock, here too, so every error shows in one round."""
        data = super().clean()
        staff, hours, starts_on = data.get("staff"), data.get("hours_per_week"), data.get("starts_on")
        spare = getattr(staff, "spare_hours", None)
        if staff is not None and hours and spare is not None and hours > spare:
            self.add_error(
                "hours_per_week",
                f"{staff.name} has only {hours_text(spare)} hours a week spare, so cannot be offered {hours_text(hours)}.",
            )
        if starts_on and starts_on < timezone.localdate():
            self.add_error("starts_on", "The start date must be today or in the future.")
        return data


class AcceptOfferForm(forms.Form):
    """Only a request that named a locality, not homes, needs the PM to choose the home."""

    care_home = ModelIdField(
        label="Care home for this help",
        queryset=CareHome.objects.all(),
        widget=AutocompleteSelect,
        error_messages={"required": "Choose the care home for this help."},
    )

    def __init__(self, *args, homes=None, **kwargs):
        """`homes`: the homes to offer in the list (any home is accepted when posted)."""
        super().__init__(*args, **kwargs)
        if homes is not None:
            self.fields["care_home"].queryset = homes


require_messages(
    WorkstreamForm,
    {
        "name": "Enter the name of the workstream.",
        "lead_organisation": "Choose the lead organisation.",
        "status": "Choose the status.",
    },
)
require_messages(ProgressNoteForm, {"written_on": "Enter the date.", "text": "Enter the progress made."})
require_messages(ChooseOrganisationForm, {"organisation": "Choose the organisation that needs help."})
require_messages(
    SupportRequestForm,
    {
        "title": "Enter what you need.",
        "hours_per_week": "Enter the hours a week, for example 4.",
        "needed_by": "Enter the date you need help by.",
        "urgency": "Select how urgent it is.",
    },
)
require_messages(
    SupportOfferForm,
    {
        "staff": "Choose who can help.",
        "hours_per_week": "Enter the hours a week, for example 2.5.",
        "starts_on": "Enter the date they can start from.",
    },
)
