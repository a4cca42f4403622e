"""kesu/core/hooks.py: the registries through which lower apps have higher ones act."""

import pytest

from kesu.complaints import hooks as complaint_hooks
from kesu.core.hooks import Hook


def test_receivers_run_in_registration_order_and_their_results_come_back():
    hook = Hook("test")
    calls = []
    hook.register(lambda x: calls.append(("first", x)) or 1)
    hook.register(lambda x: calls.append(("second", x)) or 2)

    assert hook(7) == [1, 2]
    assert calls == [("first", 7), ("second", 7)]


def test_registering_a_function_twice_keeps_one_entry():
    hook = Hook("test")

    def receiver():
        return "once"

    hook.register(receiver)
    hook.register(receiver)

    assert hook() == ["once"]


def test_a_receivers_exception_reaches_the_caller_and_stops_the_rest():
    hook = Hook("test")
    later = []

    def fails():
        raise ValueError("no")

    hook.register(fails)
    hook.register(lambda: later.append(True))

    with pytest.raises(ValueError):
        hook()
    assert later == []


def test_the_apps_above_complaints_fill_its_hooks_in_installed_apps_order():
    def app_of(receiver):
        return receiver.__module__.split(".")[1]

    assert [app_of(r) for r in complaint_hooks.after_move.receivers()] == [
        "sla",
        "callbacks",  # the tasks the move plans
        "improvements",
        "mailboxes",  # the closing message, by e-mail or text as the customer prefers
    ]
    assert [app_of(r) for r in complaint_hooks.note_shared.receivers()] == ["mailboxes"]
    assert [app_of(r) for r in complaint_hooks.registration_planned.receivers()] == ["sla"]
    assert [app_of(r) for r in complaint_hooks.after_registration.receivers()] == [
        "notifications",
        "webhooks",  # complaint.created, complaint.crisis
    ]
    assert [app_of(r) for r in complaint_hooks.move_recorded.receivers()] == [
        "notifications",
        "webhooks",  # complaint.state_changed, .escalated, .crisis
    ]
    assert [app_of(r) for r in complaint_hooks.printed_deadlines.receivers()] == ["sla"]


def test_the_hooks_of_sla_callbacks_and_notifications_that_webhooks_fill():
    from kesu.callbacks import hooks as callback_hooks
    from kesu.notifications import hooks as notification_hooks
    from kesu.sla import hooks as sla_hooks

    def app_of(receiver):
        return receiver.__module__.split(".")[1]

    assert [app_of(r) for r in sla_hooks.deadlines_passed.receivers()] == ["webhooks"]
    assert [app_of(r) for r in callback_hooks.outcome_recorded.receivers()] == ["webhooks"]
    assert [app_of(r) for r in notification_hooks.every_pass.receivers()] == ["webhooks"]
