"""kesu/core/api/parsers.py: JSON that cannot crash the server, refused in Kesu's words."""

import io
import sys

import pytest
from rest_framework.exceptions import ParseError

from kesu.core.api.parsers import SafeJSONParser, _bracket_depth


def _parse(text, encoding="utf-8"):
    body = text.encode(encoding) if isinstance(text, str) else text
    return SafeJSONParser().parse(io.BytesIO(body), parser_context={"encoding": encoding})


def test_ordinary_json_is_read():
    assert _parse('{"title": "异响", "n": [1, 2.5, null]}') == {
        "title": "异响",
        "n": [1, 2.5, None],
    }


def test_nesting_up_to_the_limit_is_read_and_beyond_it_refused(settings):
    settings.KESU_JSON_MAX_DEPTH = 5
    assert _parse("[" * 5 + "]" * 5) == [[[[[]]]]]
    with pytest.raises(ParseError, match="nested too deeply"):
        _parse("[" * 6 + "]" * 6)


def test_brackets_inside_strings_are_not_nesting(settings):
    settings.KESU_JSON_MAX_DEPTH = 3
    text = '{"note": "' + "[{" * 50 + '"}'
    assert _parse(text) == {"note": "[{" * 50}


def test_the_bracket_depth_skips_strings_and_escaped_quotes():
    assert _bracket_depth('[[{"a": "]]]"}]]') == 3
    assert _bracket_depth(r'["\"[[[", []]') == 2
    assert _bracket_depth('"no brackets"') == 0


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}'])
def test_numbers_json_does_not_have_are_refused(text):
    with pytest.raises(ParseError, match="not finite"):
        _parse(text)


def test_a_float_beyond_range_is_refused():
    with pytest.raises(ParseError, match="too large"):
        _parse("[1e400]")


def test_an_integer_with_too_many_digits_is_refused():
    digits = sys.get_int_max_str_digits()
    with pytest.raises(ParseError, match="too many digits"):
        _parse("9" * (digits + 1))


def test_malformed_json_says_where():
    with pytest.raises(ParseError) as caught:
        _parse('{\n  "a": }')
    assert "line 2" in str(caught.value.detail)


def test_a_body_not_in_its_encoding_is_refused():
    with pytest.raises(ParseError, match="not valid utf-8"):
        _parse(b'{"a": "\xff"}')
