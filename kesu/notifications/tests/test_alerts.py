"""Every event that needs a person reaches the right people, once each (events.py, alerts.py)."""

from decimal import Decimal

import pytest

from kesu.complaints import workflow
from kesu.complaints.choices import EscalationLevel, State
from kesu.complaints.models import Category, Complaint, RoutingRule
from kesu.complaints.queues import waiting_for_me
from kesu.notifications.alerts import alerts_at_registration
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.models import Notification, NotificationSetting
from kesu.notifications.rendering import render
from kesu.organisation.choices import Role
from kesu.organisation.models import User
from kesu.organisation.tests.factories import DepartmentFactory, UserFactory


def told(kind: str, channel: str = Channel.INBOX) -> set[int]:
    """The users an inbox notification of `kind` went to."""
    return set(
        Notification.objects.filter(kind=kind, channel=channel).values_list(
            "recipient_id", flat=True
        )
    )


def pks(*users) -> set[int]:
    return {u.pk for u in users}


def _in_state(complaint, state, **fields) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(state=state, **fields)
    return Complaint.objects.get(pk=complaint.pk)


def test_a_new_complaint_reaches_the_customer_director_of_its_branch_at_once(world):
    director = world.user(Role.DIRECTOR)
    director.email = "director@example.test"
    director.save()
    complaint = world.complaint()
    assert told(Kind.NEW_COMPLAINT) == pks(director)
    assert told(Kind.NEW_COMPLAINT, Channel.EMAIL) == pks(director)
    row = Notification.objects.get(kind=Kind.NEW_COMPLAINT, channel=Channel.INBOX)
    assert row.payload["complaint_number"] == complaint.number
    assert row.payload["by"] == str(world.user(Role.FRONTLINE))
    # Registering again through the hook (a retried transaction) adds nothing.
    alerts_at_registration(Complaint.objects.get(pk=complaint.pk))
    assert Notification.objects.filter(kind=Kind.NEW_COMPLAINT).count() == 2


def test_whoever_registers_is_not_told_of_it(world):
    world.complaint(actor=world.user(Role.DIRECTOR))
    assert told(Kind.NEW_COMPLAINT) == set()


def test_a_routed_complaint_reaches_its_departments_managers(world):
    sales_manager = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    world.complaint(department=world.sales)
    assert told(Kind.ROUTED) == pks(sales_manager)  # not the service department's manager


def test_a_complaint_routed_to_a_person_reaches_them_and_their_manager(world):
    advisor = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    RoutingRule.objects.create(
        organisation=world.org, name="承诺 → 赵敏", cause="promise_not_kept", owner=advisor,
        priority=10,
    )  # fmt: skip
    complaint = world.complaint(cause="promise_not_kept")
    assert complaint.owner == advisor
    # The owner (also the department's only manager) and the director they answer to, once each.
    assert told(Kind.ROUTED) == pks(advisor, world.user(Role.DIRECTOR))
    assert Notification.objects.filter(kind=Kind.ROUTED, channel=Channel.INBOX).count() == 2
    row = Notification.objects.get(kind=Kind.ROUTED, channel=Channel.INBOX, recipient=advisor)
    assert str(advisor) in render(row.kind, row.payload, "en").body
    assert "由其负责处理" in render(row.kind, row.payload, "zh-hans").body


@pytest.mark.parametrize(
    "fields",
    [
        {"demand": "return"},
        {"demand": "replacement"},
        {"demand": "compensation"},
        {"demand": "price_reduction"},
    ],
)
def test_return_exchange_and_money_demands_reach_the_gm_and_department_manager(world, fields):
    sales_manager = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    complaint = world.complaint(**fields)
    # A lower price is a sales matter (routed to sales), the others stay with after-sales.
    manager = sales_manager if complaint.department == world.sales else world.user(Role.HANDLER)
    assert told(Kind.URGENT_DEMAND) == pks(world.user(Role.GENERAL_MANAGER), manager)


def test_a_product_quality_defect_reaches_the_gm_at_once_and_says_so(world):
    world.complaint(cause="product_quality", demand="repair")
    assert world.user(Role.GENERAL_MANAGER).pk in told(Kind.URGENT_DEMAND)
    row = Notification.objects.get(
        kind=Kind.URGENT_DEMAND, channel=Channel.INBOX, recipient=world.user(Role.GENERAL_MANAGER)
    )
    assert "action plan" in render(row.kind, row.payload, "en").body
    assert "质量" in render(row.kind, row.payload, "zh-hans").body


