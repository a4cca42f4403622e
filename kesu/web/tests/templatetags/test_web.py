"""kesu/web/templatetags/web.py: deadlines, labels, phone numbers and counters on the pages."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import timezone

from kesu.complaints.choices import State
from kesu.complaints.search import SEARCH_MAX_LENGTH
from kesu.web.templatetags.web import (
    action_label,
    char_count,
    due_badge,
    humanize_span,
    phone_display,
    state_label,
    time_left,
)

# Deadlines are set half a minute past a whole minute, so the few microseconds the test takes
# never move them into another minute.
MARGIN = timedelta(seconds=30)


@pytest.mark.parametrize(
    "span, text",
    [
        (timedelta(days=2, hours=3, minutes=5), "2d 3h"),
        (timedelta(hours=5, minutes=7), "5h 7m"),
        (timedelta(minutes=42, seconds=59), "42m"),
        (timedelta(0), "0m"),
        (-timedelta(hours=1, minutes=2), "1h 2m"),
    ],
)
def test_humanize_span(span, text):
    assert humanize_span(span) == text


def test_time_left_before_and_after_the_deadline():
    now = timezone.now()
    assert time_left(now + timedelta(hours=3, minutes=10) + MARGIN) == "3h 10m left"
    assert time_left(now - timedelta(hours=5) - MARGIN) == "overdue 5h 0m"


def test_no_time_left_without_a_deadline_or_once_closed():
    assert time_left(None) == ""
    assert time_left(timezone.now() + timedelta(hours=1), State.CLOSED) == ""
    assert time_left(timezone.now() + timedelta(hours=1) + MARGIN, State.INVESTIGATING) == (
        "1h 0m left"
    )


def _complaint(state, due):
    return SimpleNamespace(state=state, due_at=due)


def test_the_due_badge_marks_overdue_and_due_soon():
    now = timezone.now()
    overdue = due_badge(_complaint(State.INVESTIGATING, now - timedelta(hours=1)))
    assert 'class="badge overdue"' in overdue and "overdue" in overdue
    soon = due_badge(_complaint(State.INVESTIGATING, now + timedelta(hours=2)))
    assert 'class="badge due_soon"' in soon
    later = due_badge(_complaint(State.INVESTIGATING, now + timedelta(days=3)))
    assert 'class="badge "' in later and "left" in later


def test_the_due_badge_carries_the_local_deadline_as_its_title():
    due = timezone.now() + timedelta(days=3)
    badge = due_badge(_complaint(State.REGISTERED, due))
    assert f'title="{timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}"' in badge


def test_a_parked_complaint_is_paused_and_a_closed_one_has_no_badge():
    due = timezone.now() - timedelta(hours=1)
    assert "paused" in due_badge(_complaint(State.PARKED, due))
    assert due_badge(_complaint(State.CLOSED, due)) == ""
    assert due_badge(_complaint(State.INVESTIGATING, None)) == ""


def test_labels_of_states_and_actions():
    assert state_label("investigating") == "Investigating"
    assert state_label("no-such-state") == "no-such-state"
    assert action_label("no-such-action") == "no-such-action"


def test_phone_numbers_as_people_write_them():
    assert phone_display("+8613812345678") == "138 1234 5678"
    assert phone_display("138****5678") == "138****5678"


def test_the_character_counter_counts_crlf_as_one_and_marks_over():
    assert char_count("c1", "a\r\nb", 3) == '<span class="char-count" id="c1">3 / 3</span>'
    assert char_count("c1", "abcd", 3) == '<span class="char-count over" id="c1">4 / 3</span>'
    assert char_count("c2", None, 10) == '<span class="char-count" id="c2">0 / 10</span>'


def test_the_tags_load_in_a_template():
    html = Template(
        "{% load web %}{% search_max_length %}|{{ 'investigating'|state_label }}"
    ).render(Context())
    assert html == f"{SEARCH_MAX_LENGTH}|Investigating"
