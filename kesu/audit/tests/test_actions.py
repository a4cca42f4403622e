"""Every move and every audit action has a label, in both languages, from the one table."""

import pytest
from django.utils import translation

from kesu.audit.actions import AuditAction, action_label, registered_action_codes
from kesu.callbacks.choices import CallbackAction
from kesu.complaints.choices import ComplaintAction, Move
from kesu.complaints.workflow import TRANSITIONS
from kesu.customers.choices import CustomerAction
from kesu.sla.choices import DeadlineAction

ACTION_CHOICES = [
    Move,
    ComplaintAction,
    DeadlineAction,
    CallbackAction,
    CustomerAction,
    AuditAction,
]
CODES = [code for choices in ACTION_CHOICES for code in choices.values]


def test_codes_are_unique_across_the_apps():
    assert len(CODES) == len(set(CODES))


def test_every_move_is_a_transition_and_back():
    assert set(TRANSITIONS) == set(Move.values)
    for move, transition in TRANSITIONS.items():
        assert transition.label == Move(move).label


@pytest.mark.parametrize("code", CODES)
def test_every_action_has_a_label_in_both_languages(code):
    assert code in registered_action_codes()
    with translation.override("en"):
        english = action_label(code)
    with translation.override("zh-hans"):
        chinese = action_label(code)
    assert english and english != code
    assert chinese and chinese != english, f"{code}: no zh-Hans translation of {english!r}"


def test_an_unknown_code_shows_as_itself():
    assert action_label("no_such_action") == "no_such_action"
