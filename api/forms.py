"""The form that makes an API token."""

from django import forms

from organisations.access import ROLES

LIFETIMES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("180", "6 months"),
    ("365", "1 year (the longest allowed)"),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What the token is for, for example “Power BI care-home report”",
        error_messages={"required": "Enter a name for the token"},
    )
    lifetime_days = forms.TypedChoiceField(
        choices=LIFETIMES,
        coerce=int,
        initial="90",
        label="How long it lasts",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the token lasts"},
    )


class ServiceTokenForm(ApiTokenForm):
    """A superuser's form: the token may belong to a named service account and publish figures."""

    service_account = forms.CharField(
        max_length=100,
        required=False,
        label="Service account (optional)",
        help_text="Leave blank for a token of your own. A name such as “ICB analytics” makes a service "
        "account that reads with the role chosen below",
    )
    service_role = forms.ChoiceField(
        choices=[("", "Choose a role"), *[(r, r) for r in ROLES]],
        required=False,
        label="The service account's role",
    )
    publishes = forms.BooleanField(
        required=False,
        label="Figures from this token are published outside the hub (numbers from 1 to 7 are suppressed)",
    )

    def clean(self):
        data = super().clean()
        if data.get("service_account") and not data.get("service_role"):
            self.add_error("service_role", "Choose what the service account may read")
        return data
