"""JSON input that cannot crash the server: bounded nesting, finite numbers, no NUL characters."""

import codecs
import json
import math
import sys

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from kesu.core.api.json_types import JSONObject


def _no_constant(text: str):
    # NaN, Infinity and -Infinity: Python reads them, JSON has no such numbers.
    raise ParseError(_("The JSON contains a number that is not finite; send a finite number."))


def _bounded_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than the interpreter converts (sys.get_int_max_str_digits)
        raise ParseError(
            _("The JSON contains a number with too many digits (at most %(limit)s).")
            % {"limit": sys.get_int_max_str_digits()}
        ) from None


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ParseError(_("The number %(number)s is too large.") % {"number": text[:40]})
    return value


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing what would otherwise end in a 500.

    Nesting deeper than KESU_JSON_MAX_DEPTH (Python's parser recurses and would hit its
    recursion limit), numbers beyond a float (`1e400` would become infinity), NaN/Infinity and
    integers with more digits than Python converts. Every refusal is Kesu's own message, in the
    request's language (Python's are English and name its internals).
    NUL characters in strings are refused by the serializers' character fields.
    An object comes back as a `JSONObject`, whose values the serializers check for their JSON
    type (kesu/core/api/json_types.py); a form's values stay coerced.
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
            data = json.loads(
                text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_bounded_int
            )
        except RecursionError as exc:
            raise ParseError(
                _("The JSON is nested too deeply (at most %(limit)s levels).") % {"limit": limit}
            ) from exc
        except json.JSONDecodeError as exc:
            # Python's own wording of the fault is English: only where it is goes to the client.
            raise ParseError(
                _("The request body is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except ValueError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        return JSONObject(data) if isinstance(data, dict) else data


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
