"""Forms for care homes and staff (assignments: carehomes/assignment_forms.py). They parse; the services decide."""

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone

from carehomes.models import CareHome, Specialism
from config.choices import fit_rows, more_than
from config.date_input import NhsDateField
from config.forms import AutocompleteSelect, LookupField, id_from_text
from organisations.forms import PharmacyField
from organisations.models import Sector, StaffMember
from organisations.people_lookup import HUB_KEY, STAFF_SELECT_LIMIT

YES_NO_EITHER = [("", "Either"), ("yes", "Yes"), ("no", "No")]


def yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _date_field(label, required=True, help_text=""):
    return NhsDateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"required": f"Enter the {label.lower()}."},
    )


class CareHomeFilterForm(forms.Form):
    q = forms.CharField(label="Name, postcode or CQC ID", required=False, max_length=100)
    locality = forms.ChoiceField(label="Locality", required=False)
    pcn = forms.ChoiceField(label="PCN", required=False)
    home_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *CareHome.HomeType.choices]
    )
    specialism = forms.ChoiceField(label="Specialism", required=False)
    has_lead = forms.ChoiceField(label="Has a named lead", required=False, choices=YES_NO_EITHER)
    has_gap = forms.ChoiceField(label="Has a gap", required=False, choices=YES_NO_EITHER)
    outbreak = forms.ChoiceField(label="In outbreak", required=False, choices=YES_NO_EITHER)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("name", "Name (A to Z)"),
            ("-name", "Name (Z to A)"),
            ("locality", "Locality"),
            ("last_visit", "Longest since a visit"),
            ("-last_visit", "Most recently visited"),
            ("gaps", "Most gaps"),
            ("beds", "Most beds"),
        ],
    )

    def __init__(self, *args, localities, pcns, **kwargs):
        """`localities`, `pcns`: (value, label) querysets (`selectors.carehome_filter_rows`); a
        country's are a typed name, read only for the one typed (`config.choices.fit_rows`)."""
        super().__init__(*args, **kwargs)
        fit_rows(
            self,
            "locality",
            localities,
            fields=("locality", "locality"),
            blank="Any locality",
            noun="locality",
        )
        fit_rows(
            self,
            "pcn",
            pcns,
            fields=("pk", "name"),
            blank="Any PCN",
            noun="PCN",
            coerce=int,
            empty_value=None,
        )
        self.fields["specialism"].choices = [("", "Any specialism"), *Specialism.KNOWN.items()]

    def selector_kwargs(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "locality": data.get("locality", ""),
            "pcn": data.get("pcn") or None,
            "home_type": data.get("home_type", ""),
            "specialism": data.get("specialism", ""),
            "has_lead": yes_no(data.get("has_lead")),
            "has_gap": yes_no(data.get("has_gap")),
            "in_outbreak": yes_no(data.get("outbreak")),
            "sort": data.get("sort") or "name",
        }


class StaffFilterForm(forms.Form):
    q = forms.CharField(label="Name or GPhC number", required=False, max_length=100)
    organisation = forms.ChoiceField(label="Organisation", required=False)
    sector = forms.ChoiceField(label="Sector", required=False, choices=[("", "Any sector"), *Sector.choices])
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *StaffMember.Role.choices]
    )
    has_spare = forms.ChoiceField(label="Has spare hours", required=False, choices=YES_NO_EITHER)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("name", "Name"), ("spare", "Most spare hours"), ("organisation", "Organisation")],
    )

    def __init__(self, *args, organisations, **kwargs):
        """`organisations`: (pk, name) rows as a queryset; a country's thousands are a typed name,
        read only for the one typed (`config.choices.fit_rows`)."""
        super().__init__(*args, **kwargs)
        fit_rows(
            self,
            "organisation",
            organisations,
            fields=("pk", "name"),
            blank="Any organisation",
            noun="organisation",
            coerce=int,
            empty_value=None,
        )

    def selector_kwargs(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "organisation": data.get("organisation") or None,
            "sector": data.get("sector", ""),
            "role": data.get("role", ""),
            "has_spare": yes_no(data.get("has_spare")),
            "sort": data.get("sort") or "name",
        }


class StaffChoiceField(forms.ModelChoiceField):
    widget = AutocompleteSelect

    def label_from_instance(self, obj):
        label = f"{obj.name} – {obj.get_role_display()}, {obj.organisation.name}"
        return label if obj.is_active else f"{label} (not active)"


def assignable_staff():
    return (
        StaffMember.objects.filter(
            Q(
                role__in=[
                    StaffMember.Role.PHARMACIST,
                    StaffMember.Role.TECHNICIAN,
                    StaffMember.Role.CHIEF_PHARMACIST,
                ]
            )
        )
        .deployable()
        .select_related("organisation")
        .order_by("-is_active", "name")
    )


