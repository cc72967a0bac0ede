"""Normalising and validating the identity of a customer: phone numbers and mainland ID numbers.

A customer is identified by normalised phone (and ID number when given), so every path that
accepts a phone (forms, import, API, inquiries) goes through `normalize_phone`.
"""

import datetime
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－（）　", "0123456789+-() ")
SEPARATORS = re.compile(r"[\s\-().·/]")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_phone(raw: str) -> str:
    """A phone number as stored: mainland numbers as national digits (13812345678, 01012345678),
    others in E.164 (+85291234567). Raises ValidationError for anything that is not a phone."""
    text = SEPARATORS.sub("", (raw or "").translate(FULL_WIDTH).strip())
    if not text:
        raise ValidationError(_("Enter a phone number."))
    if text.startswith("00"):
        text = "+" + text[2:]
    if not re.fullmatch(r"\+?\d{5,17}", text):
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": raw})
    if not text.startswith("+") and len(text) == 13 and text.startswith("86") and text[2] == "1":
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": raw}) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": raw})
    if number.country_code == 86:
        return (
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            .replace(" ", "")
            .replace("-", "")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_digits(raw: str) -> str:
    """The digits of a search fragment (full-width allowed), for matching any part of a phone."""
    return re.sub(r"\D", "", (raw or "").translate(FULL_WIDTH))


def normalize_id_number(raw: str) -> str:
    """A mainland resident ID number, upper-cased and checked (length, birth date, checksum)."""
    text = (raw or "").translate(FULL_WIDTH).replace(" ", "").upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    try:
        datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this ID number is not a real date.")) from None
    total = sum(int(digit) * weight for digit, weight in zip(text[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != text[17]:
        raise ValidationError(_("This ID number's check digit is wrong; please check it for typos."))
    return text


def id_check_digit(first17: str) -> str:
    """The check character of a mainland ID number from its first 17 digits."""
    return ID_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True)) % 11]
