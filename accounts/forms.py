"""Sign-in and password forms: Django's own, with the hub's wording and what follows a new password."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from accounts import selectors, services
from config.form_messages import require_messages


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


class HubPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The two new passwords are not the same. Enter the same password twice.",
    }

    def save(self, commit=True):
        user = super().save(commit=commit)
        services.password_change_requirement_clear(user=user)
        return user


class HubSetPasswordForm(SetPasswordForm):
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The two new passwords are not the same. Enter the same password twice.",
    }

    def save(self, commit=True):
        user = super().save(commit=commit)
        services.password_change_requirement_clear(user=user)
        return user


class HubPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.nhs.uk.",
        },
    )

    def get_users(self, email):
        """Logins whose own or staff-record address is the one typed; the link goes to that address."""
        for user in selectors.users_for_password_reset(email=email):
            user.email = email  # not saved: only where this e-mail is sent
            yield user


require_messages(SignInForm, {"username": "Enter your username.", "password": "Enter your password."})
require_messages(
    HubPasswordChangeForm,
    {
        "old_password": "Enter your current password.",
        "new_password1": "Enter a new password.",
        "new_password2": "Enter the new password again.",
    },
)
require_messages(
    HubSetPasswordForm,
    {
        "new_password1": "Enter a new password.",
        "new_password2": "Enter the new password again.",
    },
)
