"""Message templates with named placeholders, written {name}, checked and filled safely.

Only the names a kind offers are accepted, without attributes, indexes, conversions or
formats ({name.__class__}, {name!r}, {name:>10} are refused): a template is data an admin
types, so it is parsed here rather than handed to str.format. A literal brace is doubled.
"""

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
        if field not in allowed or spec or conversion:
            raise TemplateError(
                _("“{%(field)s}” is not a value this message offers. Use: %(allowed)s.")
                % {"field": field, "allowed": ", ".join("{" + a + "}" for a in allowed)}
            )
        yield literal, field


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
