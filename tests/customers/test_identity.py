"""The identity of a customer: phone numbers and mainland ID numbers, normalised and checked."""

import datetime

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from customers.identity import id_check_digit, normalize_id_number, normalize_phone, phone_digits

FULL_WIDTH_DIGITS = dict(zip("0123456789", "０１２３４５６７８９", strict=True))
ID_CHARACTERS = "0123456789X"


# normalize_phone: examples


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        (" 138.1234.5678 ", "13812345678"),
        ("(138) 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0086 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("86 138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("＋８６ １３８－１２３４－５６７８", "13812345678"),
        ("１38１234５678", "13812345678"),
        ("138\t1234\u30005678", "13812345678"),
        ("19912345678", "19912345678"),
        ("16612345678", "16612345678"),
        ("010-12345678", "01012345678"),
        ("(010) 1234 5678", "01012345678"),
        ("021-87654321", "02187654321"),
        ("+86 10 1234 5678", "01012345678"),
        ("0755-12345678", "075512345678"),
        ("+852 9123 4567", "+85291234567"),
        ("00852 9123 4567", "+85291234567"),
        ("+1 202 555 0123", "+12025550123"),
    ],
)
def test_normalize_phone_accepts_common_ways_of_writing_a_number(raw, normalized):
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "138-1234-567a",
        "1381234567８x",
        "phone: 13812345678",
        "12345",
        "1381234",
        "13812345",
        "138123456789",
        "12012345678",
        "11012345678",
        "+86 120 1234 5678",
        "+0 13812345678",
        "138+12345678",
        "13812345678 ext 12",
        "1" * 18,
        None,
    ],
)
def test_normalize_phone_rejects_what_is_not_a_phone_number(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_normalize_phone_error_quotes_what_was_typed():
    with pytest.raises(ValidationError) as error:
        normalize_phone("12012345678")
    assert "12012345678" in error.value.messages[0]


def test_phone_digits_keeps_only_digits_and_converts_full_width():
    assert phone_digits("１３８-1234") == "1381234"
    assert phone_digits("") == ""
    assert phone_digits(None) == ""


# normalize_phone: properties


def is_valid_mainland_mobile(bare: str) -> bool:
    """The oracle: libphonenumber's own metadata of allocated mainland number ranges."""
    return phonenumbers.is_valid_number(phonenumbers.parse(bare, "CN"))


mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z").filter(is_valid_mainland_mobile)
separators = st.sampled_from([" ", "-", ".", "(", ")", "/", "·", "\t", "\u3000", "－", "（", "）"])
prefixes = st.sampled_from(["", "+86", "0086", "86", "＋８６", "００８６", "+86 ", "0086-", "(+86) ", "86-"])


@st.composite
def decorated_mobiles(draw):
    bare = draw(mobiles)
    parts = []
    for digit in bare:
        if draw(st.booleans()):
            digit = FULL_WIDTH_DIGITS[digit]
        parts.append(digit)
        parts.append("".join(draw(st.lists(separators, max_size=2))))
    parts.pop()  # no separator after the last digit
    prefix = draw(prefixes)
    padding = draw(st.sampled_from(["", " ", "  ", "\u3000"]))
    return bare, padding + prefix + "".join(parts) + padding


@settings(max_examples=300, deadline=None)
@given(decorated_mobiles())
@example(("13812345678", "+86 (138) 1234-5678"))
@example(("18600000000", "００８６１８６００００００００"))
def test_normalize_phone_of_a_decorated_mobile_is_the_bare_eleven_digits(case):
    bare, decorated = case
    assert normalize_phone(decorated) == bare


@settings(max_examples=200, deadline=None)
@given(decorated_mobiles())
def test_normalize_phone_is_idempotent_on_mobiles(case):
    _bare, decorated = case
    once = normalize_phone(decorated)
    assert normalize_phone(once) == once


landlines = st.builds(
    lambda area, number: (area, number),
    st.sampled_from(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0755", "0571", "0512"]),
    st.from_regex(r"\A[2-8][0-9]{7}\Z"),
)


@settings(max_examples=200, deadline=None)
@given(landlines, st.sampled_from(["", "-", " ", ")", "－"]))
def test_normalize_phone_of_a_mainland_landline_keeps_the_area_code(landline, separator):
    area, number = landline
    raw = ("(" + area if separator == ")" else area) + separator + number
    try:
        normalized = normalize_phone(raw)
    except ValidationError:
        assume(False)  # a range that is not allocated
    assert normalized == area + number
    assert normalize_phone(normalized) == normalized
    assert normalize_phone("+86 " + area[1:] + " " + number) == normalized


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-() ０１２３４５６７８９", min_size=1, max_size=20))
def test_normalize_phone_is_idempotent_on_whatever_it_accepts(raw):
    try:
        once = normalize_phone(raw)
    except ValidationError:
        return
    assert normalize_phone(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_normalize_phone_never_fails_other_than_with_a_validation_error(raw):
    try:
        result = normalize_phone(raw)
    except ValidationError:
        return
    assert result.lstrip("+").isdigit()
    assert result.isascii()


@settings(max_examples=200, deadline=None)
@given(mobiles, st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz#*,;:"), st.integers(min_value=0, max_value=11))
def test_normalize_phone_rejects_a_mobile_with_a_letter_or_symbol_inside(bare, intruder, position):
    with pytest.raises(ValidationError):
        normalize_phone(bare[:position] + intruder + bare[position:])


@settings(max_examples=200, deadline=None)
@given(mobiles, st.integers(min_value=1, max_value=10))
def test_normalize_phone_rejects_a_truncated_mobile(bare, cut):
    truncated = bare[:-cut]
    with pytest.raises(ValidationError):
        normalize_phone(truncated)


# normalize_id_number


def make_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.mark.parametrize(
    "first17",
    ["11010519491231002", "44030419900101123", "31011519851225456", "11010120000229000", "65010220241231999"],
)
def test_normalize_id_number_accepts_ids_with_the_right_check_character(first17):
    number = make_id(first17)
    assert normalize_id_number(number) == number


def test_known_published_sample_id_checks_out():
    # The example of GB 11643-1999: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"


def test_normalize_id_number_accepts_lower_case_x_as_upper_case():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_normalize_id_number_accepts_spaces_and_full_width_digits():
    number = make_id("44030419900101123")
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    assert normalize_id_number(spaced) == number
    full_width = "".join(FULL_WIDTH_DIGITS.get(char, char) for char in number)
    assert normalize_id_number(full_width) == number


@pytest.mark.parametrize(
    ("first17", "reason"),
    [
        ("11010119900230123", "February 30th"),
        ("11010119901301123", "month 13"),
        ("11010119900100123", "day 0"),
        ("11010119900431123", "April 31st"),
        ("11010119010229123", "29 February of a non-leap year"),
        ("11010100000101123", "year 0"),
    ],
)
def test_normalize_id_number_rejects_an_impossible_birth_date(first17, reason):
    with pytest.raises(ValidationError) as error:
        normalize_id_number(make_id(first17))
    assert "date" in error.value.messages[0], reason


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1101051949123100",
        "11010519491231002XX",
        "X1010519491231002",
        "1101051949123100X2",
        "11010519491231002Y",
        None,
    ],
)
def test_normalize_id_number_rejects_malformed_ids(raw):
    with pytest.raises(ValidationError):
        normalize_id_number(raw)


birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31))
regions = st.from_regex(r"\A[1-8][0-9]{5}\Z")
sequences = st.from_regex(r"\A[0-9]{3}\Z")


@st.composite
def id_prefixes(draw):
    return draw(regions) + draw(birth_dates).strftime("%Y%m%d") + draw(sequences)


@settings(max_examples=300, deadline=None)
@given(id_prefixes())
def test_normalize_id_number_accepts_every_id_built_with_its_check_digit(first17):
    number = make_id(first17)
    assert normalize_id_number(number) == number
    assert normalize_id_number(number.lower()) == number


@settings(max_examples=300, deadline=None)
@given(id_prefixes(), st.sampled_from(ID_CHARACTERS))
def test_normalize_id_number_rejects_any_other_check_character(first17, wrong):
    assume(wrong != id_check_digit(first17))
    with pytest.raises(ValidationError):
        normalize_id_number(first17 + wrong)


@settings(max_examples=300, deadline=None)
@given(id_prefixes(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_normalize_id_number_rejects_any_single_digit_change_in_the_body(first17, position, shift):
    number = make_id(first17)
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalize_id_number(changed)


@settings(max_examples=200, deadline=None)
@given(id_prefixes())
def test_id_check_digit_is_one_of_the_eleven_check_characters(first17):
    assert id_check_digit(first17) in ID_CHARACTERS
