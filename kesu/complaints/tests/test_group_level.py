"""The group level (issue 11): escalated to the group, taken over, sent back with instructions."""

import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.choices import EscalationLevel, Move
from kesu.complaints.queues import queue_querysets, waiting_for_me
from kesu.complaints.tests.helpers import tick_required
from kesu.core.errors import InvalidState, NotAllowed
from kesu.organisation.choices import Role


def _escalated_to_group(world):
    complaint = world.complaint()
    return workflow.complaint_escalate(
        complaint_id=complaint.pk,
        actor=world.user(Role.GENERAL_MANAGER),
        level=EscalationLevel.GROUP,
        reason="门店无法解决",
    )


def test_an_escalation_to_the_group_waits_in_its_queue(world):
    complaint = _escalated_to_group(world)
    group = world.user(Role.GROUP)
    assert complaint in waiting_for_me(group)
    assert complaint not in waiting_for_me(world.other_users[Role.GENERAL_MANAGER])
    names = [t.name for t in workflow.transitions_for(complaint, group)]
    assert Move.TAKE_OVER in names and Move.SEND_BACK in names


def test_the_group_takes_it_over_then_sends_it_back_to_who_held_it(world):
    complaint = _escalated_to_group(world)
    group, frontline = world.user(Role.GROUP), world.user(Role.FRONTLINE)
    assert complaint.owner == frontline
    taken = workflow.complaint_take_over(complaint_id=complaint.pk, actor=group, note="集团接手")
    assert taken.owner == group and taken.escalation_level == EscalationLevel.GROUP
    assert taken in waiting_for_me(group)  # taken: the next step is the group's own now
    assert taken in queue_querysets(group)["assigned"]
    assert Move.TAKE_OVER not in [t.name for t in workflow.transitions_for(taken, group)]

    back = workflow.complaint_send_back(
        complaint_id=complaint.pk, actor=group, instructions="三日内与客户面谈并书面答复"
    )
    assert back.owner == frontline
    assert back.escalation_level == EscalationLevel.GENERAL_MANAGER
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk, action=Move.SEND_BACK).get()
    assert entry.data["instructions"] == "三日内与客户面谈并书面答复"
    assert entry.actor == group
    assert Move.SEND_BACK not in [t.name for t in workflow.transitions_for(back, group)]


def test_the_group_works_a_case_it_took_over_and_only_such_a_case(world):
    complaint = _escalated_to_group(world)
    group = world.user(Role.GROUP)
    assert Move.CONFIRM not in [t.name for t in workflow.transitions_for(complaint, group)]
    with pytest.raises(NotAllowed):
        workflow.complaint_confirm(
            complaint_id=complaint.pk, actor=group, method="recorded_consent", note="未接手"
        )
    workflow.complaint_take_over(complaint_id=complaint.pk, actor=group, note="集团接手")
    taken = workflow.complaint_confirm(
        complaint_id=complaint.pk, actor=group, method="recorded_consent", note="与客户核实了诉求"
    )
    names = [t.name for t in workflow.transitions_for(taken, group)]
    assert Move.START_INVESTIGATION in names and Move.HAND_OVER in names
    tick_required(taken, Move.START_INVESTIGATION, group)
    investigating = workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=group)
    assert investigating.state == "investigating" and investigating in waiting_for_me(group)
    # Deciding on compensation stays with the branch.
    assert Move.APPROVE_COMPENSATION not in workflow.GROUP_OWNER_MOVES


def test_sending_back_a_case_the_group_never_had_is_refused(world):
    complaint = world.complaint()
    with pytest.raises(InvalidState):
        workflow.complaint_send_back(
            complaint_id=complaint.pk, actor=world.user(Role.GROUP), instructions="x"
        )
    with pytest.raises(ValidationError):
        workflow.complaint_send_back(
            complaint_id=_escalated_to_group(world).pk,
            actor=world.user(Role.GROUP),
            instructions="  ",
        )


def test_only_the_group_takes_over_or_sends_back(world):
    complaint = _escalated_to_group(world)
    with pytest.raises(NotAllowed):
        workflow.complaint_take_over(complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR))
    with pytest.raises(NotAllowed):
        workflow.complaint_send_back(
            complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), instructions="x"
        )


def test_the_group_watches_every_branchs_deadlines(world):
    from datetime import timedelta

    from django.utils import timezone

    from kesu.complaints.models import Complaint

    west = world.complaint(actor=world.other_users[Role.FRONTLINE])
    Complaint.objects.filter(pk=west.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert west.pk in set(
        queue_querysets(world.user(Role.GROUP))["overdue"].values_list("pk", flat=True)
    )