def test_an_ordinary_repair_request_alerts_nobody_but_the_director(world):
    world.complaint(demand="repair")
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds <= {Kind.NEW_COMPLAINT, Kind.ROUTED}


def test_a_complaint_found_during_a_callback_reaches_the_director(world):
    world.complaint(actor=world.user(Role.CALLBACK), channel="callback")
    assert told(Kind.FROM_CALLBACK) == pks(world.user(Role.DIRECTOR))


def test_a_crisis_reaches_gm_and_director_once_whenever_it_is_flagged(world):
    gm, director = world.user(Role.GENERAL_MANAGER), world.user(Role.DIRECTOR)
    at_intake = world.complaint(account="客户说要找媒体曝光这件事。")
    assert at_intake.is_crisis
    assert told(Kind.CRISIS) == pks(gm, director)
    assert not Notification.objects.filter(recipient=world.other_users[Role.GENERAL_MANAGER])

    later = world.complaint()
    Notification.objects.all().delete()
    for _ in range(2):  # flagged, unflagged and flagged again: told once
        workflow.complaint_override_severity(
            complaint_id=later.pk,
            actor=world.user(Role.HANDLER),
            severity="major",
            reason="客户发了微博",
            is_crisis=True,
        )
        workflow.complaint_override_severity(
            complaint_id=later.pk,
            actor=world.user(Role.HANDLER),
            severity="major",
            reason="误判",
            is_crisis=False,
        )
    assert Notification.objects.filter(kind=Kind.CRISIS, channel=Channel.INBOX).count() == 2
    assert told(Kind.CRISIS) == pks(gm, director)


def test_a_hand_over_reaches_the_new_owner_and_their_manager(world):
    complaint = world.complaint()
    frontline = world.user(Role.FRONTLINE)
    colleague = UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.service,
        role=Role.FRONTLINE,
        username="front-2",
    )
    workflow.complaint_hand_over(complaint_id=complaint.pk, actor=frontline, to_user=colleague)
    assert told(Kind.HANDED_OVER) == pks(colleague, world.user(Role.HANDLER))
    # To a department only: its managers, not the owner (who keeps it for now).
    Notification.objects.all().delete()
    sales_manager = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    workflow.complaint_hand_over(complaint_id=complaint.pk, actor=colleague, department=world.sales)
    assert told(Kind.HANDED_OVER) == pks(sales_manager)


def test_a_handing_manager_answers_to_the_customer_director(world):
    complaint = world.complaint()
    handler = world.user(Role.HANDLER)
    workflow.complaint_hand_over(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), to_user=handler
    )
    assert told(Kind.HANDED_OVER) == pks(handler, world.user(Role.DIRECTOR))


def _awaiting_approval(world, amount="5000"):
    complaint = _in_state(world.complaint(), State.INVESTIGATING, owner=world.user(Role.HANDLER))
    return workflow.complaint_propose_solution(
        complaint_id=complaint.pk,
        actor=world.user(Role.HANDLER),
        solution="现金补偿",
        compensation_type="cash",
        compensation_amount=Decimal(amount),
    )


def test_a_compensation_above_the_limit_reaches_who_may_approve_it(world):
    complaint = _awaiting_approval(world)
    assert complaint.state == State.AWAITING_APPROVAL
    # The handler's limit is 2000: the director (10,000) and the general manager may approve.
    assert told(Kind.APPROVAL_NEEDED) == pks(
        world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    )
    row = Notification.objects.filter(kind=Kind.APPROVAL_NEEDED).first()
    assert "5000" in render(row.kind, row.payload, "en").body


@pytest.mark.parametrize("approve", [True, False])
def test_the_decision_reaches_whoever_proposed_it(world, approve):
    complaint = _awaiting_approval(world)
    director = world.user(Role.DIRECTOR)
    if approve:
        workflow.complaint_approve_compensation(complaint_id=complaint.pk, actor=director)
        kind = Kind.COMPENSATION_APPROVED
    else:
        workflow.complaint_reject_compensation(
            complaint_id=complaint.pk, actor=director, reason="金额过高"
        )
        kind = Kind.COMPENSATION_REJECTED
    assert told(kind) == pks(world.user(Role.HANDLER))


def test_a_reopen_reaches_the_general_manager(world):
    complaint = _in_state(world.complaint(), State.RESOLVED)
    workflow.complaint_reopen(
        complaint_id=complaint.pk, actor=world.user(Role.CALLBACK), reason="客户仍不满意"
    )
    assert world.user(Role.GENERAL_MANAGER).pk in told(Kind.REOPENED)
    row = Notification.objects.filter(kind=Kind.REOPENED).first()
    assert "客户仍不满意" in render(row.kind, row.payload, "zh-hans").body


