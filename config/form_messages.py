"""Each required field's own message, in the words of the NHS content style guide.

Django's "This field is required." tells nobody what to do. Every required field says what to
enter or choose ("Enter what you need", "Choose who can help"), and the error summary repeats the
same words (tests/config/test_form_messages.py checks every form of the hub).
"""


def require_messages(form_class, messages):
    """Give `form_class`'s required fields their own "required" message: {field name: message}."""
    for name, message in messages.items():
        field = form_class.base_fields[name]
        field.error_messages = {**field.error_messages, "required": message}
    return form_class
