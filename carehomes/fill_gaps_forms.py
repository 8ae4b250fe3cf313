"""Forms of the fill-the-gaps page: which locality and hours to propose for, and the proposal as
accepted (a person chosen for each home)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from carehomes.models import CareHome
from config.form_messages import require_messages
from config.forms import ModelIdField, ModelIdsField
from organisations.models import StaffMember


class FillGapsForm(forms.Form):
    locality = forms.ChoiceField(label="Locality", required=False)
    hours_per_week = forms.DecimalField(
        label="Hours a week for each home",
        initial=Decimal("2"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.5"), "Enter at least 0.5 hours a week."),
            MaxValueValidator(40),
        ],
    )

    def __init__(self, *args, localities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [("", "The whole city"), *((loc, loc) for loc in localities)]


require_messages(FillGapsForm, {"hours_per_week": "Enter the hours a week for each home, for example 2."})


class GapProposalAcceptForm(FillGapsForm):
    """The fill-the-gaps proposal as accepted: `home` for each home ticked and `staff_<home id>` for
    the person chosen for it. Homes and people that no longer exist (or junk) are left out, as a
    person un-ticking them would; `rows` is what remains, `chosen` the ids for re-showing the page."""

    home = ModelIdsField(
        queryset=CareHome.objects.all(),
        required=False,
        widget=forms.MultipleHiddenInput,  # parsed only: the page draws its own row checkboxes
        error_messages={
            "invalid_choice": "A care home in the proposal is no longer there. Show the proposal again.",
            "invalid_pk_value": "A care home in the proposal is no longer there. Show the proposal again.",
        },
    )

    def clean_home(self):
        return list(self.cleaned_data["home"])

    def clean(self):
        cleaned = super().clean()
        staff_field = ModelIdField(queryset=StaffMember.objects.all(), required=False)
        self.rows, self.chosen = [], {}
        for home in cleaned.get("home") or []:
            try:
                member = staff_field.clean(self.data.get(f"staff_{home.pk}", ""))
            except ValidationError:
                member = None
            if member is not None:
                self.rows.append((home, member))
                self.chosen[home.pk] = member.pk
        return cleaned