def staff_lookup_text(person):
    """How a person reads in the staff look-up, ending with the key StaffLookupField parses back."""
    text = f"{person.name} – {person.get_role_display()}, {person.organisation.name}"
    return f"{text} (GPhC {person.gphc_number})" if person.gphc_number else person.name


def home_key(key):
    """Which home a look-up suggestion's key names: its CQC location ID, or "hub <number>" for a
    home with none yet (a number is never a key for a home that has a CQC ID)."""
    if key.lower().startswith(HUB_KEY + " "):
        number = id_from_text(key[len(HUB_KEY) :])
        return Q(pk=number, cqc_location_id__isnull=True) if number else Q(pk__in=[])
    return Q(cqc_location_id__iexact=key)


def home_lookup_text(home):
    """How a care home reads in the care-home look-up: "Larch Court, LS6 2AB (1-101234567)", ending
    with its key (`home_key`): the CQC location ID, or "hub <number>" for a home added by hand."""
    key = home.cqc_location_id or f"{HUB_KEY} {home.pk}"
    return f"{home.name}, {home.postcode} ({key})"


class StaffLookupField(LookupField):
    """A person by GPhC registration number or exact name (for a country-sized staff list). With
    script, the box is an autocomplete over the staff look-up; a suggestion ends "(GPhC 2012345)"."""

    key_prefix = "GPhC"
    not_found = "No pharmacist or technician has the GPhC number or name “{text}”."
    ambiguous = "More than one person has that name: enter their GPhC number."

    def __init__(self, *args, queryset, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, lookup_url=reverse_lazy("carehomes:staff_lookup"), **kwargs)

    def rows(self):
        return self.queryset

    def by_key(self, key):
        return Q(gphc_number=key)

    def by_text(self, text):
        return Q(gphc_number=text) | Q(name__iexact=text)


def staff_list_is_large():
    """Whether more people can be assigned than a select holds (reads at most one row past the limit)."""
    return more_than(assignable_staff(), STAFF_SELECT_LIMIT)


def use_staff_lookup_if_large(form, name, label, *, large=None):
    """Swap the person select for a GPhC-number-or-name box when the staff list is large.
    `large` is `staff_list_is_large()` when the page has asked it already (a home's page has two
    such forms: one question, not two)."""
    queryset = assignable_staff()
    if staff_list_is_large() if large is None else large:
        form.fields[name] = StaffLookupField(
            label=label,
            queryset=queryset,
            help_text="Their GPhC registration number (7 digits) or their exact name.",
            error_messages={"required": "Enter the person's GPhC number or name."},
        )
    else:
        form.fields[name].queryset = queryset


class HomeChoiceField(LookupField):
    """A care home by CQC location ID or exact name (a select of 15,000 homes would not do). With
    script, the box is an autocomplete over the care-home look-up (`lookup_name`, another in
    discharge's form); a suggestion ends "(1-101234567)"."""

    not_found = "No care home has the CQC location ID or name “{text}”."
    ambiguous = "More than one care home has that name: enter its CQC location ID."
    lookup_name = "carehomes:home_lookup"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, lookup_url=reverse_lazy(self.lookup_name), **kwargs)

    def rows(self):
        return CareHome.objects.all()

    def by_key(self, key):
        return home_key(key)

    def by_text(self, text):
        return Q(cqc_location_id__iexact=text) | Q(name__iexact=text)


class StaffLeaveForm(forms.Form):
    left_on = _date_field("Date they left")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("left_on", timezone.localdate())


class SupplyingPharmacyForm(forms.Form):
    pharmacy = PharmacyField(
        label="Supplying pharmacy",
        required=False,
        max_length=200,
        help_text="The community pharmacy's ODS code (for example FCA17) or exact name. Leave blank to clear it.",
    )


class OutbreakForm(forms.Form):
    status = forms.ChoiceField(
        label="Outbreak status",
        choices=CareHome.Outbreak.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outbreak status."},
    )
    started_on = _date_field(
        "Date the outbreak started", required=False, help_text="Needed for a suspected or confirmed outbreak."
    )

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != CareHome.Outbreak.NONE and not data.get("started_on"):
            self.add_error("started_on", "Enter the date the outbreak started.")
        return data


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV, or an .xlsx or .ods workbook. Up to 20 MB.",
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.0f} MB; the largest file the hub takes is 20 MB."
            )
        return upload


class ImportConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(
        label="Skip the rows with errors and import the rest",
        required=False,
    )
    confirm_many_missing = forms.BooleanField(
        label="I have checked: this is the whole, current CQC file. Import it and flag the homes it leaves out as missing",
        required=False,
    )
