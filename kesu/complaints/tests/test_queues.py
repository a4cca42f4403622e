"""The "my work" queues: the next step that is mine, my cases, due soon, overdue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.choices import EscalationLevel, Move, State
from kesu.complaints.models import Category, Complaint, ComplaintMember
from kesu.complaints.queues import (
    NEXT_STEP_ROLES,
    QUEUE_CODES,
    my_queues,
    queue_querysets,
    waiting_for_me,
)
from kesu.core.errors import NotAllowed
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


def _case(world, state, **fields):
    complaint = world.complaint(actor=fields.pop("actor", None))
    Complaint.objects.filter(pk=complaint.pk).update(state=state, **fields)
    return complaint.pk


def _pks(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_the_next_step_roles_follow_the_procedure():
    assert Role.FRONTLINE in NEXT_STEP_ROLES[State.REGISTERED]
    assert Role.FRONTLINE not in NEXT_STEP_ROLES[State.CONFIRMED]
    assert Role.HANDLER in NEXT_STEP_ROLES[State.INVESTIGATING]
    assert Role.CALLBACK in NEXT_STEP_ROLES[State.RESOLVED]
    assert NEXT_STEP_ROLES[State.VERIFIED] == {Role.DIRECTOR, Role.GENERAL_MANAGER}
    assert State.CLOSED not in NEXT_STEP_ROLES


def test_waiting_for_me_is_the_owners_next_step(world):
    frontline, handler = world.user(Role.FRONTLINE), world.user(Role.HANDLER)
    registered = _case(world, State.REGISTERED)
    confirmed = _case(world, State.CONFIRMED)
    investigating = _case(world, State.INVESTIGATING, owner=handler, department=world.service)
    assert _pks(waiting_for_me(frontline)) == {registered}  # confirming is not a frontline move
    # The first two went to the handler's department and nobody of it has taken them yet.
    assert _pks(waiting_for_me(handler)) == {registered, confirmed, investigating}
    Complaint.objects.filter(pk__in=[registered, confirmed]).update(department=world.sales)
    assert _pks(waiting_for_me(handler)) == {investigating}
    Complaint.objects.filter(pk=confirmed).update(owner=handler)
    assert _pks(waiting_for_me(handler)) == {investigating, confirmed}


def test_a_case_routed_to_a_department_waits_for_its_managers_at_once(world):
    sales_manager = UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.sales,
        role=Role.HANDLER,
        username="sales-manager",
    )
    routed = world.complaint(department=world.sales)  # still owned by the frontline registrar
    taken = world.complaint(department=world.sales)
    Complaint.objects.filter(pk=taken.pk).update(owner=sales_manager)
    colleague = UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.sales,
        role=Role.HANDLER,
        username="sales-manager-2",
    )
    Complaint.objects.filter(pk=taken.pk).update(owner=colleague)
    assert _pks(waiting_for_me(sales_manager)) == {routed.pk}  # not a colleague's own case
    assert routed.pk not in _pks(waiting_for_me(world.user(Role.HANDLER)))  # other department
    Complaint.objects.filter(pk=routed.pk).update(state=State.CLOSED)
    assert _pks(waiting_for_me(sales_manager)) == set()


def test_finishing_moves_wait_for_the_whole_branch(world):
    resolved = _case(world, State.RESOLVED)
    verified = _case(world, State.VERIFIED)
    west = world.complaint(
        actor=world.other_users[Role.FRONTLINE], customer=CustomerFactory(organisation=world.org)
    )
    Complaint.objects.filter(pk=west.pk).update(state=State.RESOLVED)
    # Nobody of the branch owns them, yet the branch's callback and director see them.
    assert _pks(waiting_for_me(world.user(Role.CALLBACK))) == {resolved}
    assert _pks(waiting_for_me(world.user(Role.DIRECTOR))) == {resolved, verified}
    assert _pks(waiting_for_me(world.other_users[Role.CALLBACK])) == {west.pk}
    assert _pks(waiting_for_me(world.user(Role.FRONTLINE))) == set()


def test_approvals_wait_for_who_may_grant_the_amount(world):
    small = _case(
        world,
        State.AWAITING_APPROVAL,
        compensation_amount=Decimal("500"),
        department=world.service,
    )
    large = _case(
        world,
        State.AWAITING_APPROVAL,
        compensation_amount=Decimal("5000"),
        department=world.service,
    )
    elsewhere = _case(
        world, State.AWAITING_APPROVAL, compensation_amount=Decimal("100"), department=world.sales
    )
    assert _pks(waiting_for_me(world.user(Role.HANDLER))) == {small}  # up to 2000, own dept
    assert _pks(waiting_for_me(world.user(Role.DIRECTOR))) == {small, large, elsewhere}
    assert _pks(waiting_for_me(world.other_users[Role.DIRECTOR])) == set()


def test_assigned_due_soon_and_overdue(world):
    frontline = world.user(Role.FRONTLINE)
    now = timezone.now()
    soon = _case(world, State.INVESTIGATING, due_at=now + timedelta(hours=3))
    later = _case(world, State.INVESTIGATING, due_at=now + timedelta(days=3))
    late = _case(world, State.INVESTIGATING, due_at=now - timedelta(hours=3))
    parked = _case(world, State.PARKED, due_at=now - timedelta(hours=3))
    _case(world, State.CLOSED, due_at=now - timedelta(hours=3))
    someone_elses = _case(
        world, State.INVESTIGATING, due_at=now - timedelta(hours=3), owner=world.user(Role.HANDLER)
    )
    queues = queue_querysets(frontline)
    assert tuple(queues) == QUEUE_CODES
    assert _pks(queues["assigned"]) == {soon, later, late, parked}
    assert _pks(queues["due_soon"]) == {soon}
    assert _pks(queues["overdue"]) == {late}
    # A director answers for the branch: every late case of it, whoever owns it.
    director = queue_querysets(world.user(Role.DIRECTOR))
    assert _pks(director["overdue"]) == {late, someone_elses}
    assert _pks(director["assigned"]) == set()


def test_a_late_case_waiting_for_the_department_is_in_its_managers_overdue_list(world):
    # Routed to after-sales and not taken on yet (still with the frontline who took it in):
    # its clock runs, so the department's manager sees it late, not only in "waiting".
    now = timezone.now()
    handler = world.user(Role.HANDLER)
    late = _case(world, State.CONFIRMED, department=world.service, due_at=now - timedelta(hours=1))
    elsewhere = _case(
        world, State.CONFIRMED, department=world.sales, due_at=now - timedelta(hours=1)
    )
    queues = queue_querysets(handler)
    assert late in _pks(queues["waiting"])
    assert _pks(queues["overdue"]) == {late}
    assert elsewhere not in _pks(queues["overdue"])


def test_my_queues_lists_the_most_urgent_first_and_counts_them_all(world):
    now = timezone.now()
    frontline = world.user(Role.FRONTLINE)
    third = _case(world, State.REGISTERED, due_at=None)
    second = _case(world, State.REGISTERED, due_at=now + timedelta(days=2))
    first = _case(world, State.REGISTERED, due_at=now - timedelta(days=1))
    queues = {q.code: q for q in my_queues(frontline, limit=2)}
    assert list(queues) == list(QUEUE_CODES)
    assert queues["waiting"].count == 3
    assert [c.pk for c in queues["waiting"].items] == [first, second]
    everything = {q.code: q for q in my_queues(frontline)}
    assert [c.pk for c in everything["assigned"].items] == [first, second, third]
    assert everything["overdue"].count == 1


def test_the_group_sees_each_branchs_load(world, django_assert_max_num_queries):
    from datetime import timedelta as td

    from kesu.complaints.queues import branch_overview

    east = world.complaint()
    world.complaint(actor=world.other_users[Role.FRONTLINE])
    Complaint.objects.filter(pk=east.pk).update(
        due_at=timezone.now() - td(hours=2), escalation_level=4
    )
    with django_assert_max_num_queries(1):
        rows = {r.branch_id: r for r in branch_overview(world.user(Role.GROUP))}
    assert (rows[world.branch.pk].open, rows[world.branch.pk].overdue) == (1, 1)
    assert rows[world.branch.pk].at_group == 1
    assert (rows[world.other_branch.pk].open, rows[world.other_branch.pk].overdue) == (1, 0)
    assert branch_overview(world.user(Role.DIRECTOR)) == []


def test_a_case_the_group_registered_for_a_branch_waits_for_the_routed_department(world):
    engine = Category.objects.get(organisation=world.org, code="vehicle.engine")
    complaint = world.complaint(actor=world.user(Role.GROUP), branch=world.branch, category=engine)
    manager = world.user(Role.HANDLER)  # after-sales, where the default rules send it
    assert complaint.department == world.service
    assert complaint in waiting_for_me(manager)
    taken = workflow.complaint_take_on(complaint_id=complaint.pk, actor=manager, note="我来处理")
    assert taken.owner == manager and taken in waiting_for_me(manager)
    assert Move.TAKE_ON not in [t.name for t in workflow.transitions_for(taken, manager)]


def test_a_handling_manager_takes_on_only_their_departments_cases(world):
    complaint = world.complaint()  # after-sales
    sales_manager = UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    assert Move.TAKE_ON not in [t.name for t in workflow.transitions_for(complaint, sales_manager)]
    ComplaintMember.objects.create(
        complaint=complaint, user=sales_manager, role="co_handler", added_by=world.user("director")
    )  # a co-handler of another department sees it, but does not take it on
    with pytest.raises(NotAllowed):
        workflow.complaint_take_on(complaint_id=complaint.pk, actor=sales_manager)
    director = world.user(Role.DIRECTOR)
    assert Move.TAKE_ON in [t.name for t in workflow.transitions_for(complaint, director)]
    assert workflow.complaint_take_on(complaint_id=complaint.pk, actor=director).owner == director


def test_an_escalation_waits_for_the_level_it_reached(world):
    complaint = world.complaint()
    director, gm = world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    assert complaint not in waiting_for_me(gm)
    workflow.complaint_escalate(
        complaint_id=complaint.pk,
        actor=world.user(Role.HANDLER),
        level=EscalationLevel.CUSTOMER_DIRECTOR,
        reason="客户要求见总监",
    )
    assert complaint in waiting_for_me(director) and complaint not in waiting_for_me(gm)
    workflow.complaint_escalate(
        complaint_id=complaint.pk,
        actor=director,
        level=EscalationLevel.GENERAL_MANAGER,
        reason="升级",
    )
    assert complaint in waiting_for_me(gm)
    assert complaint not in waiting_for_me(world.other_users[Role.GENERAL_MANAGER])
