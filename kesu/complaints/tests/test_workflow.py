"""Every move of the procedure: allowed for the roles and states of the table, refused otherwise."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.choices import EscalationLevel, Move, Satisfaction, State
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import tick_required
from kesu.complaints.workflow import TRANSITIONS, transitions_for
from kesu.core.errors import InvalidState, NotAllowed, NotFound, StaleVersion
from kesu.organisation.choices import Role

ALL_ROLES = list(Role.values)


def _args(name: str, world, complaint: Complaint) -> dict:
    """Valid input for each move, given a complaint in one of its source states."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    if name == "merge":
        survivor = world.complaint(customer=complaint.customer)
        return {"into_id": survivor.pk}
    return {
        "confirm": {"method": "signature"},
        "propose_solution": {"solution": "免费更换张紧器"},
        "reject_compensation": {"reason": "金额过高"},
        "decline_solution": {"reason": "客户要求换车"},
        "resolve": {"result": "已修复"},
        "verify": {"satisfaction": Satisfaction.SATISFIED},
        "reopen": {"reason": "异响复现"},
        "park": {"reason": "等待厂家新配件", "follow_up_on": tomorrow},
        "close": {"summary": "已修复并回访，客户满意"},
        "withdraw": {"reason": "客户撤回"},
        "hand_over": {"to_user": world.user(Role.HANDLER)},
        "escalate": {"level": EscalationLevel.GROUP, "reason": "需集团协调"},
        "set_deadline": {"due_at": timezone.now() + timedelta(days=5), "reason": "客户同意延期"},
        "override_severity": {"severity": "major", "reason": "涉及安全"},
        "record_root_cause": {"root_cause": "张紧器批次缺陷"},
        "verify_prevention": {"verification": "三个月内无同类投诉"},
        "send_back": {"instructions": "三日内当面答复客户"},
    }.get(name, {})


def _complaint_in(world, state: str) -> Complaint:
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(
        state=state,
        compensation_type="cash",
        compensation_amount=Decimal("100"),
        preventive_action="保养时检查张紧器",
    )
    complaint.refresh_from_db()
    return complaint


def _call(name: str, complaint: Complaint, actor, args: dict) -> Complaint:
    move = getattr(workflow, f"complaint_{name}")
    return move(complaint_id=complaint.pk, actor=actor, **args)


def _offered(complaint: Complaint, user) -> set[str]:
    return {t.name for t in transitions_for(complaint, user)}


# The moves to try in each of their source states; whether each role may make them there is
# what transitions_for (the table) answers. The table's rules themselves are checked by hand in
# test_procedure_rules.py.
ALLOWED = [
    (name, state, role)
    for name, t in TRANSITIONS.items()
    for state in sorted(t.sources)
    for role in sorted(t.roles)
]


@pytest.mark.parametrize(("name", "state", "role"), ALLOWED)
def test_allowed_move(world, name, state, role):
    complaint = _complaint_in(world, state)
    if name == "send_back":  # only what the group has can go back
        Complaint.objects.filter(pk=complaint.pk).update(escalation_level=EscalationLevel.GROUP)
        complaint.refresh_from_db()
    assert name in _offered(complaint, world.user(role))
    tick_required(complaint, name, world.user(role))
    before = AuditEntry.objects.filter(complaint_id=complaint.pk).count()

    result = _call(name, complaint, world.user(role), _args(name, world, complaint))

    expected = TRANSITIONS[name].target or state
    assert result.state == expected
    result.refresh_from_db()
    assert result.state == expected
    assert result.version == complaint.version + 1
    entry = (
        AuditEntry.objects.filter(complaint_id=complaint.pk)
        # The deadlines a move sets and the message it sends the customer are entries of their own.
        .exclude(action__in=["deadlines", "customer_message_waiting", "told_by_email"])
        .order_by("-seq")
        .first()
    )
    assert AuditEntry.objects.filter(complaint_id=complaint.pk).count() > before
    assert entry.action == name
    assert entry.actor_id == world.user(role).pk
    assert entry.data["from"] == state and entry.data["to"] == expected


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_a_move_not_offered_is_refused(world, name, state):
    """Whoever transitions_for does not offer the move to in this state is refused by the move
    itself: for the role, or for the state, and nothing changes."""
    complaint = _complaint_in(world, state)
    args = _args(name, world, complaint)
    before = AuditEntry.objects.count()
    refused = [role for role in ALL_ROLES if name not in _offered(complaint, world.user(role))]

    for role in refused:
        with pytest.raises((NotAllowed, InvalidState)) as exc:
            _call(name, complaint, world.user(role), args)
        if isinstance(exc.value, NotAllowed):
            assert exc.value.code == "role_not_allowed", (role, exc.value.code)

    complaint.refresh_from_db()
    assert complaint.state == state
    assert AuditEntry.objects.count() == before


