"""Free text has a limit: one validator and one message for every long text Kesu takes in.

Each app names its limits in its own `limits.py`; this module only says how a limit is
checked. Lengths are counted in characters (a Chinese character is one), after a browser's
CRLF line breaks are read as one character, as the form's counter and `maxlength` count them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def normalise_newlines(value):
    """A browser posts a textarea's line breaks as CRLF but counts each as one character."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


@deconstructible
class TextLimit(MaxLengthValidator):
    """At most `limit_value` characters, told with how many there are (never cut short)."""

    message = _("Shorten this to at most %(limit_value)d characters (it has %(show_value)d).")
    code = "max_length"

    def clean(self, x):
        return len(normalise_newlines(x))


def limited(data: dict, limits_by_name: dict[str, int]) -> dict[str, tuple[str, int]]:
    """The (text, limit) of each text of `data` that has a limit, for length_errors."""
    return {
        name: (data[name].strip(), limit)
        for name, limit in limits_by_name.items()
        if isinstance(data.get(name), str)
    }


def length_errors(**values: tuple[str | None, int]) -> dict[str, list[str]]:
    """{field: [message]} for each `field=(text, limit)` whose text is over its limit."""
    errors = {}
    for name, (text, limit) in values.items():
        try:
            TextLimit(limit)(text or "")
        except ValidationError as exc:
            errors[name] = exc.messages
    return errors


def check_lengths(**values: tuple[str | None, int]) -> None:
    errors = length_errors(**values)
    if errors:
        raise ValidationError(errors)
