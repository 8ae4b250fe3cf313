"""What every app's forms share: putting a service's refusal on the form that was sent."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, field_for=None):
    """Put a service's ValidationError on `form`: each message next to the field it names, the rest
    (and messages for fields the form does not have) at the top, in the NHS.UK error summary.

    `field_for(name)` may map a service's field name to the form's (e.g. the visit form shows every
    `activity_*` column's message on its one "activities" field).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = field_for(name) if field_for else name
        form.add_error(field if field in form.fields else None, messages)
