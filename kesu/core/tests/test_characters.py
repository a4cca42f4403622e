"""kesu/core/characters.py: which characters no field takes, and how a form learns of them."""

import copy

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from kesu.core.characters import cleaned_post, refused_errors, refused_fields


def _posted(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    data._mutable = False
    return data


def test_clean_data_is_left_as_it_is():
    data = _posted(title="刹车\t异响\r\n第二行", name="李女士")
    assert cleaned_post(data) is data
    assert refused_fields(data) == frozenset()


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\ufffe", "\uffff", "\ud800"])
def test_a_refused_character_is_taken_out_and_its_field_named(character):
    cleaned = cleaned_post(_posted(title=f"刹{character}车", tags=["a", f"b{character}"], ok="x"))
    assert cleaned["title"] == "刹车" and cleaned.getlist("tags") == ["a", "b"]
    assert refused_fields(cleaned) == {"title", "tags"}
    assert refused_fields(cleaned, ["title", "ok"]) == {"title"}
    # Views copy request.POST before changing it: the copy still knows.
    assert refused_fields(cleaned.copy()) == {"title", "tags"}
    assert refused_fields(copy.deepcopy(cleaned)) == {"title", "tags"}


def test_the_error_is_in_the_readers_language_and_any_form_gets_it():
    class NoteForm(forms.Form):
        text = forms.CharField()

    cleaned = cleaned_post(_posted(text="见附件\x00"))
    with translation.override("en"):
        assert "control character" in refused_errors(cleaned)["text"][0]
        form = NoteForm(cleaned)
        assert not form.is_valid() and "text" in form.errors
        assert form["text"].value() == "见附件"  # what was typed comes back, without it
    with translation.override("zh-hans"):
        (message,) = refused_errors(cleaned)["text"]
        assert "control character" not in message
