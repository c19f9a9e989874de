"""Korean identifiers: business registration number (사업자등록번호) and corporate number (법인등록번호)."""

import re
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_NON_DIGITS = re.compile(r"[\s\-]")


def normalize_digits(value: str) -> str:
    """Strip the dashes and spaces people type; keep everything else so a bad character is reported."""
    return _NON_DIGITS.sub("", value or "")


def brn_check_digit(first_nine: str) -> int:
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True))
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def validate_brn(value: str) -> None:
    digits = normalize_digits(value)
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError(
            _("A business registration number has 10 digits, written 123-45-67890."),
            code="brn_format",
        )
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("This business registration number's check digit is wrong: please check the number."),
            code="brn_checksum",
        )


def format_brn(value: str) -> str:
    digits = normalize_digits(value)
    if len(digits) != 10:
        return value
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def corporate_number_check_digit(first_twelve: str) -> int:
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(first_twelve))
    return (10 - total % 10) % 10


def validate_corporate_number(value: str) -> None:
    digits = normalize_digits(value)
    if not digits.isdigit() or len(digits) != 13:
        raise ValidationError(
            _("A corporate registration number has 13 digits, written 123456-1234567."),
            code="corp_format",
        )
    if corporate_number_check_digit(digits[:12]) != int(digits[12]):
        raise ValidationError(
            _("This corporate registration number's check digit is wrong: please check the number."),
            code="corp_checksum",
        )


def format_corporate_number(value: str) -> str:
    digits = normalize_digits(value)
    if len(digits) != 13:
        return value
    return f"{digits[:6]}-{digits[6:]}"


def validate_postcode(value: str) -> None:
    if not (value.isdigit() and len(value) == 5):
        raise ValidationError(_("A postcode has 5 digits."), code="postcode")


_NUMBER_TERM = re.compile(r"[\d\s-]+")
_MIN_DIGITS = 3


def registration_number_digits(term: str) -> str | None:
    """The digits of a search term typed as a registration number ("220-81-62517", "2208162517", "220-81").

    None when the term has anything but digits, dashes and spaces, or fewer than three digits.
    """
    term = (term or "").strip()
    if not _NUMBER_TERM.fullmatch(term):
        return None
    digits = normalize_digits(term)
    return digits if len(digits) >= _MIN_DIGITS else None


def registration_number_q(digits: str, paths: tuple[str, ...]) -> Q:
    """Rows whose number at any of `paths` ("brn", "company__brn", ...) starts with `digits`."""
    return reduce(or_, (Q(**{f"{path}__startswith": digits}) for path in paths))
