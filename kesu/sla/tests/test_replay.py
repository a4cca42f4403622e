from kesu.complaints.choices import ComplaintAction
from kesu.complaints.consistency import replay
from kesu.sla.choices import DeadlineAction
from kesu.sla.replay import deadline_entry_replay, panel_actions

DUE = "2026-12-03T17:00:00+08:00"


def test_registration_takes_the_first_resolution_deadline_when_its_fields_do_not_say():
    values = {}
    deadline_entry_replay(
        values, ComplaintAction.REGISTER, {"fields": {}, "due": {"resolution:1": DUE}}
    )
    assert values == {"due_at": DUE}


def test_registration_that_recorded_due_at_keeps_it():
    values = {"due_at": "recorded"}
    data = {"fields": {"due_at": "recorded"}, "due": {"resolution:1": DUE}}
    deadline_entry_replay(values, ComplaintAction.REGISTER, data)
    assert values == {"due_at": "recorded"}


def test_deadlines_entry_sets_due_at_or_forgets_it_when_it_did_not_record_it():
    values = {"due_at": DUE}
    deadline_entry_replay(values, DeadlineAction.DEADLINES, {"due_at": None})
    assert values == {"due_at": None}
    values = {"due_at": DUE}
    deadline_entry_replay(values, DeadlineAction.DEADLINES, {"reason": "old entry"})
    assert values == {}


def test_escalation_sets_the_level_and_other_actions_change_nothing():
    values = {}
    deadline_entry_replay(values, DeadlineAction.ESCALATED_BY_DEADLINE, {"to": 2})
    assert values == {"escalation_level": 2}
    deadline_entry_replay(values, DeadlineAction.MILESTONE_BREACHED, {"to": 9})
    assert values == {"escalation_level": 2}


def test_the_consistency_replay_runs_these_receivers():
    timeline = [
        (ComplaintAction.REGISTER, 1, {"fields": {}, "due": {"resolution:1": DUE}, "to": "new"}),
        (DeadlineAction.ESCALATED_BY_DEADLINE, None, {"to": 1}),
    ]
    values = replay(timeline, moves=frozenset())
    assert values["due_at"] == DUE
    assert values["escalation_level"] == 1


def test_deadline_changes_have_their_own_panel():
    assert panel_actions() == (DeadlineAction.DEADLINES,)