def test_every_state_has_a_way_out_or_is_terminal():
    for state in State.values:
        reachable = [t for t in TRANSITIONS.values() if state in t.sources and t.target]
        assert reachable or state in {State.CLOSED, State.MERGED, State.WITHDRAWN}, state


def test_the_first_contact_owner_may_hand_over_whatever_the_role(world):
    callback = world.user(Role.CALLBACK)
    complaint = world.complaint(actor=callback)
    assert complaint.owner == callback

    workflow.complaint_hand_over(
        complaint_id=complaint.pk, actor=callback, to_user=world.user(Role.HANDLER)
    )

    complaint.refresh_from_db()
    assert complaint.owner == world.user(Role.HANDLER)
    assert complaint.department == world.service


def test_hand_over_refuses_a_user_of_another_branch(world):
    complaint = world.complaint()
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_hand_over(
            complaint_id=complaint.pk,
            actor=world.user(Role.FRONTLINE),
            to_user=world.other_users[Role.HANDLER],
        )
    assert "to_user" in exc.value.error_dict


@pytest.mark.parametrize("role", [Role.ADMIN])
def test_hand_over_refuses_a_role_that_cannot_work_the_case(world, role):
    # Their only move is handing it on: the case would sit with them (the pickers leave them out,
    # and the service refuses them for every caller, the API included).
    assert role not in workflow.CASE_WORKING_ROLES
    complaint = world.complaint()
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_hand_over(
            complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), to_user=world.user(role)
        )
    assert "to_user" in exc.value.error_dict
    complaint.refresh_from_db()
    assert complaint.owner == world.user(Role.FRONTLINE)


def test_a_case_handed_to_the_group_can_be_moved_on_by_it(world):
    # The group takes over, hands on and sends back: it may hold a case.
    assert Role.GROUP in workflow.CASE_WORKING_ROLES
    complaint = world.complaint()
    handed = workflow.complaint_hand_over(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), to_user=world.user(Role.GROUP)
    )
    assert Move.SEND_BACK in _offered(handed, world.user(Role.GROUP))


def test_another_branch_cannot_move_a_complaint(world):
    complaint = world.complaint()
    with pytest.raises(NotFound):
        workflow.complaint_confirm(
            complaint_id=complaint.pk, actor=world.other_users[Role.DIRECTOR], method="signature"
        )


def test_compensation_above_limit_waits_for_approval(world):
    complaint = _complaint_in(world, State.INVESTIGATING)
    handler, director, gm = (
        world.user(Role.HANDLER),
        world.user(Role.DIRECTOR),
        world.user(Role.GENERAL_MANAGER),
    )

    proposed = workflow.complaint_propose_solution(
        complaint_id=complaint.pk,
        actor=handler,
        solution="赔偿现金",
        compensation_type="cash",
        compensation_amount=Decimal("50000"),
    )
    assert proposed.state == State.AWAITING_APPROVAL
    assert proposed.compensation_approved_by is None

    with pytest.raises(NotAllowed) as exc:
        workflow.complaint_approve_compensation(complaint_id=complaint.pk, actor=director)
    assert exc.value.code == "over_limit"

    approved = workflow.complaint_approve_compensation(complaint_id=complaint.pk, actor=gm)
    assert approved.state == State.SOLUTION_PROPOSED
    assert approved.compensation_approved_by == gm


def test_compensation_within_limit_is_approved_by_the_proposer(world):
    complaint = _complaint_in(world, State.INVESTIGATING)
    handler = world.user(Role.HANDLER)
    proposed = workflow.complaint_propose_solution(
        complaint_id=complaint.pk,
        actor=handler,
        solution="赠送保养",
        compensation_type="gift",
        compensation_amount=Decimal("800"),
    )
    assert proposed.state == State.SOLUTION_PROPOSED
    assert proposed.compensation_approved_by == handler


def test_a_solution_cannot_be_carried_out_by_a_past_date(world):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    complaint = _complaint_in(world, State.INVESTIGATING)
    with pytest.raises(ValidationError) as refused:
        workflow.complaint_propose_solution(
            complaint_id=complaint.pk,
            actor=world.user(Role.HANDLER),
            solution="更换配件",
            solution_due_on=timezone.localdate() - timedelta(days=1),
        )
    assert "solution_due_on" in refused.value.message_dict
    today = workflow.complaint_propose_solution(
        complaint_id=complaint.pk,
        actor=world.user(Role.HANDLER),
        solution="更换配件",
        solution_due_on=timezone.localdate(),
    )
    assert today.solution_due_on == timezone.localdate()


