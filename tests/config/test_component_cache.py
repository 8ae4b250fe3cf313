"""NHS.UK component macros rendered once per set of parameters (config/component_cache.py): the
markup a person gets is the macro's own, whether the call was kept or not."""

import re

import pytest
from django import forms
from django.conf import settings
from django.template import engines
from django.urls import reverse_lazy
from jinja2 import FileSystemLoader
from markupsafe import Markup

from config import component_cache
from config.date_input import NhsDateField
from config.jinja2 import environment


@pytest.fixture
def env():
    component_cache.forget_all()
    yield engines["jinja2"].env
    component_cache.forget_all()


def macro(env, path, name):
    return getattr(env.get_template(f"nhsuk/components/{path}/macro.jinja").module, name)


def date_params(*, value=("", "", ""), error=None, wrong=(), hint=None, heading=False):
    day, month, year = value
    return {
        "id": "id_visited_on",
        "namePrefix": "visited_on",
        "fieldset": {
            "legend": {
                "text": "Date of visit",
                "isPageHeading": heading,
                "classes": "nhsuk-fieldset__legend--s",
            }
        },
        "hint": hint or {"text": "For example, 27 3 2026"},
        "errorMessage": {"text": error} if error else None,
        "classes": "nhsuk-input--width-10",
        "items": [
            {
                "name": "day",
                "value": day,
                "width": 2,
                "classes": "nhsuk-input--error" if "day" in wrong else "",
            },
            {
                "name": "month",
                "value": month,
                "width": 2,
                "classes": "nhsuk-input--error" if "month" in wrong else "",
            },
            {
                "name": "year",
                "value": year,
                "width": 4,
                "classes": "nhsuk-input--error" if "year" in wrong else "",
            },
        ],
    }


DATE_STATES = {
    "empty": date_params(),
    "a date": date_params(value=("7", "3", "2026")),
    "a missing month": date_params(
        value=("7", "", "2026"), error="Date of visit must include a month", wrong=("month",)
    ),
    "not a real date": date_params(
        value=("31", "2", "2026"), error="Date of visit must be a real date", wrong=("day", "month", "year")
    ),
    "typed text kept and escaped": date_params(
        value=("<b>7</b>", "3", "2026"), error="Date of visit must be a real date", wrong=("day",)
    ),
    "an HTML hint, as the page heading": date_params(
        hint={"html": Markup("<strong>Today</strong>")}, heading=True
    ),
}


@pytest.mark.parametrize("state", DATE_STATES)
def test_a_kept_date_input_is_the_macros_own_markup(env, state):
    date_input = macro(env, "date-input", "dateInput")
    params = DATE_STATES[state]

    first = component_cache.remembered(date_input, params)
    again = component_cache.remembered(date_input, params)

    assert first == again == date_input(params)
    assert 'name="visited_on[day]"' in first


def test_an_error_is_never_served_from_the_call_without_it(env):
    date_input = macro(env, "date-input", "dateInput")
    clean = component_cache.remembered(date_input, DATE_STATES["a date"])

    refused = component_cache.remembered(date_input, DATE_STATES["a missing month"])

    assert "nhsuk-form-group--error" not in clean
    assert "Date of visit must include a month" in refused
    assert refused == date_input(DATE_STATES["a missing month"])


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"text": "<b>bold</b>"}, {"html": Markup("<b>bold</b>")}),
        ({"text": "<b>bold</b>", "classes": ""}, {"text": Markup("<b>bold</b>"), "classes": ""}),
        ({"text": "Save", "disabled": True}, {"text": "Save", "disabled": 1}),
        ({"text": 1}, {"text": 1.0}),
    ],
)
def test_parameters_the_macro_tells_apart_are_kept_apart(env, one, other):
    button = macro(env, "button", "button")

    assert component_cache.remembered(button, one) == button(one)
    assert component_cache.remembered(button, other) == button(other)


def test_parameters_it_cannot_key_are_rendered_every_time(env):
    class Label:
        def __str__(self):
            return "Staff member"

    select = macro(env, "select", "select")
    params = {"id": "s", "name": "s", "label": {"text": Label()}, "items": [{"value": "1", "text": "One"}]}

    assert component_cache.remembered(select, params) == select(params)
    assert not component_cache._entries


def test_a_lazy_text_is_kept_and_renders_as_the_macro_renders_it(env):
    """A look-up box's URL is a lazy text (reverse_lazy): its input is kept like any other, and
    the markup is the macro's own for that text."""
    text_input = macro(env, "input", "input")
    params = {
        "id": "staff",
        "name": "staff",
        "label": {"text": "Person"},
        "attributes": {"data-lookup-url": reverse_lazy("carehomes:staff_lookup")},
    }

    first = component_cache.remembered(text_input, params)
    again = component_cache.remembered(text_input, params)

    assert first == again == text_input(params)
    assert 'data-lookup-url="/staff/lookup/"' in first
    assert len(component_cache._entries) == 1
    other = {**params, "attributes": {"data-lookup-url": reverse_lazy("carehomes:home_lookup")}}
    assert component_cache.remembered(text_input, other) == text_input(other) != first


class StartForm(forms.Form):
    starts_on = NhsDateField(label="Start date")
    staff = forms.ChoiceField(choices=[("", "Choose"), ("1", "Asha Patel"), ("2", "Ben Wright")])
    hours = forms.DecimalField(label="Hours a week")


@pytest.fixture
def env_without_cache():
    """The hub's environment with every component macro called directly."""
    plain = environment(loader=FileSystemLoader(settings.TEMPLATES[0]["DIRS"]))
    plain.globals["remembered"] = lambda component, params: component(params)
    return plain


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "starts_on[day]": "1",
            "starts_on[month]": "",
            "starts_on[year]": "2026",
            "staff": "2",
            "hours": "x",
        },
        {
            "starts_on[day]": "1",
            "starts_on[month]": "12",
            "starts_on[year]": "2026",
            "staff": "1",
            "hours": "4",
        },
    ],
)
def test_form_fields_render_as_the_macros_do(env, env_without_cache, data):
    form = StartForm(data)
    form.is_valid()
    source = (
        '{% from "macros/form.jinja" import field %}'
        "{{ field(form.starts_on) }}{{ field(form.staff) }}{{ field(form.hours) }}"
    )

    cold = env.from_string(source).render(form=form)
    warm = env.from_string(source).render(form=form)

    assert cold == warm == env_without_cache.from_string(source).render(form=form)
    assert cold.count('class="nhsuk-date-input__item"') == 3
    if data and data["hours"] == "x":
        assert "Start date must include a month" in warm


@pytest.mark.django_db
def test_each_page_signs_out_with_its_own_token(client_for, pm_user):
    """The header is kept per person and page; the sign-out form still carries this response's
    CSRF token, so signing out works from a kept header."""
    client = client_for(pm_user)
    client.handler.enforce_csrf_checks = True
    tokens = []
    for _ in range(2):
        html = client.get("/workstreams/").content.decode()
        form = re.search(r'<form class="nhsuk-header__account-form".*?</form>', html, re.S).group(0)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1))

    assert tokens[0] != tokens[1]
    assert component_cache.CSRF_SLOT not in html
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    assert client.get("/workstreams/").status_code == 302
