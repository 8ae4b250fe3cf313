"""Forms for the leadership teams and PCN engagement. They parse; the services decide."""

from django import forms
from django.urls import reverse
from django.utils import timezone

from config.date_input import NhsDateField
from config.form_messages import require_messages
from config.forms import AutocompleteSelect
from config.patient_data import validate_no_patient_data
from organisations import ods_files
from organisations.models import Membership, Organisation, StaffMember, Team
from organisations.people_lookup import person_lookup_past_a_city
from organisations.selectors import membership_candidates


class MembershipForm(forms.Form):
    staff = forms.ModelChoiceField(
        label="Person", queryset=StaffMember.objects.none(), widget=AutocompleteSelect
    )
    organisation = forms.ModelChoiceField(
        label="Organisation they represent",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="Leave blank for their employer.",
    )
    role = forms.ChoiceField(
        label="Role on the team",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, team: Team, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:  # only the seats this person may give
            self.fields["role"].choices = [c for c in Membership.Role.choices if c[0] in roles]
        self.fields["staff"].queryset = membership_candidates(team)
        self.fields["staff"].label_from_instance = lambda s: f"{s.name} ({s.organisation.name})"
        # A country's staff cannot be a select: a look-up of the active staff not on the team.
        person_lookup_past_a_city(
            self,
            "staff",
            membership_candidates(team),
            lookup_url=reverse("teams:member_lookup", args=[team.pk]),
            not_found="No active member of staff who is not on this team has the GPhC number or name “{text}”.",
            label="Person",
            help_text="Their name or GPhC number.",
            error_messages={"required": "Choose the person."},
        )


class EngagementForm(forms.Form):
    engagement = forms.ChoiceField(
        label="Engagement", choices=Organisation.Engagement.choices, widget=forms.RadioSelect
    )
    committed_hours = forms.DecimalField(
        label="Staff hours a week committed",
        min_value=0,
        max_value=99999,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    clinical_director = forms.ModelChoiceField(
        label="Clinical director",
        queryset=StaffMember.objects.none(),
        required=False,
        widget=AutocompleteSelect,
    )

    def __init__(self, *args, pcn, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinical_director"].queryset = StaffMember.objects.filter(
            organisation=pcn, is_active=True
        ).order_by("name")


class EngagementNoteForm(forms.Form):
    held_on = NhsDateField(label="Date of the conversation", initial=timezone.localdate)
    with_whom = forms.CharField(
        validators=[validate_no_patient_data], label="Who it was with", max_length=200
    )
    summary = forms.CharField(
        validators=[validate_no_patient_data], label="What was said", widget=forms.Textarea(attrs={"rows": 3})
    )


class TrustKindForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of trust is it?",
        choices=[
            (Organisation.Kind.ACUTE_TRUST, "Acute trust (hospitals)"),
            (Organisation.Kind.MENTAL_HEALTH_TRUST, "Mental health trust"),
            (Organisation.Kind.COMMUNITY_TRUST, "Community healthcare trust"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of trust it is."},
    )


require_messages(MembershipForm, {"staff": "Choose the person.", "role": "Select their role on the team."})
require_messages(
    EngagementForm,
    {
        "engagement": "Choose how engaged the PCN is.",
        "committed_hours": "Enter the staff hours a week committed, for example 7.5.",
    },
)
require_messages(
    EngagementNoteForm,
    {
        "held_on": "Enter the date of the conversation.",
        "with_whom": "Enter who it was with.",
        "summary": "Enter what was said.",
    },
)


HOURS_A_WEEK = {
    "max_digits": 4,
    "decimal_places": 1,
    "min_value": 0,
    "max_value": 168,
    "error_messages": {
        "required": "Enter the hours a week, for example 7.5.",
        "invalid": "Enter the hours a week as a number, for example 7.5.",
        "min_value": "The hours a week must be 0 or more.",
        "max_value": "The hours a week must be 168 or fewer.",
        "max_decimal_places": "Enter the hours a week to the nearest half hour, for example 7.5.",
        "max_digits": "The hours a week must be 168 or fewer.",
    },
}


class StaffMemberForm(forms.Form):
    """An organisation lead adds one of their own people."""

    name = forms.CharField(label="Full name", max_length=200, validators=[validate_no_patient_data])
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *StaffMember.Role.choices])
    gphc_number = forms.CharField(
        label="GPhC registration number",
        max_length=20,
        required=False,
        help_text="7 digits. Needed for pharmacists and pharmacy technicians.",
    )
    funding = forms.ChoiceField(
        label="How the post is funded",
        choices=[("", "Choose how it is funded"), *StaffMember.Funding.choices],
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week for care-home work",
        help_text="Hours they can give to care homes, for example 7.5.",
        **HOURS_A_WEEK,
    )


class StaffHoursForm(forms.Form):
    hours_per_week = forms.DecimalField(label="Hours a week for care-home work", **HOURS_A_WEEK)


require_messages(
    StaffMemberForm,
    {
        "name": "Enter the person's full name.",
        "role": "Choose the person's role.",
        "funding": "Choose how the post is funded.",
    },
)


class PharmacyField(forms.CharField):
    """A community pharmacy typed by its ODS code or exact name."""

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        pharmacies = Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_PHARMACY)
        found = (
            pharmacies.filter(ods_code=text.upper()).first() or pharmacies.filter(name__iexact=text).first()
        )
        if found is None:
            raise forms.ValidationError(f"No community pharmacy has the ODS code or name “{text}”.")
        return found


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: each checked as a FileField checks one; a list comes back."""

    def clean(self, data, initial=None):
        files = [d for d in data if d] if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            super().clean(None, initial)  # required: "Choose the ODS files to upload."
            return []
        return [super(MultipleFileField, self).clean(d, initial) for d in files]


class OdsUploadForm(forms.Form):
    """A month's ODS files: CSV reports, a zip of them, or NHS Digital's ePCN.xlsx (or ePCN.zip)."""

    MAX_FILES = 12
    MAX_TOTAL_BYTES = ods_files.MAX_BYTES

    file = MultipleFileField(
        label="The month's ODS files",
        help_text=(
            "The CSV reports as published (epraccur, epcn, epcncorepartnerdetails, etr, eccg, edispensary), "
            "a zip of them, or the ePCN.xlsx workbook. Choose several at once if you have them. "
            "Up to 12 files, 50 MB in all."
        ),
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".csv,.zip,.xlsx"}),
        error_messages={"empty": "The file is empty."},
    )

    def clean_file(self):
        uploads = self.cleaned_data["file"]
        if len(uploads) > self.MAX_FILES:
            raise forms.ValidationError(f"Choose at most {self.MAX_FILES} files at once.")
        total = sum(upload.size for upload in uploads)
        if total > self.MAX_TOTAL_BYTES:
            raise forms.ValidationError(
                f"The files come to {total / 1024 / 1024:.0f} MB; the most the hub takes at once is "
                f"{self.MAX_TOTAL_BYTES // 1024 // 1024} MB."
            )
        for upload in uploads:
            if not upload.size:
                raise forms.ValidationError(f"{upload.name} is empty.")
        return uploads


class OdsConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(
        label="Leave out the rows with errors and import the rest", required=False
    )


require_messages(OdsUploadForm, {"file": "Choose the ODS files to upload."})