def test_reopen_escalates_to_the_general_manager(world):
    complaint = _complaint_in(world, State.CLOSED)
    reopened = workflow.complaint_reopen(
        complaint_id=complaint.pk, actor=world.user(Role.CALLBACK), reason="仍有异响"
    )
    assert reopened.state == State.INVESTIGATING
    assert reopened.escalation_level == EscalationLevel.GENERAL_MANAGER
    assert reopened.owner == world.user(Role.GENERAL_MANAGER)
    assert reopened.reopen_count == 1
    assert reopened.satisfaction == Satisfaction.DISSATISFIED


def test_a_dissatisfied_callback_cannot_verify(world):
    complaint = _complaint_in(world, State.RESOLVED)
    with pytest.raises(ValidationError):
        workflow.complaint_verify(
            complaint_id=complaint.pk,
            actor=world.user(Role.CALLBACK),
            satisfaction=Satisfaction.DISSATISFIED,
        )


def test_park_needs_a_future_follow_up_date(world):
    complaint = _complaint_in(world, State.INVESTIGATING)
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_park(
            complaint_id=complaint.pk,
            actor=world.user(Role.HANDLER),
            reason="等配件",
            follow_up_on=timezone.localdate(),
        )
    assert "follow_up_on" in exc.value.error_dict


def test_merge_refuses_itself_and_other_customers(world):
    complaint = world.complaint()
    other_customer = world.complaint()
    actor = world.user(Role.FRONTLINE)
    with pytest.raises(ValidationError):
        workflow.complaint_merge(complaint_id=complaint.pk, actor=actor, into_id=complaint.pk)
    with pytest.raises(ValidationError):
        workflow.complaint_merge(complaint_id=complaint.pk, actor=actor, into_id=other_customer.pk)
    complaint.refresh_from_db()
    assert complaint.state == State.REGISTERED


def test_merge_records_on_both_timelines(world):
    duplicate = world.complaint()
    survivor = world.complaint(customer=duplicate.customer)
    workflow.complaint_merge(
        complaint_id=duplicate.pk, actor=world.user(Role.FRONTLINE), into_id=survivor.pk
    )
    duplicate.refresh_from_db()
    assert duplicate.state == State.MERGED and duplicate.merged_into == survivor
    assert AuditEntry.objects.filter(complaint_id=survivor.pk, action="merged_in").exists()


def test_a_stale_version_is_refused(world):
    complaint = world.complaint()
    with pytest.raises(StaleVersion):
        workflow.complaint_confirm(
            complaint_id=complaint.pk,
            actor=world.user(Role.FRONTLINE),
            method="signature",
            expected_version=complaint.version + 1,
        )
    complaint.refresh_from_db()
    assert complaint.state == State.REGISTERED


def test_missing_reason_is_a_field_error(world):
    complaint = world.complaint()
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_withdraw(
            complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), reason="  "
        )
    assert "reason" in exc.value.error_dict


def test_transitions_for_offers_exactly_what_the_role_may_do(world):
    complaint = world.complaint()
    frontline = {t.name for t in transitions_for(complaint, world.user(Role.FRONTLINE))}
    admin = {t.name for t in transitions_for(complaint, world.user(Role.ADMIN))}
    assert "confirm" in frontline and "hand_over" in frontline
    assert "close" not in frontline
    assert admin == set()


def test_full_procedure_records_every_step(world):
    frontline, handler = world.user(Role.FRONTLINE), world.user(Role.HANDLER)
    callback, director = world.user(Role.CALLBACK), world.user(Role.DIRECTOR)
    c = world.complaint()
    workflow.complaint_confirm(complaint_id=c.pk, actor=frontline, method="recorded_consent")
    workflow.complaint_hand_over(complaint_id=c.pk, actor=frontline, to_user=handler)
    tick_required(c, "start_investigation", frontline)
    workflow.complaint_start_investigation(complaint_id=c.pk, actor=handler)
    workflow.complaint_propose_solution(complaint_id=c.pk, actor=handler, solution="更换张紧器")
    workflow.complaint_accept_solution(complaint_id=c.pk, actor=frontline)
    workflow.complaint_resolve(complaint_id=c.pk, actor=handler, result="已更换")
    workflow.complaint_verify(complaint_id=c.pk, actor=callback, satisfaction="satisfied")
    tick_required(c, "close", director)
    closed = workflow.complaint_close(complaint_id=c.pk, actor=director, summary="已处理")

    assert closed.state == State.CLOSED
    actions = list(
        AuditEntry.objects.filter(complaint_id=c.pk)
        .exclude(action__in=["deadlines", "checklist"])
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "register",
        "confirm",
        "hand_over",
        "start_investigation",
        "propose_solution",
        "accept_solution",
        "resolve",
        "verify",
        "close",
        # The closing message, with where else to turn, on the timeline too: queued for the
        # sending hours (told once the outbox sent it).
        "customer_message_waiting",
    ]


