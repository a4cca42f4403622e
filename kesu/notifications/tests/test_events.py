"""The table of who is told what (events.py) and docs/notifications.md generated from it."""

from pathlib import Path

import pytest

from kesu.notifications.choices import Kind
from kesu.notifications.events import EVENTS, Audience, events_table, people_for
from kesu.notifications.rendering import TEXTS

DOCS = Path(__file__).resolve().parents[3] / "docs" / "notifications.md"


def test_every_event_names_real_audiences_and_has_a_text_of_its_own():
    kinds = [e.kind for e in EVENTS]
    assert len(kinds) == len(set(kinds))
    for event in EVENTS:
        assert isinstance(event.audiences, tuple) and event.audiences, event.kind
        assert set(event.audiences) <= set(Audience.values), event.kind
        assert event.kind in TEXTS, event.kind
    public = {v for k, v in vars(Kind).items() if k.isupper()}
    assert public == set(kinds)


def test_docs_notifications_md_holds_the_generated_table():
    table = events_table()
    assert table in DOCS.read_text(encoding="utf-8"), (
        "docs/notifications.md is out of date: paste the output of "
        "`python -c 'from kesu.notifications.events import events_table; "
        'print(events_table(), end="")\'` (with Django set up) between its markers'
    )
    assert "the branch's general manager" in table


def test_an_unknown_audience_is_an_error(world):
    with pytest.raises(ValueError):
        people_for("nobody", world.complaint())
