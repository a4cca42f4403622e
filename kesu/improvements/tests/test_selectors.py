from datetime import date, timedelta

from django.utils import timezone, translation

from kesu.complaints.choices import CauseClass
from kesu.improvements import selectors, services
from kesu.improvements.choices import ACTIVE, ImprovementAudit, Status
from kesu.improvements.models import ImprovementAction
from kesu.organisation.choices import Role


def _ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_who_sees_which_actions(world, actions):
    east = actions.create()
    group = world.user(Role.GROUP)
    wide = actions.create(actor=group, branch=None, owner=group)
    west = actions.create(
        actor=group, branch=world.other_branch, owner=world.other_users[Role.DIRECTOR]
    )
    for role in Role.values:
        seen = _ids(selectors.improvements_visible_to(world.user(role)))
        if role in (Role.GROUP, Role.ADMIN):
            assert seen == {east.pk, wide.pk, west.pk}, role
        else:
            assert seen == {east.pk, wide.pk}, role
    assert _ids(selectors.improvements_visible_to(world.other_users[Role.FRONTLINE])) == {
        wide.pk,
        west.pk,
    }


def test_who_may_do_what(world, actions):
    action = actions.create(actor=world.user(Role.HANDLER), owner=world.user(Role.CALLBACK))
    may = {
        role: (
            selectors.may_create(world.user(role)),
            selectors.may_edit(world.user(role), action),
            selectors.may_progress(world.user(role), action),
            selectors.may_cancel(world.user(role), action),
        )
        for role in Role.values
    }
    assert may == {
        Role.FRONTLINE: (False, False, False, False),
        Role.CALLBACK: (False, False, True, False),  # the owner moves it on
        Role.HANDLER: (True, True, True, True),
        Role.DIRECTOR: (True, True, True, True),
        Role.GENERAL_MANAGER: (True, True, True, True),
        Role.GROUP: (True, True, True, True),
        Role.ADMIN: (False, False, False, False),
    }
    # Another department's handling manager, another branch's director: no.
    sales_handler = world.user(Role.HANDLER)
    sales_handler.department = world.sales
    assert not selectors.may_edit(sales_handler, action)
    assert not selectors.may_edit(world.other_users[Role.DIRECTOR], action)
    # The review: only once done, only directors, general managers and the group.
    assert not selectors.may_review(world.user(Role.DIRECTOR), action)
    action.status = Status.DONE
    reviewers = {r for r in Role.values if selectors.may_review(world.user(r), action)}
    assert reviewers == {Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP}
    action.status = Status.EFFECTIVE
    assert not any(selectors.may_edit(world.user(r), action) for r in Role.values)


def test_a_group_wide_action_is_the_groups_to_change(world, actions):
    group = world.user(Role.GROUP)
    wide = actions.create(actor=group, branch=None, owner=group)
    assert selectors.may_edit(group, wide)
    assert not selectors.may_edit(world.user(Role.DIRECTOR), wide)


def test_the_list_filters(world, actions):
    first = actions.create()
    second = actions.create(owner=world.user(Role.DIRECTOR))
    ImprovementAction.objects.filter(pk=first.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    ImprovementAction.objects.filter(pk=second.pk).update(status=Status.EFFECTIVE)
    qs = selectors.improvement_list(world.user(Role.DIRECTOR))
    assert _ids(selectors.filtered(qs, overdue_only=True)) == {first.pk}
    assert _ids(selectors.filtered(qs, status=ACTIVE)) == {first.pk}
    assert _ids(selectors.filtered(qs, status=Status.EFFECTIVE)) == {second.pk}
    assert _ids(selectors.filtered(qs, owner=world.user(Role.DIRECTOR).pk)) == {second.pk}
    assert _ids(selectors.filtered(qs, branch=world.other_branch.pk)) == set()


def test_pickers(world):
    director = world.user(Role.DIRECTOR)
    owners = set(selectors.owners_for_picker(director, world.branch.pk))
    assert world.user(Role.HANDLER) in owners and world.user(Role.GROUP) in owners
    assert world.user(Role.ADMIN) not in owners
    assert world.other_users[Role.HANDLER] not in owners
    assert set(selectors.departments_for(director, world.branch.pk)) == {world.service, world.sales}
    assert list(selectors.departments_for(world.user(Role.HANDLER), world.branch.pk)) == [
        world.service
    ]
    assert not selectors.departments_for(director, None).exists()


def test_linked_complaints_are_those_the_reader_sees(world, actions):
    mine = world.complaint()
    group = world.user(Role.GROUP)
    theirs = world.complaint(actor=world.other_users[Role.FRONTLINE])
    wide = actions.create(actor=group, branch=None, owner=group, complaints=[mine.pk, theirs.pk])
    assert selectors.linked_complaints(world.user(Role.DIRECTOR), wide) == [mine]
    assert set(selectors.linked_complaints(group, wide)) == {mine, theirs}


def test_history_names_the_fields_an_edit_changed(world, actions):
    action = actions.create()
    services.improvement_update(
        action_id=action.pk, actor=world.user(Role.DIRECTOR), title="新标题", causes=["process"]
    )
    with translation.override("en"):
        created, changed = selectors.history(action)
        assert selectors.cause_labels([CauseClass.PROCESS, "gone"]) == [
            "Process and paperwork",
            "gone",
        ]
    assert created.action == ImprovementAudit.CREATED
    assert created.label == "Improvement action created"
    assert changed.changed == ["name of the action", "causes"]


def test_the_report_lists_what_was_under_way_in_the_period(world, actions):
    today = timezone.localdate()
    start, end = today.replace(day=1), today + timedelta(days=1)
    under_way = actions.create(title="进行中")
    reviewed_before = actions.create(title="上月已评估")
    ImprovementAction.objects.filter(pk=reviewed_before.pk).update(
        status=Status.EFFECTIVE, closed_at=timezone.now() - timedelta(days=40)
    )
    group = world.user(Role.GROUP)
    west = actions.create(
        actor=group, branch=world.other_branch, owner=world.other_users[Role.DIRECTOR]
    )
    rows, total = selectors.improvements_for_report(world.user(Role.DIRECTOR), start, end)
    assert [r.pk for r in rows] == [under_way.pk] and total == 1
    row = rows[0]
    assert (row.status, row.effect, row.overdue) == (Status.OPEN, "", False)
    assert row.link == f"/improvements/{under_way.pk}/"
    assert row.unit_suffix in ("/ 30 days", "/ 30 天")  # the report shows the values' unit
    rows, total = selectors.improvements_for_report(group, start, end)
    assert {r.pk for r in rows} == {under_way.pk, west.pk}
    rows, _total = selectors.improvements_for_report(
        group, start, end, {"branch": str(world.other_branch.pk)}
    )
    assert [r.pk for r in rows] == [west.pk]
    # Created after the period: not in it.
    rows, total = selectors.improvements_for_report(group, date(2020, 1, 1), date(2020, 2, 1))
    assert (rows, total) == ([], 0)


def test_a_handling_manager_reads_their_departments_actions_in_the_report(world, actions):
    today = timezone.localdate()
    service = actions.create(department=world.service)
    sales = actions.create(department=world.sales)
    branch_wide = actions.create()
    rows, _total = selectors.improvements_for_report(
        world.user(Role.HANDLER), today.replace(day=1), today + timedelta(days=1)
    )
    assert {r.pk for r in rows} == {service.pk, branch_wide.pk}
    assert sales.pk not in {r.pk for r in rows}
