"""The form of a care home's details, changed or added by hand by the project manager (issue 14).
It parses; `carehomes.services.care_home_update` / `care_home_create_by_hand` decide."""

from django import forms

from carehomes.models import (
    CQC_LOCATION_ID,
    UK_POSTCODE,
    CareHome,
    Specialism,
    normalise_postcode,
    validate_uk_phone,
)
from carehomes.services import HOME_FIELDS
from config.forms import ModelIdsField
from config.patient_data import validate_no_patient_data
from organisations.models import Organisation


class OrganisationLookupField(forms.CharField):
    """An organisation of one kind by ODS code or exact name (a select of every practice would not do)."""

    def __init__(self, *args, kind, noun, **kwargs):
        self.kind, self.noun = kind, noun
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"max_length": f"Enter the {noun}'s ODS code or name in 200 characters or fewer."},
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = Organisation.objects.filter(kind=self.kind)
        match = found.filter(ods_code=text.upper()).first() or found.filter(name__iexact=text).first()
        if match is None:
            raise forms.ValidationError(f"No {self.noun} has the ODS code or name “{text}”.")
        return match


def _text(label, *, max_length, required=True, required_message=None, help_text="", validators=()):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        validators=[validate_no_patient_data, *validators],
        error_messages={
            "required": required_message or f"Enter the {label.lower()}.",
            "max_length": f"Enter a {label.lower()} of {max_length} characters or fewer.",
        },
    )


class CareHomeForm(forms.Form):
    """A care home's details, changed or added by hand by the project manager (services decide)."""

    name = _text("Name", max_length=200, required_message="Enter the care home's name.")
    cqc_location_id = forms.CharField(
        label="CQC location ID",
        max_length=20,
        required=False,
        help_text="For example 1-101234567. Leave it blank if the home is not registered with the CQC yet.",
        error_messages={"max_length": CQC_LOCATION_ID.message},
    )
    address = _text("Address", max_length=300, required=False, help_text="Without the postcode.")
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter the postcode, for example LS1 3EX.",
            "max_length": UK_POSTCODE.message,
        },
    )
    phone = _text("Phone number", max_length=20, required=False, validators=[validate_uk_phone])
    locality = _text(
        "Locality", max_length=100, help_text="The area the hub groups homes by, for example Leeds North."
    )
    pcn = OrganisationLookupField(
        label="PCN",
        kind=Organisation.Kind.PCN,
        noun="PCN",
        help_text="The primary care network's ODS code (for example U12345) or exact name. Leave blank if not aligned.",
    )
    practice = OrganisationLookupField(
        label="GP practice",
        kind=Organisation.Kind.GP_PRACTICE,
        noun="GP practice",
        help_text="The aligned GP practice's ODS code (for example B86001) or exact name. Leave blank if not aligned.",
    )
    beds = forms.IntegerField(
        label="Beds",
        min_value=0,
        max_value=1000,
        # A text box with a number keypad (NHS.UK): a number box would drop what was typed wrong.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of beds, for example 42.",
            "invalid": "Enter the number of beds as a whole number, for example 42.",
            "min_value": "Enter 0 or more beds.",
            "max_value": "Enter 1,000 beds or fewer.",
        },
    )
    home_type = forms.ChoiceField(
        label="Type",
        choices=CareHome.HomeType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of home.", "invalid_choice": "Choose the type of home."},
    )
    specialisms = ModelIdsField(  # a posted value that cannot be an id is refused, not sent to the database
        label="Specialisms",
        queryset=Specialism.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose specialisms from the list.",
            "invalid_pk_value": "Choose specialisms from the list.",
        },
    )

    FIELDS_IN_ORDER = HOME_FIELDS  # the service says what may be changed, in the form's order

    @classmethod
    def initial_for(cls, home):
        return {
            "name": home.name,
            "cqc_location_id": home.cqc_location_id or "",
            "address": home.address,
            "postcode": home.postcode,
            "phone": home.phone,
            "locality": home.locality,
            "pcn": (home.pcn.ods_code or home.pcn.name) if home.pcn else "",
            "practice": (home.practice.ods_code or home.practice.name) if home.practice else "",
            "beds": home.beds,
            "home_type": home.home_type,
            "specialisms": [s.pk for s in home.specialisms.all()],
        }

    def clean_cqc_location_id(self):
        value = (self.cleaned_data.get("cqc_location_id") or "").strip()
        if value:
            CQC_LOCATION_ID(value)
        return value or None

    def clean_postcode(self):
        value = normalise_postcode(self.cleaned_data.get("postcode"))
        UK_POSTCODE(value)
        return value
