"""kesu/core/limits.py: how a text limit is checked and told."""

import pytest
from django.core.exceptions import ValidationError

from kesu.core.limits import TextLimit, check_lengths, length_errors, limited, normalise_newlines


def test_crlf_counts_as_one_character():
    assert normalise_newlines("a\r\nb") == "a\nb"
    assert normalise_newlines(None) is None
    TextLimit(3)("a\r\nb")  # three characters as the browser counts them
    with pytest.raises(ValidationError):
        TextLimit(2)("a\r\nb")


def test_chinese_characters_count_one_each():
    TextLimit(4)("保养异响")
    with pytest.raises(ValidationError) as caught:
        TextLimit(3)("保养异响")
    assert caught.value.messages == ["Shorten this to at most 3 characters (it has 4)."]
    assert caught.value.error_list[0].code == "max_length"


def test_limited_keeps_the_stripped_texts_that_have_a_limit():
    data = {"title": "  hi  ", "account": "x", "count": 3, "other": "y"}
    assert limited(data, {"title": 10, "account": 5, "count": 2, "absent": 1}) == {
        "title": ("hi", 10),
        "account": ("x", 5),
    }


def test_length_errors_names_only_the_texts_over_their_limit():
    errors = length_errors(title=("abcd", 3), account=("ok", 5), note=(None, 1))
    assert list(errors) == ["title"]
    assert "at most 3" in errors["title"][0]


def test_check_lengths_raises_with_every_field_over():
    check_lengths(title=("abc", 3))
    with pytest.raises(ValidationError) as caught:
        check_lengths(title=("abcd", 3), account=("abcdef", 5))
    assert set(caught.value.message_dict) == {"title", "account"}
