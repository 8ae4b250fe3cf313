"""The dashboard's and gap list's filters (GET forms, so a filtered view has its own address)."""

from django import forms

from carehomes.gaps import RULES
from config.choices import fit_rows


class FilterForm(forms.Form):
    locality = forms.ChoiceField(label="Locality", required=False)
    pcn = forms.TypedChoiceField(label="PCN", required=False, coerce=int, empty_value=None)
    organisation = forms.TypedChoiceField(
        label="Organisation",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="The named lead's organisation, or the home's PCN or practice.",
    )

    def __init__(self, data=None, *, options, **kwargs):
        super().__init__(data, **kwargs)
        fit_rows(
            self,
            "locality",
            options["localities"],
            fields=("locality", "locality"),
            blank="All localities",
            noun="locality",
        )
        for name, noun, key in (("pcn", "PCN", "pcns"), ("organisation", "organisation", "organisations")):
            fit_rows(
                self,
                name,
                options[key],
                fields=("pk", "name"),
                blank=f"All {noun}s",
                noun=noun,
                coerce=int,
                empty_value=None,
            )

    def filter_values(self):
        """The chosen filters; anything invalid is ignored rather than refused (a stale link)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "locality": data.get("locality") or "",
            "pcn_id": data.get("pcn"),
            "organisation_id": data.get("organisation"),
        }


class GapFilterForm(FilterForm):
    rule = forms.ChoiceField(label="Rule", required=False)

    field_order = ["rule", "locality", "pcn", "organisation"]

    def __init__(self, data=None, *, options, **kwargs):
        super().__init__(data, options=options, **kwargs)
        self.fields["rule"].choices = [("", "All rules")] + [
            (code, rule.name) for code, rule in RULES.items()
        ]

    def filter_values(self):
        values = super().filter_values()
        if values or self.is_bound:
            values["rule"] = getattr(self, "cleaned_data", {}).get("rule") or ""
        return values