@pytest.mark.parametrize(
    ("level", "role"),
    [
        (EscalationLevel.DEPARTMENT_MANAGER, Role.HANDLER),
        (EscalationLevel.CUSTOMER_DIRECTOR, Role.DIRECTOR),
        (EscalationLevel.GENERAL_MANAGER, Role.GENERAL_MANAGER),
        (EscalationLevel.GROUP, Role.GROUP),
    ],
)
def test_a_manual_escalation_reaches_the_level_it_goes_to(world, level, role):
    complaint = world.complaint()
    actor = world.user(Role.DIRECTOR if role == Role.HANDLER else Role.HANDLER)
    workflow.complaint_escalate(
        complaint_id=complaint.pk, actor=actor, level=level, reason="超权限"
    )
    expected = (
        set(
            User.objects.filter(organisation=world.org, role=Role.GROUP).values_list(
                "pk", flat=True
            )
        )
        if role == Role.GROUP  # the whole group centre, whichever branch
        else pks(world.user(role))
    )
    assert told(Kind.ESCALATION) == expected


def test_an_organisation_or_a_user_may_switch_a_kind_off(world):
    director = world.user(Role.DIRECTOR)
    second = UserFactory(
        organisation=world.org, branch=world.branch, role=Role.DIRECTOR, username="director-2"
    )
    NotificationSetting.objects.create(
        organisation=world.org, user=director, kind=Kind.NEW_COMPLAINT, enabled=False
    )
    world.complaint()
    assert told(Kind.NEW_COMPLAINT) == pks(second)
    NotificationSetting.objects.create(
        organisation=world.org, kind=Kind.NEW_COMPLAINT, enabled=False
    )
    world.complaint()
    assert told(Kind.NEW_COMPLAINT) == pks(second)  # nothing new for the second complaint
    assert Notification.objects.filter(kind=Kind.NEW_COMPLAINT, channel="inbox").count() == 1


def test_an_escalation_to_the_group_take_over_and_send_back_reach_the_branch(world):
    from kesu.complaints import workflow as wf

    complaint = world.complaint()
    wf.complaint_escalate(
        complaint_id=complaint.pk,
        actor=world.user(Role.GENERAL_MANAGER),
        level=EscalationLevel.GROUP,
        reason="门店无法解决",
    )
    assert world.user(Role.GROUP).pk in told(Kind.ESCALATION)
    group = world.user(Role.GROUP)
    wf.complaint_take_over(complaint_id=complaint.pk, actor=group)
    manager = world.user(Role.HANDLER)  # of the complaint's (after-sales) department
    assert told(Kind.TAKEN_OVER) == pks(
        manager, world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    )
    wf.complaint_send_back(complaint_id=complaint.pk, actor=group, instructions="当面致歉")
    assert told(Kind.SENT_BACK) == pks(
        world.user(Role.FRONTLINE),
        manager,
        world.user(Role.DIRECTOR),
        world.user(Role.GENERAL_MANAGER),
    )
    row = Notification.objects.filter(kind=Kind.SENT_BACK).first()
    assert "当面致歉" in render(row.kind, row.payload, "en").body


def test_a_department_nobody_manages_falls_to_the_customer_director(world):
    DepartmentFactory(branch=world.branch, code="value_added", name="增值业务部")
    insurance = Category.objects.get(organisation=world.org, code="value_added.insurance")
    complaint = world.complaint(category=insurance)
    assert complaint.department.code == "value_added"
    director = world.user(Role.DIRECTOR)
    assert director.pk in told(Kind.ROUTED)
    assert complaint in waiting_for_me(director)
    assert complaint not in waiting_for_me(world.other_users[Role.DIRECTOR])


# One message per person per change (issue 11): the most specific kind, naming the others.


def _inbox_of(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, channel=Channel.INBOX))


