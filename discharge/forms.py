"""Forms for discharge follow-ups. They parse; the services decide."""

import datetime

from django import forms
from django.utils import timezone

from carehomes.forms import HomeChoiceField
from config.choices import fit_rows
from config.date_input import NhsDateField
from config.dates import uk_date
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


def _radios(label, choices=(), *, required=None):
    """One of a few answers, as NHS.UK radios; `required` is the message when none is chosen
    (without it, the question may be left)."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required is not None,
        error_messages={"required": required} if required else None,
    )


def _checkboxes(label, choices, *, required=None):
    """Any of several answers, as NHS.UK checkboxes; `required` as for `_radios`."""
    return forms.MultipleChoiceField(
        label=label,
        choices=list(choices),
        widget=forms.CheckboxSelectMultiple,
        required=required is not None,
        error_messages={"required": required} if required else None,
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


class CareHomeField(HomeChoiceField):
    """A care home typed by its CQC location ID (1-...) or exact name; with script, the box is an
    autocomplete over the discharge look-up (discharge/care_home_lookup.py: trust teams may not
    see the care-home pages), whose suggestion ends with the home's key in brackets."""

    not_found = "No care home has the CQC location ID or name “{text}”. Check it, for example 1-101234567."
    ambiguous = "More than one care home has that name. Enter its CQC location ID instead."
    lookup_name = "discharge:care_home_lookup"


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
    channel = _radios("Sent by", Channel.choices, required="Choose how the referral was sent.")
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
    reasons = _checkboxes(
        "Why the resident needs follow-up",
        REASONS.items(),
        required="Choose at least one reason the resident needs follow-up.",
    )
    changes_band = _radios(
        "Number of medicine changes", ChangesBand.choices, required="Choose how many medicines changed."
    )
    note = _note_field()
    duplicate = _radios(
        "Is this the same discharge?",
        [
            ("merge", "Yes, the same discharge: merge it into the one already sent"),
            ("separate", "No, a different resident: record it"),
        ],
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
    issues = _checkboxes("Issues found (optional)", ISSUES.items())
    note = _note_field()


class Stage3Form(StageForm):
    participants = _checkboxes(
        "Who took part in the conversation",
        PARTICIPANTS.items(),
        required="Choose who took part in the conversation.",
    )
    onward_referral = forms.BooleanField(
        label="Referred to the PCN team for a structured medication review", required=False
    )


class NoteForm(forms.Form):
    note = _note_field()


class EmptyForm(forms.Form):
    pass


class ClosePartialForm(forms.Form):
    reason = _radios(
        "Why it could not be completed",
        CloseReason.choices,
        required="Choose why the follow-up could not be completed.",
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
    into = _radios("The follow-up to keep tracking", required="Choose the follow-up this one duplicates.")

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
    readmitted = _radios(
        "Readmitted within 30 days of discharge?", Readmitted.choices, required="Choose yes, no or unknown."
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
