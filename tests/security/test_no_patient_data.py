"""No patient-identifiable data, in every field a person can type into or import (issue 13 §1).

Hypothesis writes valid NHS numbers every way a person writes them (tests/patient_data.py) and
stated dates of birth, puts one into each free-text field of every form (the hostile-input FORMS
table, otherwise valid) and into each free-text column of both imports, then scans every text
column of every table in the database, history included: none is stored, and each form says why
next to the field. Ordinary text with phone numbers, dates, codes and hours is still saved.
"""

import csv
import io
import os

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.patient_data import contains_date_of_birth, contains_nhs_number
from tests.patient_data import ordinary_texts, stated_dates_of_birth, written_nhs_numbers
from tests.security.test_hostile_input import FORMS, GOOD_ROWS, IMPORTS, TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PROPERTY = settings(
    max_examples=int(os.environ.get("PATIENT_DATA_EXAMPLES", "8")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REDIRECTS = {301, 302, 303}
# Free-text fields of each form (by URL name and role), as posted.
FREE_TEXT = {
    ("carehomes:edit", "pm"): ["name", "address", "locality"],
    ("carehomes:add", "pm"): ["name", "address", "locality"],
    ("carehomes:visit_create", "pharmacist"): ["notes", "escalation_summary"],
    ("carehomes:visit_create", "pm"): ["notes", "escalation_summary"],
    ("carehomes:visit_edit", "pharmacist"): ["notes", "escalation_summary"],
    ("carehomes:visit_delete", "pharmacist"): ["reason"],
    ("workstreams:create", "pm"): ["name", "description"],
    ("workstreams:edit", "pm"): ["name", "description"],
    ("workstreams:note_add", "pm"): ["text"],
    ("organisations:engagement_note", "pm"): ["with_whom", "summary"],
    ("workstreams:request_create", "orglead"): ["title", "details", "skills"],
    ("workstreams:request_create", "pm"): ["title", "details", "skills"],
    ("workstreams:offer_create", "orglead"): ["note"],
    ("actionplan:action_create", "pm"): ["description"],
    ("actionplan:action_edit", "pm"): ["description"],
    ("actionplan:actionupdate_create", "pm"): ["text"],
    ("actionplan:meeting_list", "pm"): ["title"],
    ("actionplan:section_create", "pm"): ["name"],
}
CASES = [(form, name) for form in FORMS for name in FREE_TEXT.get((form.url, form.role), [])]
IMPORT_COLUMNS = [
    ("cqc", "directory", "Name"),
    ("cqc", "directory", "Address"),
    ("cqc", "hsca", "Location Name"),
    ("cqc", "hsca", "Location Street Address"),
    ("cqc", "hsca", "Location Local Authority"),
    ("staff", "staff", "name"),
]
patient_data = st.one_of(written_nhs_numbers(), stated_dates_of_birth())


def test_every_form_with_free_text_is_covered():
    """A form added to FREE_TEXT's list of forms must exist in the hostile-input FORMS table."""
    assert {(f.url, f.role) for f, _ in CASES} == set(FREE_TEXT)


def text_columns():
    """(model, field name) for every text column people's words reach: domain, history, auth, axes."""
    return [
        (model, field.name)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and model._meta.app_label not in {"sessions", "contenttypes", "admin"}
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not _machine_made(field.name)
    ]


def _machine_made(name):
    """Columns no person writes in (hashes, tokens, keys): hex digests hold digit runs by chance."""
    return name == "password" or any(word in name for word in ("hash", "token", "key"))


def stored_patient_data():
    """Every stored value, in any text column, that holds an NHS number or a stated date of birth."""
    found = []
    for model, name in text_columns():
        for value in model._default_manager.exclude(**{name: ""}).values_list(name, flat=True).iterator():
            if value and (contains_nhs_number(value) or contains_date_of_birth(value)):
                found.append((model._meta.label, name, value))
    return found


def post(client, form, city, data):
    return client.post(reverse(form.url, kwargs=form.kwargs(city)), data)


def test_the_city_starts_clean(city):
    assert stored_patient_data() == []


@pytest.mark.parametrize(("form", "name"), CASES, ids=[f"{f.id}-{n}" for f, n in CASES])
@PROPERTY
@given(text=patient_data)
def test_forms_refuse_patient_data_and_store_none(city, as_role, form, name, text):
    client = as_role(form.role)
    body = {**(form.valid(city) if form.valid else {}), name: text}
    with transaction.atomic():
        response = post(client, form, city, body)
        assert response.status_code not in REDIRECTS, f"{form.id} accepted {name}={text!r}"
        assert response.status_code < 500
        assert "Do not record patient-identifiable data" in response.content.decode()
        assert stored_patient_data() == []
        transaction.set_rollback(True)


@pytest.mark.parametrize(("form", "name"), CASES, ids=[f"{f.id}-{n}" for f, n in CASES])
@PROPERTY
@given(text=ordinary_texts)
def test_forms_keep_ordinary_numbers(city, as_role, form, name, text):
    client = as_role(form.role)
    body = {**(form.valid(city) if form.valid else {}), name: text[:100]}
    with transaction.atomic():
        response = post(client, form, city, body)
        assert response.status_code in REDIRECTS, f"{form.id} refused {name}={text!r}"
        transaction.set_rollback(True)


def _csv(layout, column, value):
    good = GOOD_ROWS[layout]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(good))
    writer.writerow([value if name == column else cell for name, cell in good.items()])
    return out.getvalue().encode()


@pytest.mark.parametrize(("kind", "layout", "column"), IMPORT_COLUMNS)
@PROPERTY
@given(text=patient_data)
def test_imports_refuse_patient_data_and_store_none(city, as_role, kind, layout, column, text):
    upload_url, confirm_url, _ = IMPORTS[kind]
    client = as_role("pm")
    with transaction.atomic():
        upload = {
            "file": SimpleUploadedFile("upload.csv", _csv(layout, column, text), content_type="text/csv")
        }
        response = client.post(reverse(upload_url), upload)
        page = response.content.decode()
        assert "Do not record patient-identifiable data" in page
        found = TOKEN.search(page)
        if found:
            client.post(reverse(confirm_url), {"token": found.group(1), "skip_bad_rows": "on"})
        assert stored_patient_data() == []
        transaction.set_rollback(True)
