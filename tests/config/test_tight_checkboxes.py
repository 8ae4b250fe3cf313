"""A long list of checkboxes without the component's indentation (issue 18: pages ≤ 80 KB at demo
size; a workstream's form was 99 KB, half of it spaces): the same boxes, labels and values."""

import re

from django import forms
from django.template import engines

FIELD = '{% from "macros/form.jinja" import field %}{{ field(form.homes) }}'


class HomesForm(forms.Form):
    homes = forms.MultipleChoiceField(
        label="Care homes",
        choices=[(str(i), f"Home {i} & Sons") for i in range(1, 41)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_a_checkbox_list_has_no_indentation_and_every_box_and_label():
    html = engines["jinja2"].env.from_string(FIELD).render(form=HomesForm({"homes": ["3"]}))

    assert not re.search(r"\n[ \t]+", html)
    assert len(re.findall(r'type="checkbox"', html)) == 40
    assert "Home 40 &amp; Sons" in html  # still escaped
    assert re.search(r'value="3" checked', html)
    assert "<legend" in html and "Care homes" in html