def test_an_urgent_demand_routed_to_sales_reaches_its_manager_once(world):
    sales_manager = UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.sales,
        role=Role.HANDLER,
        email="sales@example.test",
    )
    complaint = world.complaint(department=world.sales, demand="compensation")
    assert complaint.department == world.sales
    rows = _inbox_of(sales_manager)
    assert [r.kind for r in rows] == [Kind.URGENT_DEMAND]
    assert rows[0].payload["also"] == [Kind.ROUTED]
    body = render(rows[0].kind, rows[0].payload, "zh-hans").body
    assert "分派到本部门的投诉" in body
    assert "Complaint for your department" in render(rows[0].kind, rows[0].payload, "en").body
    mails = Notification.objects.filter(recipient=sales_manager, channel=Channel.EMAIL)
    assert [m.kind for m in mails] == [Kind.URGENT_DEMAND]
    # Every recipient: one inbox item.
    recipients = list(
        Notification.objects.filter(channel=Channel.INBOX).values_list("recipient_id", flat=True)
    )
    assert len(recipients) == len(set(recipients))
    # The hook again (a retried transaction, another worker): nothing new.
    before = Notification.objects.count()
    alerts_at_registration(Complaint.objects.get(pk=complaint.pk))
    assert Notification.objects.count() == before


def test_a_new_complaint_routed_to_the_directors_department_reaches_them_once(world):
    DepartmentFactory(branch=world.branch, code="value_added", name="增值业务部")
    insurance = Category.objects.get(organisation=world.org, code="value_added.insurance")
    director = world.user(Role.DIRECTOR)
    world.complaint(category=insurance, demand="repair")
    rows = _inbox_of(director)
    assert [r.kind for r in rows] == [Kind.ROUTED]
    assert rows[0].payload["also"] == [Kind.NEW_COMPLAINT]
    assert "新登记的投诉" in render(rows[0].kind, rows[0].payload, "zh-hans").body


def test_a_complaint_raised_during_a_callback_reaches_the_director_once(world):
    DepartmentFactory(branch=world.branch, code="value_added", name="增值业务部")
    insurance = Category.objects.get(organisation=world.org, code="value_added.insurance")
    director = world.user(Role.DIRECTOR)
    world.complaint(
        actor=world.user(Role.CALLBACK), channel="callback", category=insurance, demand="repair"
    )
    rows = _inbox_of(director)
    assert [r.kind for r in rows] == [Kind.FROM_CALLBACK]
    assert set(rows[0].payload["also"]) == {Kind.ROUTED, Kind.NEW_COMPLAINT}
    recipients = list(
        Notification.objects.filter(channel=Channel.INBOX).values_list("recipient_id", flat=True)
    )
    assert len(recipients) == len(set(recipients))


def test_a_kind_switched_off_leaves_the_next_one(world):
    director = world.user(Role.DIRECTOR)
    NotificationSetting.objects.create(
        organisation=world.org, user=director, kind=Kind.FROM_CALLBACK, enabled=False
    )
    world.complaint(actor=world.user(Role.CALLBACK), channel="callback", demand="repair")
    assert [r.kind for r in _inbox_of(director)] == [Kind.NEW_COMPLAINT]


def test_a_hand_over_to_a_department_alone_leaves_nobody_owning_it(world):
    complaint = world.complaint()
    frontline, handler = world.user(Role.FRONTLINE), world.user(Role.HANDLER)
    assert complaint.owner == frontline
    sales_manager = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    Notification.objects.all().delete()
    moved = workflow.complaint_hand_over(
        complaint_id=complaint.pk, actor=handler, department=world.sales
    )
    assert moved.owner_id is None and moved.department == world.sales
    assert moved in waiting_for_me(sales_manager)
    # The sales manager and the receptionist it left, once each; nobody is misnamed the owner.
    assert told(Kind.HANDED_OVER) == pks(sales_manager, frontline)
    row = Notification.objects.get(
        kind=Kind.HANDED_OVER, channel=Channel.INBOX, recipient=frontline
    )
    zh = render(row.kind, row.payload, "zh-hans").body
    assert str(frontline) not in zh and "等待该部门的负责人接手" in zh
    assert "waits" in render(row.kind, row.payload, "en").body
    from kesu.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(complaint_id=complaint.pk, action="hand_over").get()
    assert entry.data["owners"] == [str(frontline), ""]


def test_a_reopen_tells_whoever_handled_it_to_closure(world):
    handler = world.user(Role.HANDLER)
    complaint = _in_state(world.complaint(), State.RESOLVED, owner=handler)
    workflow.complaint_reopen(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), reason="客户仍不满意"
    )
    gm = world.user(Role.GENERAL_MANAGER)
    assert Complaint.objects.get(pk=complaint.pk).owner == gm
    assert handler.pk in told(Kind.REOPENED)
    row = Notification.objects.get(kind=Kind.REOPENED, channel=Channel.INBOX, recipient=handler)
    assert f"由 {handler} 改为 {gm}" in render(row.kind, row.payload, "zh-hans").body
    from kesu.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(complaint_id=complaint.pk, action="reopen").get()
    assert entry.data["owners"] == [str(handler), str(gm)]
