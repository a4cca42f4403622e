"""JSON input that cannot crash the server: bounded nesting, finite numbers, no NUL characters."""

import codecs
import json
import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ParseError(_("The number %(number)s is too large.") % {"number": text[:40]})
    return value


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing what would otherwise end in a 500.

    Nesting deeper than KESU_JSON_MAX_DEPTH (Python's parser recurses and would hit its
    recursion limit), numbers beyond a float (`1e400` would become infinity) and NaN/Infinity.
    NUL characters in strings are refused by the serializers' character fields.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The request body is not valid %(encoding)s.") % {"encoding": encoding}
            ) from exc
        limit = settings.KESU_JSON_MAX_DEPTH
        # Python's parser recurses once per level: measure the depth before parsing.
        if text.count("[") + text.count("{") > limit and _bracket_depth(text) > limit:
            raise ParseError(
                _("The JSON is nested too deeply (at most %(limit)s levels).") % {"limit": limit}
            )
        try:
            data = json.loads(text, parse_constant=strict_constant, parse_float=_finite_float)
        except RecursionError as exc:
            raise ParseError(
                _("The JSON is nested too deeply (at most %(limit)s levels).") % {"limit": limit}
            ) from exc
        except ValueError as exc:
            raise ParseError(
                _("The request body is not valid JSON: %(error)s") % {"error": exc}
            ) from exc
        return data


def _bracket_depth(text: str) -> int:
    """The deepest bracket nesting outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
