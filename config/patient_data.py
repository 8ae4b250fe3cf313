"""The hub's one patient-data validator: no NHS number, no stated date of birth, no control characters.

Every free-text field a person can type into or import goes through `validate_no_patient_data`
(forms put it on the field; models that hold free text list those fields in `FREE_TEXT_FIELDS` and
`FreeTextModel.clean_fields()` runs it, so every service that calls `full_clean()` refuses the same
text with the same words, whatever the caller: a form, an import, the command line or an API).

What counts as an NHS number: 10 digits whose last is the Modulus 11 check digit over the first
nine, written as people write them:

- grouped 3-3-4 (``943 476 5919``), 4-3-3 (``9434 765 919``) or unbroken (``9434765919``);
- with ONE kind of separator between the groups: a run of whitespace of any width (no-break and
  thin spaces, line breaks), a dash of any kind, a dot or a slash; or none;
- in digits of any script (the text is NFKC-normalised and every decimal digit read as 0-9;
  invisible format characters such as zero-width spaces and soft hyphens are ignored);
- with or without a label ("NHS no", "NHS number"); after such a label any 10 digits that pass
  the check count, however they are spaced.

Ordinary numbers are not mistaken for one: a date or time (``01/03/2026 09:30``) is grouped 2-2-4;
a UK phone number has 11 digits (``0113 243 3144``), and one written from abroad starts with ``+``;
a CQC location ID is ``1-`` and digits (a 10-digit run joined to other digits is not unbroken).

A date of birth is refused when it is stated as one: "DOB", "D.O.B.", "date of birth", "born on"
(or "born") followed by a date in figures or words.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

NHS_NUMBER_MESSAGE = (
    "This looks like it contains an NHS number. Do not record patient-identifiable data in the hub: "
    "describe residents without names, NHS numbers or dates of birth, for example "
    "'resident A, 84, on the first floor'."
)
DATE_OF_BIRTH_MESSAGE = (
    "This looks like it contains a date of birth. Do not record patient-identifiable data in the hub: "
    "give an age instead, for example 'resident B, aged 91'."
)
CONTROL_CHARACTER_MESSAGE = (
    "This contains a hidden control character, often pasted in from Word or another program. "
    "Delete the text and type it again, or paste it as plain text."
)

# C0 control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_DASHES = {"\u2212", "\u2043", "\ufe63", "\uff0d", "\u2796"}  # minus signs and dash look-alikes
_SLASHES = {"\u2044", "\u2215", "\u29f8", "\uff0f"}
_DOTS = {"\u2024", "\u00b7", "\u2027", "\u30fb", "\uff0e"}

# A chain of digit groups joined by ONE kind of separator (the first one found is the kind).
_CHAIN = re.compile(r"\d+(?:([ \-./])\d+(?:\1\d+)*)?")
_GROUPINGS = ((3, 3, 4), (4, 3, 3))
_INTERNATIONAL_PREFIX = re.compile(r"\+[\d ]*(?:\(0\))? ?$")

_LABEL = re.compile(
    r"\bnhs\s*(?:no\b\.?|num(?:ber)?\b\.?|#)\s*[:=\-]?\s*((?:\d[\s\-./]*){10})", re.IGNORECASE
)

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{2,4}"  # 01/03/1942, 1-3-42
    r"|\d{4}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{1,2}"  # 1942-03-01
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{2,4}}"  # 1st March 1942
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}})"  # March 1, 1942
)
_DATE_OF_BIRTH = re.compile(
    rf"(?:\bd\s*\.?\s*o\s*\.?\s*b\b\.?|\bdate\s+of\s+birth\b|\bborn(?:\s+on)?\b)\s*(?:[:=\-]|is|was)?\s*{_DATE}",
    re.IGNORECASE,
)


def is_valid_nhs_number(digits: str) -> bool:
    """True when `digits` (10 ASCII digits, nothing else) passes the Modulus 11 check."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def normalise(text: str) -> str:
    """The text as the checks read it: NFKC, ASCII digits, one space per whitespace run, plain dashes."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width spaces, soft hyphens, joiners: invisible, so ignored
            continue
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif category == "Pd" or char in _DASHES:
            out.append("-")
        elif char in _SLASHES:
            out.append("/")
        elif char in _DOTS:
            out.append(".")
        else:
            out.append(char)
    return re.sub(r"\s+", " ", "".join(out))


def _chain_holds_nhs_number(text: str, match: re.Match) -> bool:
    if _INTERNATIONAL_PREFIX.search(text[: match.start()]):  # "+44 113 ..." or "+44 (0)113 ...": a phone
        return False
    separator = match.group(1)
    groups = match.group(0).split(separator) if separator else [match.group(0)]
    sizes = tuple(len(group) for group in groups)
    if sizes == (10,):
        return is_valid_nhs_number(groups[0])
    for grouping in _GROUPINGS:
        for start in range(len(sizes) - 2):
            if sizes[start : start + 3] == grouping and is_valid_nhs_number(
                "".join(groups[start : start + 3])
            ):
                return True
    return False


def contains_nhs_number(text: str) -> bool:
    """True when the text holds something a person would read as a valid NHS number."""
    if not text:
        return False
    text = normalise(text)
    if any(_chain_holds_nhs_number(text, match) for match in _CHAIN.finditer(text)):
        return True
    return any(is_valid_nhs_number(re.sub(r"\D", "", m.group(1))) for m in _LABEL.finditer(text))


def contains_date_of_birth(text: str) -> bool:
    """True when the text states a date of birth ("DOB 01/03/1942", "born on 1 March 1942")."""
    return bool(text) and bool(_DATE_OF_BIRTH.search(normalise(text)))


def contains_control_character(text: str) -> bool:
    """True when the text holds a C0 control character other than tab and line breaks."""
    return bool(text) and bool(_CONTROL.search(text))


def patient_data_problem(value) -> str | None:
    """The plain-English reason the value may not be stored, or None when it may."""
    if not isinstance(value, str) or not value:
        return None
    if contains_control_character(value):
        return CONTROL_CHARACTER_MESSAGE
    if contains_nhs_number(value):
        return NHS_NUMBER_MESSAGE
    if contains_date_of_birth(value):
        return DATE_OF_BIRTH_MESSAGE
    return None


def validate_no_patient_data(value) -> None:
    """Django validator: refuse an NHS number, a stated date of birth or a control character."""
    problem = patient_data_problem(value)
    if problem is not None:
        code = {
            CONTROL_CHARACTER_MESSAGE: "control_character",
            NHS_NUMBER_MESSAGE: "nhs_number",
            DATE_OF_BIRTH_MESSAGE: "date_of_birth",
        }[problem]
        raise ValidationError(problem, code=code)


def check_free_text(**fields) -> None:
    """Refuse, keyed by field name, every value that `validate_no_patient_data` refuses.

    For text that is not a model field (a reason for a correction, a history note): services call
    ``check_free_text(reason=reason)`` before anything is written.
    """
    errors = {name: problem for name, value in fields.items() if (problem := patient_data_problem(value))}
    if errors:
        raise ValidationError(errors)


class FreeTextModel:
    """Mixin for models with free text: `FREE_TEXT_FIELDS` are validated by `full_clean()`.

    A plain mixin (not a model field validator) so that no migration is needed and every
    `full_clean()` — which every write service calls — refuses the same text with the same words.
    """

    FREE_TEXT_FIELDS: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in self.FREE_TEXT_FIELDS:
            if exclude and name in exclude or name in errors:
                continue
            problem = patient_data_problem(getattr(self, name))
            if problem:
                errors[name] = [problem]
        if errors:
            raise ValidationError(errors)
