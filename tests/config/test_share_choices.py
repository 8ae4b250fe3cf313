"""Two selects of one page that list the same rows read them once (config.forms.share_choices)."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehomes.models import StaffMember
from config.forms import share_choices
from tests.factories import StaffMemberFactory


def person_select(queryset=None, empty_label="Choose a person"):
    return forms.ModelChoiceField(
        queryset=queryset if queryset is not None else StaffMember.objects.order_by("name"),
        empty_label=empty_label,
    )


@pytest.mark.django_db
def test_selects_over_the_same_rows_read_them_once():
    StaffMemberFactory.create_batch(3)
    assign, hand_over = person_select(), person_select()
    expected = [(str(value), label) for value, label in person_select().choices]

    share_choices(assign, hand_over)
    with CaptureQueriesContext(connection) as queries:
        offered = [[(str(value), label) for value, label in field.choices] for field in (assign, hand_over)]

    assert len(queries) == 0
    assert offered == [expected, expected]
    assert len(expected) == 4  # "Choose a person" and three people


@pytest.mark.django_db
def test_a_chosen_person_is_still_checked_against_each_fields_own_rows():
    person = StaffMemberFactory()
    assign, hand_over = person_select(), person_select()
    share_choices(assign, hand_over)

    assert hand_over.clean(str(person.pk)) == person
    with pytest.raises(forms.ValidationError):
        hand_over.clean("999999")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "other",
    [
        lambda: person_select(StaffMember.objects.order_by("-name")),
        lambda: person_select(empty_label="Nobody"),
        lambda: forms.CharField(),
    ],
    ids=["other rows", "other first option", "not a select"],
)
def test_selects_that_differ_keep_their_own_options(other):
    StaffMemberFactory.create_batch(2)
    first, second = person_select(), other()

    share_choices(first, second)

    assert not hasattr(second, "_choices")
    assert not hasattr(first, "_choices")
