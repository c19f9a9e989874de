import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    brn_check_digit,
    format_brn,
    validate_brn,
    validate_corporate_number,
    validate_postcode,
)


@pytest.mark.parametrize("number", ["220-81-62517", "2208162517", "120-81-47521", " 220 81 62517 "])
def test_valid_business_numbers_pass(number):
    validate_brn(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("220-81-62518", "brn_checksum"),
        ("1234567890", "brn_checksum"),
        ("220-81-6251", "brn_format"),
        ("220-81-625170", "brn_format"),
        ("22O-81-62517", "brn_format"),
        ("", "brn_format"),
    ],
)
def test_wrong_business_numbers_say_why(number, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_brn(number)
    assert excinfo.value.code == code


def test_check_digit_follows_the_national_tax_service_rule():
    # 1*2 + 3*2 + 7*0 + 1*8 + 3*1 + 7*6 + 1*2 + 3*5 + 5*1 = 83, plus floor(1*5/10) = 0 -> (10 - 3) % 10 = 7
    assert brn_check_digit("220816251") == 7


def test_business_number_is_shown_with_dashes():
    assert format_brn("2208162517") == "220-81-62517"


def test_corporate_number_check_digit():
    # weights 1,2,1,2,...: 1+2+0+2+1+2+0+0+1+4+3+8 = 24 -> (10 - 4) % 10 = 6
    validate_corporate_number("110111-0012346")
    with pytest.raises(ValidationError) as excinfo:
        validate_corporate_number("110111-0012347")
    assert excinfo.value.code == "corp_checksum"


@pytest.mark.parametrize("code", ["0623", "06236a", "062360"])
def test_postcode_has_five_digits(code):
    with pytest.raises(ValidationError):
        validate_postcode(code)
