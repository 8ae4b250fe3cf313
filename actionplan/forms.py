"""Forms for the action plan: they parse what people type; the services decide and save."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone

from actionplan.models import Meeting, Rag, Section
from actionplan.selectors import owner_candidates
from actionplan.services import check_owner
from config.date_input import NhsDateField
from config.form_messages import require_messages
from config.forms import AutocompleteSelect, ModelIdField, add_service_errors, id_from_text
from config.patient_data import validate_no_patient_data
from organisations.models import Organisation, StaffMember
from organisations.people_lookup import person_lookup_past_a_city
from workstreams.models import Workstream

EXPORT_FORMATS = {
    "docx": "Word (.docx)",
    "pdf": "PDF",
    "xlsx": "Excel (.xlsx)",
    "csv": "CSV",
}


class StaffChoiceField(forms.ModelChoiceField):
    widget = AutocompleteSelect

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class ActionForm(forms.Form):
    section = forms.ModelChoiceField(queryset=Section.objects.none(), empty_label="Choose a section")
    description = forms.CharField(
        validators=[validate_no_patient_data], widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Owning organisation",
        empty_label="Choose an organisation",
    )
    owner = StaffChoiceField(
        queryset=StaffMember.objects.none(),
        required=False,
        label="Owner (person)",
        empty_label="No named person",
        help_text="The person must work for the owning organisation.",
    )
    due_on = NhsDateField(label="Due date")
    rag = forms.ChoiceField(label="RAG status", choices=Rag.choices, initial=Rag.AMBER)
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.none(), required=False, label="Linked workstream", empty_label="None"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.order_by("position", "name")
        self.fields["owner_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["owner"].queryset = owner_candidates()
        # A country's staff cannot be a select: a look-up of the active staff.
        person_lookup_past_a_city(
            self,
            "owner",
            owner_candidates(),
            lookup_url=reverse_lazy("actionplan:owner_lookup"),
            current=self.initial.get("owner"),
            not_found="No active member of staff has the GPhC number or name “{text}”.",
            label="Owner (person)",
            required=False,
            help_text="Their name or GPhC number; they must work for the owning organisation. "
            "Leave it blank for no named person.",
        )
        self.fields["workstream"].queryset = Workstream.objects.order_by("name")
        if editing:
            # An action keeps its section (and so its reference) for life.
            del self.fields["section"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean(self):
        """The owner rule of the service here too, so it shows with the form's own errors."""
        data = super().clean()
        if "owner" not in self._errors:
            try:
                check_owner(data.get("owner"), data.get("owner_organisation"))
            except ValidationError as error:
                add_service_errors(self, error)
        return data


class ActionUpdateForm(forms.Form):
    written_on = NhsDateField(label="Date of the update", initial=timezone.localdate)
    text = forms.CharField(
        validators=[validate_no_patient_data],
        label="Update",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    rag = forms.ChoiceField(
        label="New RAG status",
        choices=[("", "No change"), *Rag.choices],
        required=False,
        help_text="Setting a RAG here also changes the action's RAG.",
    )


class MeetingForm(forms.Form):
    held_on = NhsDateField(label="Meeting date")
    title = forms.CharField(
        validators=[validate_no_patient_data],
        max_length=200,
        required=False,
        initial=Meeting._meta.get_field("title").default,
        label="Title",
    )


class SectionForm(forms.Form):
    name = forms.CharField(
        validators=[validate_no_patient_data],
        max_length=200,
        label="Section name",
        help_text="For example, Infection control",
    )
    code = forms.CharField(
        max_length=5, label="Reference prefix", help_text="2 to 5 capital letters, for example IC"
    )


class ActionFilterForm(forms.Form):
    """The list's filters, read from the query string; bad values are ignored, not errors."""

    section = forms.ModelChoiceField(
        queryset=Section.objects.none(), required=False, empty_label="All sections"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
        label="Owning organisation",
    )
    rag = forms.ChoiceField(choices=[("", "Any RAG"), *Rag.choices], required=False, label="RAG")
    status = forms.ChoiceField(
        choices=[("", "Open and closed"), ("open", "Open"), ("closed", "Closed")], required=False
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, sections, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["organisation"].queryset = organisations

    def values(self):
        if not self.is_valid():
            return {k: self.cleaned_data.get(k) for k in self.fields if k not in self.errors}
        return dict(self.cleaned_data)


class ExportForm(forms.Form):
    section = forms.ModelChoiceField(queryset=Section.objects.none(), empty_label=None)
    # No meeting recorded yet: the paper is dated today (the view decides), so none is needed.
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), empty_label=None, required=False)
    format = forms.ChoiceField(label="Format", choices=list(EXPORT_FORMATS.items()), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.order_by("position", "name")
        self.fields["meeting"].queryset = Meeting.objects.order_by("-held_on")


require_messages(
    ActionForm,
    {
        "section": "Choose the section of the action plan.",
        "description": "Enter what the action is.",
        "owner_organisation": "Choose the organisation that owns the action.",
        "due_on": "Enter the date the action is due.",
        "rag": "Choose the RAG status.",
    },
)
require_messages(
    ActionUpdateForm,
    {"written_on": "Enter the date of the update.", "text": "Enter the update."},
)
require_messages(MeetingForm, {"held_on": "Enter the meeting date."})
require_messages(
    SectionForm,
    {"name": "Enter the section name.", "code": "Enter the reference prefix, for example PH."},
)
require_messages(
    ExportForm,
    {
        "section": "Choose the section to export.",
        "format": "Select Word, PDF, Excel or CSV.",
    },
)


class SectionField(ModelIdField):
    """A section by its number or its code (PH), as a link or bookmark gives it."""

    def to_python(self, value):
        if value in self.empty_values or id_from_text(value) is not None:
            return super().to_python(value)
        text = str(value).strip()
        section = None
        if "\x00" not in text:  # PostgreSQL refuses a NUL in text: no section has one
            section = self.queryset.filter(code=text.upper()).order_by("pk").first()
        if section is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], params={"value": text})
        return section


class MeetingField(ModelIdField):
    """A meeting by its number or its date (2026-11-26)."""

    def to_python(self, value):
        if value in self.empty_values or id_from_text(value) is not None:
            return super().to_python(value)
        text = str(value).strip()
        try:
            meeting = self.queryset.filter(held_on=datetime.date.fromisoformat(text)).first()
        except ValueError:
            meeting = None
        if meeting is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], params={"value": text})
        return meeting


class ExportRequestForm(forms.Form):
    """The export page's query string: which section, for which meeting, in which format. Blank
    section and meeting mean the pharmacy section and the next meeting (the view decides)."""

    section = SectionField(
        queryset=Section.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no section “%(value)s”. Choose one from the list."},
    )
    meeting = MeetingField(
        queryset=Meeting.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no meeting “%(value)s”. Choose one from the list."},
    )
    format = forms.CharField(required=False)
    download = forms.BooleanField(required=False)  # the export page's Download button was pressed

    def clean_format(self):
        fmt = self.cleaned_data["format"].strip().lower()
        if fmt and fmt not in EXPORT_FORMATS:
            raise forms.ValidationError(
                "“%(value)s” is not a format we can export. Choose Word, PDF, Excel or CSV.",
                params={"value": fmt},
            )
        return fmt

    def first_error(self):
        return next(iter(message for messages in self.errors.values() for message in messages), None)


class ActionVersionForm(forms.Form):
    """The version of an action the page showed, posted with Close or Reopen."""

    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
