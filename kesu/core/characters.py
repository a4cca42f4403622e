"""Characters no field takes: NUL (PostgreSQL cannot store it in text), the other control
characters but tab and line breaks, lone surrogates and the two non-characters — invisible,
never typed, but carried along by pasted text, and refused by XML (the Excel exports).

A web form's field that held one is not lost: RefuseNullCharactersMiddleware takes the
characters out before any view runs and names the field in `request.POST.refused_characters`;
every Django form bound to that data gives the field this error (kesu/core/apps.py), the moves'
forms and the portal's pages do the same, so the form comes back with its text, the field
marked. A view that reads the posted values itself gets them without the characters.
"""

import re

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REFUSED_CHARACTER = _(
    "This held a character that cannot be accepted (an invisible control character, often "
    "copied along with pasted text). It has been removed: check the text and send it again."
)


class CleanedPost(QueryDict):
    """A form's posted fields with the refused characters taken out; `refused_characters`
    names the fields that held any (kept by copies, as views copy request.POST)."""

    refused_characters: frozenset[str] = frozenset()

    def __copy__(self):
        result = super().__copy__()
        result.refused_characters = self.refused_characters
        return result

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.refused_characters = self.refused_characters
        return result


def cleaned_post(data: QueryDict) -> QueryDict:
    """`data` itself when no value holds a refused character, else a CleanedPost without them."""
    if not any(REFUSED_CHARACTERS.search(v) for _key, values in data.lists() for v in values):
        return data
    cleaned = CleanedPost(mutable=True, encoding=data.encoding)
    refused = set()
    for key, values in data.lists():
        kept = [REFUSED_CHARACTERS.sub("", v) for v in values]
        if kept != values:
            refused.add(key)
        cleaned.setlist(key, kept)
    cleaned.refused_characters = frozenset(refused)
    cleaned._mutable = False
    return cleaned


def refused_fields(data, names=None) -> frozenset[str]:
    """The fields of posted `data` (of `names` only, if given) that held a refused character."""
    refused = getattr(data, "refused_characters", None) or frozenset()
    return refused if names is None else refused & frozenset(names)


def refused_errors(data, names=None) -> dict[str, list[str]]:
    """{field: [REFUSED_CHARACTER]} for those fields, as the validation errors of a form."""
    return {name: [str(REFUSED_CHARACTER)] for name in sorted(refused_fields(data, names))}


def add_refused_errors(form) -> None:
    """Give each field of a bound Django form whose posted value held a refused character the
    error (after the form's own cleaning, so its other errors stay)."""
    refused = refused_fields(form.data)
    if not refused or not form.is_bound:
        return
    for name in form.fields:
        if form.add_prefix(name) in refused:
            form.add_error(name, str(REFUSED_CHARACTER))
