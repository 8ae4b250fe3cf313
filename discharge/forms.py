"""Forms for discharge follow-ups. They parse; the services decide."""

import datetime

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone

from carehomes.forms import home_key
from carehomes.models import CareHome
from config.choices import fit_rows
from config.date_input import NhsDateField
from config.dates import uk_date
from config.forms import LookupField
from config.patient_data import validate_no_patient_data
from discharge import selectors
from discharge.models import (
    ISSUES,
    PARTICIPANTS,
    REASONS,
    ChangesBand,
    Channel,
    CloseReason,
    Readmitted,
    validate_note,
    validate_reference,
)
from discharge.states import State
from organisations.forms import PharmacyField
from organisations.models import Organisation


def _note_field(label="Note (optional)"):
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        validators=[validate_note],
        help_text="A short note without names, dates of birth, NHS numbers or drug names.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpFilterForm(forms.Form):
    state = forms.ChoiceField(label="State", required=False)
    trust = forms.ChoiceField(label="Trust", required=False)
    pharmacy = forms.ChoiceField(label="Pharmacy", required=False)
    pcn = forms.ChoiceField(label="PCN", required=False)
    care_home = forms.IntegerField(widget=forms.HiddenInput, required=False)
    week = forms.RegexField(
        label="Week received",
        regex=r"^\d{4}-W\d{2}$",
        required=False,
        help_text="An ISO week, for example 2026-W48.",
        error_messages={"invalid": "Enter the week as a year and week number, for example 2026-W48."},
    )

    def __init__(self, *args, trusts=(), pharmacies=(), pcns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", "Any state"),
            *selectors.TIMER_FILTERS.items(),
            *State.choices,
        ]
        for name, rows, noun in (
            ("trust", trusts, "trust"),
            ("pharmacy", pharmacies, "pharmacy"),
            ("pcn", pcns, "PCN"),
        ):
            fit_rows(
                self,
                name,
                rows,
                fields=("pk", "name"),
                blank=f"Any {noun}",
                noun=noun,
                coerce=int,
                empty_value=None,
            )

    def clean_week(self):
        week = self.cleaned_data.get("week", "")
        if week:
            try:
                selectors.week_bounds(week)
            except ValueError as error:
                raise forms.ValidationError("Enter a real week, for example 2026-W48.") from error
        return week

    def selector_kwargs(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "state": data.get("state", ""),
            "trust": data.get("trust") or None,
            "pharmacy": data.get("pharmacy") or None,
            "pcn": data.get("pcn") or None,
            "care_home": data.get("care_home") or None,
            "week": data.get("week", ""),
        }


class CareHomeField(LookupField):
    """A care home typed by its CQC location ID (1-...) or exact name; with script, the box is an
    autocomplete over the discharge look-up (discharge/care_home_lookup.py), whose suggestion ends
    with the home's key in brackets."""

    not_found = "No care home has the CQC location ID or name “{text}”. Check it, for example 1-101234567."
    ambiguous = "More than one care home has that name. Enter its CQC location ID instead."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, lookup_url=reverse_lazy("discharge:care_home_lookup"), **kwargs)

    def rows(self):
        return CareHome.objects.all()

    def by_key(self, key):
        return home_key(key)

    def by_text(self, text):
        return Q(cqc_location_id__iexact=text) | Q(name__iexact=text)


class FollowUpForm(forms.Form):
    trust = forms.ModelChoiceField(
        label="Trust",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the trust that discharged the resident."},
    )
    reference = forms.CharField(
        label="Referral ID",
        max_length=60,
        validators=[validate_reference],
        help_text="The referral system's own reference (PharmOutcomes, Refer-to-Pharmacy or the NHSmail "
        "reference). Never a hospital number, NHS number or name.",
        error_messages={"required": "Enter the referral ID, for example PO-123456."},
    )
    channel = forms.ChoiceField(
        label="Sent by",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the referral was sent."},
    )
    care_home = CareHomeField(
        label="Care home",
        max_length=400,  # a chosen suggestion: name, town, postcode and key
        help_text="Type its name or postcode and choose it, or enter its CQC location ID "
        "(for example 1-101234567).",
        error_messages={"required": "Enter the care home the resident went back to."},
    )
    pharmacy = PharmacyField(
        label="Receiving pharmacy (optional)",
        required=False,
        max_length=200,
        help_text="ODS code or name. Leave blank to send it to the home's supplying pharmacy.",
    )
    discharged_on = NhsDateField(
        label="Discharge date", error_messages={"required": "Enter the discharge date."}
    )
    reasons = forms.MultipleChoiceField(
        label="Why the resident needs follow-up",
        choices=list(REASONS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason the resident needs follow-up."},
    )
    changes_band = forms.ChoiceField(
        label="Number of medicine changes",
        choices=ChangesBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how many medicines changed."},
    )
    note = _note_field()
    duplicate = forms.ChoiceField(
        label="Is this the same discharge?",
        required=False,
        choices=[
            ("merge", "Yes, the same discharge: merge it into the one already sent"),
            ("separate", "No, a different resident: record it"),
        ],
        widget=forms.RadioSelect,
    )
    duplicate_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, trusts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trust"].queryset = trusts if trusts is not None else Organisation.objects.none()
        self.fields["trust"].empty_label = "Choose a trust"
        self.fields["discharged_on"].initial = timezone.localdate() - datetime.timedelta(days=1)

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("duplicate", None)
        data.pop("duplicate_of", None)
        return data


class StageForm(forms.Form):
    issues = forms.MultipleChoiceField(
        label="Issues found (optional)",
        required=False,
        choices=list(ISSUES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    note = _note_field()


class Stage3Form(StageForm):
    participants = forms.MultipleChoiceField(
        label="Who took part in the conversation",
        choices=list(PARTICIPANTS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who took part in the conversation."},
    )
    onward_referral = forms.BooleanField(
        label="Referred to the PCN team for a structured medication review", required=False
    )


class NoteForm(forms.Form):
    note = _note_field()


class EmptyForm(forms.Form):
    pass


class ClosePartialForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why it could not be completed",
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the follow-up could not be completed."},
    )
    note = _note_field()


class RedirectForm(forms.Form):
    pharmacy = PharmacyField(
        label="The right pharmacy",
        max_length=200,
        help_text="Its ODS code (for example FA123) or exact name.",
        error_messages={"required": "Enter the pharmacy that should receive it."},
    )
    note = _note_field()


class MergeForm(forms.Form):
    into = forms.ChoiceField(
        label="The follow-up to keep tracking",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the follow-up this one duplicates."},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [
            (
                str(c.pk),
                f"{c.reference} ({c.get_channel_display()}, received {uk_date(timezone.localtime(c.received_at))})",
            )
            for c in candidates
        ]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it",
        max_length=200,
        validators=[validate_no_patient_data, validate_note],
        error_messages={"required": "Give the reason for reopening, for example 'closed by mistake'."},
    )


class ReadmissionForm(forms.Form):
    readmitted = forms.ChoiceField(
        label="Readmitted within 30 days of discharge?",
        choices=Readmitted.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes, no or unknown."},
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="The day's extract (CSV)",
        error_messages={"required": "Choose the CSV file to upload."},
    )
    trust = forms.ModelChoiceField(label="Trust", queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, trusts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trusts is None:
            del self.fields["trust"]
        else:
            self.fields["trust"].queryset = trusts
            self.fields["trust"].required = True
            self.fields["trust"].empty_label = "Choose a trust"


class UploadConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(label="Skip the rows with errors and import the rest", required=False)
