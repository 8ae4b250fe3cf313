"""Every required field says what to do ("Enter the hours a week"), never "This field is required."."""

import importlib
import pkgutil

from django import forms
from django.apps import apps
from django.conf import settings

DEFAULT_REQUIRED = str(forms.Field.default_error_messages["required"])
HUB_APPS = [a for a in settings.INSTALLED_APPS if "." not in a]


def _hub_forms():
    for label in HUB_APPS:
        package = apps.get_app_config(label.rsplit(".", 1)[-1]).module
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if "forms" in module.name.rsplit(".", 1)[-1]:
                importlib.import_module(module.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    hub_modules = tuple(f"{label}." for label in HUB_APPS)
    return sorted(
        (c for c in seen if c.__module__.startswith(hub_modules) and hasattr(c, "base_fields")),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def test_every_required_field_of_every_hub_form_has_its_own_message():
    offenders = [
        f"{form.__module__}.{form.__qualname__}.{name} ({field.label})"
        for form in _hub_forms()
        for name, field in form.base_fields.items()
        if field.required and str(field.error_messages.get("required")) == DEFAULT_REQUIRED
    ]
    assert not offenders, "Give these required fields their own message:\n  " + "\n  ".join(offenders)
