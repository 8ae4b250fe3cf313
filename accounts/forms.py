"""Sign-in and password forms: Django's own, with the hub's wording and what follows a new password."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template.loader import render_to_string

from accounts import selectors, services
from config.form_messages import require_messages
from config.mail import email_queue


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


MISMATCH = "The two new passwords are not the same. Enter the same password twice."


class _ClearsRequirement:
    """A new password saved: the person is no longer asked to change it."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        services.password_change_requirement_clear(user=user)
        return user


class HubPasswordChangeForm(_ClearsRequirement, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": MISMATCH,
    }


class HubSetPasswordForm(_ClearsRequirement, SetPasswordForm):
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": MISMATCH}


class HubPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.nhs.uk.",
        },
    )

    def save(self, *args, domain_override=None, use_https=False, **kwargs):
        """The link in the e-mail is on SITE_URL, never on the Host the request came with."""
        site = urlsplit(settings.SITE_URL)
        return super().save(*args, domain_override=site.netloc, use_https=site.scheme == "https", **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the hub's outbox (`config.mail`), like every e-mail: after the commit, retried on
        a failure, and never an error on the page (which says the same whether or not it went)."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_queue(subject=subject, body=body, recipients=[to_email], purpose="password reset")

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