def test_refusals_speak_the_users_language(world):
    from django.utils import translation

    complaint = world.complaint()
    for language, expected in [("zh-hans", "不能执行"), ("en", "may not do")]:
        with translation.override(language):
            with pytest.raises(NotAllowed) as exc:
                workflow.complaint_close(
                    complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE)
                )
            assert expected in exc.value.render()


# ---- The preventive action's verification date (issue 12 item 4) ------------------------------


def _with_prevention(world, **kwargs) -> Complaint:
    complaint = _complaint_in(world, State.CLOSED)
    Complaint.objects.filter(pk=complaint.pk).update(preventive_action="")
    return workflow.complaint_record_root_cause(
        complaint_id=complaint.pk,
        actor=world.user(Role.DIRECTOR),
        preventive_action="保养时检查张紧器",
        **kwargs,
    )


def test_a_preventive_action_waits_for_its_verification_date(world, settings, monkeypatch):
    settings.KESU_PREVENTION_VERIFY_AFTER_DAYS = 30
    complaint = _with_prevention(world)
    today = timezone.localdate()
    assert complaint.preventive_verify_on == today + timedelta(days=30)
    director = world.user(Role.DIRECTOR)
    assert "verify_prevention" not in _offered(complaint, director)
    before = AuditEntry.objects.filter(complaint_id=complaint.pk).count()
    with pytest.raises(InvalidState) as exc:
        workflow.complaint_verify_prevention(
            complaint_id=complaint.pk, actor=director, verification="一分钟后就验证"
        )
    assert exc.value.code == "too_early"
    assert complaint.preventive_verify_on.isoformat() in exc.value.render()
    assert AuditEntry.objects.filter(complaint_id=complaint.pk).count() == before
    monkeypatch.setattr(workflow, "today", lambda: today + timedelta(days=30))
    assert "verify_prevention" in _offered(Complaint.objects.get(pk=complaint.pk), director)
    verified = workflow.complaint_verify_prevention(
        complaint_id=complaint.pk, actor=director, verification="一个月内无同类投诉"
    )
    assert verified.preventive_verified_by == director


def test_the_verification_date_may_be_chosen_but_not_today_or_before(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    complaint = _with_prevention(world, preventive_verify_on=tomorrow)
    assert complaint.preventive_verify_on == tomorrow
    for day in (timezone.localdate(), timezone.localdate() - timedelta(days=3)):
        with pytest.raises(ValidationError) as exc:
            workflow.complaint_record_root_cause(
                complaint_id=complaint.pk,
                actor=world.user(Role.DIRECTOR),
                preventive_verify_on=day,
            )
        assert set(exc.value.message_dict) == {"preventive_verify_on"}


def test_a_date_needs_a_preventive_action(world):
    complaint = _complaint_in(world, State.CLOSED)
    Complaint.objects.filter(pk=complaint.pk).update(preventive_action="")
    with pytest.raises(ValidationError) as exc:
        workflow.complaint_record_root_cause(
            complaint_id=complaint.pk,
            actor=world.user(Role.DIRECTOR),
            root_cause="批次缺陷",
            preventive_verify_on=timezone.localdate() + timedelta(days=5),
        )
    assert set(exc.value.message_dict) == {"preventive_verify_on"}


def test_a_changed_preventive_action_waits_again_and_a_cleared_one_not_at_all(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    complaint = _with_prevention(world, preventive_verify_on=tomorrow)
    director = world.user(Role.DIRECTOR)
    same = workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=director, root_cause="批次缺陷"
    )
    assert same.preventive_verify_on == tomorrow
    changed = workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=director, preventive_action="入库全检张紧器"
    )
    assert changed.preventive_verify_on == workflow.prevention_verify_default()
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).order_by("-seq").first()
    assert entry.data["changes"]["preventive_verify_on"] == [
        tomorrow.isoformat(),
        changed.preventive_verify_on.isoformat(),
    ]
    cleared = workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=director, preventive_action=""
    )
    assert cleared.preventive_verify_on is None


def test_cases_from_before_the_rule_are_verified_as_before(world):
    """A preventive action recorded before verification dates existed has none: no wait."""
    complaint = _complaint_in(world, State.CLOSED)  # preventive action set, no date
    assert complaint.preventive_verify_on is None
    director = world.user(Role.DIRECTOR)
    assert "verify_prevention" in _offered(complaint, director)
    same = workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=director, root_cause="批次缺陷"
    )
    assert same.preventive_verify_on is None
