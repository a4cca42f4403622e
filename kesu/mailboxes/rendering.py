"""Message templates with named placeholders, written {name}, checked and filled safely.

Only the names a kind offers are accepted, without attributes, indexes, conversions or
formats ({name.__class__}, {name!r}, {name:>10} are refused): a template is data an admin
types, so it is parsed here rather than handed to str.format. A literal brace is doubled.
"""

import re
from string import Formatter

from django.utils.translation import gettext_lazy as _

from kesu.mailboxes.choices import MessageKind

COMMON = ("name", "number", "title", "branch", "hotline", "tracking")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    MessageKind.ACKNOWLEDGEMENT: (*COMMON, "received"),
    MessageKind.PROGRESS: (*COMMON, "text"),
    MessageKind.CLOSURE: (*COMMON, "recourse"),
    MessageKind.SURVEY: (*COMMON, "url", "until"),
}


class TemplateError(ValueError):
    pass


def _pieces(text: str, allowed: tuple[str, ...]):
    """(literal, placeholder or None) pairs of a template; TemplateError when it is malformed."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(
            _(
                "A brace is not closed or not doubled: write {name} for a value, {{ or }} for a brace."
            )
        ) from exc
    for literal, field, spec, conversion in parsed:
        if field is None:
            yield literal, None
            continue
        offered = ", ".join("{" + a + "}" for a in allowed)
        if conversion:
            raise TemplateError(
                _(
                    "“{%(field)s!%(conversion)s}”: a conversion (!r, !s, !a) is not allowed in "
                    "a template; write the value alone, e.g. {%(name)s}."
                )
                % {"field": field, "conversion": conversion, "name": _name_of(field, allowed)}
            )
        if spec:
            raise TemplateError(
                _(
                    "“{%(field)s:%(spec)s}”: a format after a colon (widths, alignment, "
                    "numbers) is not allowed in a template; write the value alone, e.g. "
                    "{%(name)s}."
                )
                % {"field": field, "spec": spec, "name": _name_of(field, allowed)}
            )
        if field not in allowed and re.match(r"^\w*[.\[]", field):
            raise TemplateError(
                _(
                    "“{%(field)s}”: attributes and indexes (. or [ ]) are not allowed in a "
                    "template; write a value's name alone: %(allowed)s."
                )
                % {"field": field, "allowed": offered}
            )
        if field not in allowed:
            raise TemplateError(
                _("“{%(field)s}” is not a value this message offers. Use: %(allowed)s.")
                % {"field": field, "allowed": offered}
            )
        yield literal, field


def _name_of(field: str, allowed: tuple[str, ...]) -> str:
    """The offered value a wrongly written placeholder is about (else the first offered)."""
    base = re.split(r"[.\[]", field, maxsplit=1)[0]
    return base if base in allowed else allowed[0]


def template_errors(kind: str, parts: dict[str, str]) -> dict[str, str]:
    """{field: message} for the parts (subject, body) of a template of `kind` that are wrong."""
    allowed = PLACEHOLDERS.get(kind, COMMON)
    errors = {}
    for field, text in parts.items():
        try:
            list(_pieces(text or "", allowed))
        except TemplateError as exc:
            errors[field] = str(exc.args[0])
    return errors


def render_template(kind: str, text: str, values: dict) -> str:
    """The template filled with `values` (a missing value leaves an empty string)."""
    allowed = PLACEHOLDERS.get(kind, COMMON)
    out = []
    for literal, field in _pieces(text, allowed):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field, "")))
    return "".join(out)
