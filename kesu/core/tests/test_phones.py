import pytest
from django.core.exceptions import ValidationError

from kesu.core.phones import (
    display_phone,
    mask_phone,
    mask_text,
    normalise_phone,
    try_normalise_phone,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("010-6543 2100", "+861065432100"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_normalise_accepts_how_people_type_numbers(typed, expected):
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize("typed", ["", "12345", "abc", "1381234567", "+86 000 0000 0000"])
def test_normalise_refuses_what_is_not_a_number(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)
    assert try_normalise_phone(typed) is None


@pytest.mark.parametrize(
    ("stored", "masked"),
    [
        ("+8613812345678", "138****5678"),
        ("+861062222100", "010-****2100"),
        ("+862088001234", "020-****1234"),
        ("+8657188001318", "0571-****1318"),
        ("+16502530000", "+1 650-***0000"),
        ("+85291234567", "+852 ****4567"),
        ("+8612315", "***15"),
        ("+861234", "****"),
    ],
)
def test_masking_keeps_the_area_code_and_masks_the_middle(stored, masked):
    assert mask_phone(stored) == masked
    assert masked[-2:] == "**" or masked[-2:] == stored[-2:]


def test_masking_keeps_enough_to_recognise():
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_text("110101199003077777", keep_head=4, keep_tail=4) == "1101**********7777"
    assert mask_text("ab") == "**"


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("+8613812345678", "138 1234 5678"),
        ("+861062223333", "010 6222 3333"),
        ("+8657188001318", "0571 8800 1318"),
        ("+16502530000", "+1 650-253-0000"),
        ("138****5678", "138****5678"),
        ("", ""),
    ],
)
def test_a_stored_number_is_shown_the_way_people_write_it(stored, shown):
    assert display_phone(stored) == shown
