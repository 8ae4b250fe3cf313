"""The one date input (config/date_input.py): three boxes, errors that name the wrong part, and
what was typed kept when the form is refused."""

import datetime

import pytest
from django import forms

from config.date_input import NhsDateField


class VisitDateForm(forms.Form):
    visited_on = NhsDateField(label="Date of visit")


def boxes(day, month, year):
    return {"visited_on[day]": day, "visited_on[month]": month, "visited_on[year]": year}


def test_three_boxes_make_a_date():
    form = VisitDateForm(boxes("7", "3", "2026"))

    assert form.is_valid()
    assert form.cleaned_data["visited_on"] == datetime.date(2026, 3, 7)


def test_a_single_iso_or_uk_value_is_read_too():
    assert VisitDateForm({"visited_on": "2026-03-07"}).is_valid()
    assert VisitDateForm({"visited_on": "7/3/2026"}).is_valid()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (boxes("7", "", "2026"), "Date of visit must include a month"),
        (boxes("", "", "2026"), "Date of visit must include a day and month"),
        (boxes("7", "3", ""), "Date of visit must include a year"),
        (boxes("31", "2", "2026"), "Date of visit must be a real date"),
        (boxes("7", "13", "2026"), "Date of visit must be a real date"),
        (boxes("seven", "3", "2026"), "Date of visit must be a real date"),
        (boxes("7", "3", "26"), "Year must include 4 numbers"),
        (boxes("", "", ""), "Enter date of visit"),
        ({"visited_on": "next Tuesday"}, "Date of visit must be a real date"),
        (boxes("7\x00", "3", "2026"), "Date of visit must be a real date"),
        (boxes("9" * 40, "3", "2026"), "Date of visit must be a real date"),
    ],
)
def test_a_refused_date_says_which_part_is_wrong(data, message):
    form = VisitDateForm(data)

    assert not form.is_valid()
    assert form.errors["visited_on"] == [message]


def test_a_refused_form_keeps_what_was_typed():
    form = VisitDateForm(boxes("31", "2", "2026"))
    form.is_valid()

    assert form["visited_on"].value() == {"day": "31", "month": "2", "year": "2026"}
