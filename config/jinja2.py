"""The Jinja2 environment: NHS.UK frontend macros, Django's helpers and the hub's filters."""

import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.forms import BaseForm
from django.templatetags.static import static
from django.urls import reverse
from django_htmx.jinja import htmx_script
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, pass_context
from markupsafe import Markup

from config import presenters
from config.component_cache import CSRF_SLOT, remembered
from config.date_input import parts_of

_LINE_INDENT = re.compile(r"\n[ \t]+")


def tight(html):
    """Component HTML without the indentation at the start of its lines (a long list of checkboxes
    was half spaces). Only for components holding no <textarea> or <pre>, where spaces show."""
    return Markup(_LINE_INDENT.sub("\n", str(html)))  # noqa: S704 - the HTML was already escaped: only spaces go


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


@pass_context
def page_has_errors(context):
    """True when any form the page shows has errors: its title then starts "Error: " (NHS.UK)."""
    return any(isinstance(value, BaseForm) and value.is_bound and value.errors for value in context.values())


def compile_every_template():
    """Load (compile) every Jinja template of the hub and of nhsuk-frontend-jinja into the
    environment's cache: about 1.5 s of CPU that a web process would otherwise spend on its
    first requests. Touches no database."""
    from django.template import engines

    env = engines["jinja2"].env
    names = env.list_templates(filter_func=lambda name: name.endswith(".jinja"))
    for name in names:
        env.get_template(name)
    return len(names)


def environment(**options):
    loader = options.pop("loader")
    # nhsuk-frontend-jinja 0.10.2 pairs with nhsuk-frontend 10.6.1 and needs ChainableUndefined.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    # The component macros are indented for reading; without these, every call repeats that
    # indentation into the page (most of the dashboard's bytes before issue 18).
    options["trim_blocks"] = True
    options["lstrip_blocks"] = True
    env = Environment(
        loader=ChoiceLoader([loader, PackageLoader("nhsuk_frontend_jinja", "templates")]),
        autoescape=True,
        **options,
    )
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "htmx_script": htmx_script,
            "settings": settings,
            "SERVICE_NAME": settings.HUB["SERVICE_NAME"],
            "navigation_for": presenters.navigation_for,
            "choice_items": presenters.choice_items,
            "picker_items": presenters.picker_items,
            "date_parts": parts_of,
            "page_has_errors": page_has_errors,
            "remembered": remembered,
            "CSRF_SLOT": CSRF_SLOT,
        }
    )
    env.filters.update(presenters.FILTERS)
    env.filters["tight"] = tight
    return env
