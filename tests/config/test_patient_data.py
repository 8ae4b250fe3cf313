"""The one patient-data validator: NHS numbers however written, stated dates of birth, control characters."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from config.patient_data import (
    CONTROL_CHARACTER_MESSAGE,
    DATE_OF_BIRTH_MESSAGE,
    NHS_NUMBER_MESSAGE,
    check_free_text,
    contains_nhs_number,
    is_valid_nhs_number,
    validate_no_patient_data,
)
from tests.patient_data import (
    invalid_check_digit,
    ordinary_texts,
    stated_dates_of_birth,
    valid_nhs_numbers,
    written_nhs_numbers,
)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),
        ("9434765918", False),
        ("4010232137", True),
        ("1234567890", False),
        ("943476591", False),
    ],
)
def test_modulus_11(number, valid):
    assert is_valid_nhs_number(number) is valid


@given(written_nhs_numbers())
def test_a_valid_nhs_number_is_refused_however_it_is_written(text):
    with pytest.raises(ValidationError) as refused:
        validate_no_patient_data(text)
    assert refused.value.messages == [NHS_NUMBER_MESSAGE]


@given(written_nhs_numbers(numbers=valid_nhs_numbers.map(invalid_check_digit)))
def test_a_number_with_an_invalid_check_digit_is_accepted(text):
    validate_no_patient_data(text)


@given(ordinary_texts)
def test_ordinary_numbers_are_accepted(text):
    validate_no_patient_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5919",
        "9434 765 919",
        "943-476-5919",
        "943\u2013476\u20135919",
        "943.476.5919",
        "943/476/5919",
        "943\u00a0476\u00a05919",
        "943\n476\n5919",
        "９４３ ４７６ ５９１９",
        "٩٤٣٤٧٦٥٩١٩",
        "943\u200b476\u200b5919",
        "NHS no: 94 34 76 59 19",
        "Seen 01/03/2026 943 476 5919",
    ],
)
def test_written_forms_found(text):
    assert contains_nhs_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "01/03/2026 09:30",
        "Call 0113 243 3144",
        "Call +44 113 243 3144",
        "Call +44 (0)113 243 3144",
        "CQC 1-9434765919",
        "943 476-5919",  # two kinds of separator: not how a number is written
        "37.5 hours",
        "ODS RR8",
    ],
)
def test_ordinary_text_not_mistaken(text):
    assert not contains_nhs_number(text)


@given(stated_dates_of_birth())
def test_a_stated_date_of_birth_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        validate_no_patient_data(text)
    assert refused.value.messages == [DATE_OF_BIRTH_MESSAGE]


@pytest.mark.parametrize(
    "text", ["Visited on 01/03/2026", "born and raised in Leeds", "Date of the birthday party 3 May 2026"]
)
def test_a_date_that_is_not_a_date_of_birth_is_accepted(text):
    validate_no_patient_data(text)


@pytest.mark.parametrize("char", [chr(c) for c in range(32) if c not in (9, 10, 13)])
def test_c0_control_characters_refused(char):
    with pytest.raises(ValidationError) as refused:
        validate_no_patient_data(f"Pasted{char}from Word")
    assert refused.value.messages == [CONTROL_CHARACTER_MESSAGE]


@given(st.text(alphabet=st.sampled_from(" \t\r\nabcxyz.,'-")))
def test_tab_and_line_breaks_allowed(text):
    validate_no_patient_data(text)


def test_messages_say_what_to_write_instead():
    assert "for example 'resident A, 84, on the first floor'" in NHS_NUMBER_MESSAGE
    assert "give an age instead" in DATE_OF_BIRTH_MESSAGE


def test_check_free_text_keys_errors_by_field():
    with pytest.raises(ValidationError) as refused:
        check_free_text(reason="NHS no 943 476 5919", other="fine")
    assert refused.value.message_dict == {"reason": [NHS_NUMBER_MESSAGE]}
