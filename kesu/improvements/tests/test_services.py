from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import CauseClass
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.improvements import services
from kesu.improvements.choices import ImprovementAudit, Status, Unit
from kesu.improvements.models import ImprovementAction
from kesu.improvements.selectors import OBJECT_TYPE
from kesu.improvements.tests.conftest import at
from kesu.organisation.choices import Role


def _entries(action):
    return list(
        AuditEntry.objects.filter(object_type=OBJECT_TYPE, object_id=action.pk).order_by("id")
    )


def _fields(exc) -> set[str]:
    return set(exc.value.message_dict)


def test_the_default_baseline_is_the_three_months_before():
    assert services.default_baseline(date(2026, 12, 2)) == (date(2026, 9, 1), date(2026, 11, 30))
    assert services.default_baseline(date(2026, 2, 28)) == (date(2025, 11, 1), date(2026, 1, 31))


def test_create_counts_the_measure_before_and_records_it(world, actions):
    engine = actions.category("vehicle.engine")
    first, last = services.default_baseline()
    for day in (first, first + timedelta(days=10), last):
        world.complaint(category=engine, received_at=at(day))
    world.complaint(category=actions.category("vehicle.brakes"), received_at=at(first))
    complaint = world.complaint(category=engine)
    action = actions.create(
        categories=[engine], complaints=[complaint.pk], causes=[CauseClass.PRODUCT_QUALITY]
    )
    # The complaints registered without a cause take the category's default: product quality.
    assert (action.baseline_from, action.baseline_to) == (first, last)
    assert action.before_count == 3
    days = (last - first).days + 1
    assert action.before_value == (Decimal(3 * 30) / days).quantize(Decimal("0.01"))
    assert action.status == Status.OPEN
    assert action.branch == world.branch
    assert list(action.complaints.all()) == [complaint]
    (entry,) = _entries(action)
    assert entry.action == ImprovementAudit.CREATED
    assert entry.actor == world.user(Role.DIRECTOR)
    assert entry.data["fields"]["categories"] == [engine.pk]
    assert entry.data["before"] == {"count": 3, "value": str(action.before_value)}


def test_roles_that_do_not_take_actions_are_refused(world, actions):
    for role in (Role.FRONTLINE, Role.CALLBACK, Role.ADMIN):
        with pytest.raises(NotAllowed):
            actions.create(actor=world.user(role))


def test_a_handling_manager_takes_actions_for_their_own_department(world, actions):
    handler = world.user(Role.HANDLER)
    action = actions.create(actor=handler)
    assert (action.branch, action.department) == (world.branch, world.service)
    with pytest.raises(ValidationError) as exc:
        actions.create(actor=handler, department=world.sales)
    assert _fields(exc) == {"department"}


def test_a_branch_acts_for_itself_and_the_group_for_any(world, actions):
    with pytest.raises(ValidationError) as exc:
        actions.create(branch=world.other_branch)
    assert "branch" in _fields(exc)
    group = world.user(Role.GROUP)
    wide = actions.create(actor=group, branch=None, owner=group)
    assert wide.branch is None
    west = actions.create(
        actor=group, branch=world.other_branch, owner=world.other_users[Role.DIRECTOR]
    )
    assert west.branch == world.other_branch


def test_the_owner_works_in_the_branch(world, actions):
    with pytest.raises(ValidationError) as exc:
        actions.create(owner=world.other_users[Role.HANDLER])
    assert _fields(exc) == {"owner"}
    with pytest.raises(ValidationError) as exc:
        actions.create(owner=None)
    assert _fields(exc) == {"owner"}


def test_dates_are_checked(world, actions):
    today = timezone.localdate()
    cases = [
        ({"due_on": today - timedelta(days=1)}, {"due_on"}),
        ({"review_on": today + timedelta(days=20)}, {"review_on"}),
        ({"baseline_to": today}, {"baseline_to"}),
        ({"baseline_from": today - timedelta(days=3), "baseline_to": today - timedelta(days=5)},
         {"baseline_from"}),
        ({"baseline_from": date(2020, 1, 1)}, {"baseline_from"}),
        ({"due_on": date(1999, 1, 1)}, {"due_on"}),
        ({"due_on": None}, {"due_on"}),
    ]  # fmt: skip
    for given, fields in cases:
        with pytest.raises(ValidationError) as exc:
            actions.create(**given)
        assert _fields(exc) == fields, given


def test_texts_causes_and_links_are_checked(world, actions):
    with pytest.raises(ValidationError) as exc:
        actions.create(title="  ", description="长" * 5001, causes=["nonsense"])
    assert _fields(exc) == {"title", "description", "causes"}
    other = world.complaint(actor=world.other_users[Role.FRONTLINE])
    with pytest.raises(ValidationError) as exc:
        actions.create(complaints=[other.pk], categories=[999_999])
    assert _fields(exc) == {"complaints", "categories"}


def test_per_thousand_needs_what_it_counts_and_the_number(world, actions):
    with pytest.raises(ValidationError) as exc:
        actions.create(unit=Unit.PER_THOUSAND)
    assert _fields(exc) == {"denominator_label", "baseline_denominator"}
    engine = actions.category("vehicle.engine")
    first, _last = services.default_baseline()
    world.complaint(category=engine, received_at=at(first))
    action = actions.create(
        unit=Unit.PER_THOUSAND,
        denominator_label="交付车辆",
        baseline_denominator=400,
        categories=[engine],
    )
    assert action.before_value == Decimal("2.50")


def test_update_records_the_changes_and_counts_again_when_the_measure_changed(world, actions):
    engine, brakes = actions.category("vehicle.engine"), actions.category("vehicle.brakes")
    first, _last = services.default_baseline()
    world.complaint(category=brakes, received_at=at(first))
    action = actions.create(categories=[engine])
    assert action.before_count == 0
    director = world.user(Role.DIRECTOR)
    services.improvement_update(action_id=action.pk, actor=director, title="制动异响整改")
    services.improvement_update(action_id=action.pk, actor=director, categories=[brakes.pk])
    action.refresh_from_db()
    assert (action.title, action.before_count) == ("制动异响整改", 1)
    created, renamed, remeasured = _entries(action)
    assert renamed.data == {"changes": {"title": ["发动机异响专项整改", "制动异响整改"]}}
    assert remeasured.data["changes"] == {"categories": [[engine.pk], [brakes.pk]]}
    assert remeasured.data["before"]["count"] == 1
    # Nothing changed: nothing recorded.
    services.improvement_update(action_id=action.pk, actor=director, title="制动异响整改")
    assert len(_entries(action)) == 3
    with pytest.raises(ValidationError):
        services.improvement_update(action_id=action.pk, actor=director, status="done")


def test_who_may_change_an_action(world, actions):
    action = actions.create(actor=world.user(Role.HANDLER))
    for role in (Role.FRONTLINE, Role.CALLBACK, Role.ADMIN):
        with pytest.raises(NotAllowed):
            services.improvement_update(action_id=action.pk, actor=world.user(role), title="X")
    for role in (Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP):
        services.improvement_update(action_id=action.pk, actor=world.user(role), title=role)
    with pytest.raises(NotFound):
        services.improvement_update(
            action_id=action.pk, actor=world.other_users[Role.DIRECTOR], title="X"
        )


def test_the_moves_of_an_action(world, actions):
    owner = world.user(Role.HANDLER)
    action = actions.create(owner=owner)
    services.improvement_start(action_id=action.pk, actor=owner)
    with pytest.raises(InvalidState):
        services.improvement_start(action_id=action.pk, actor=owner)
    done = services.improvement_complete(action_id=action.pk, actor=owner)
    assert (done.status, done.completed_on) == (Status.DONE, timezone.localdate())
    back = services.improvement_reopen(action_id=action.pk, actor=owner)
    assert (back.status, back.completed_on) == (Status.IN_PROGRESS, None)
    with pytest.raises(ValidationError):
        services.improvement_cancel(action_id=action.pk, actor=owner, reason=" ")
    with pytest.raises(NotAllowed):  # the owner moves it on; cancelling is for its managers
        services.improvement_cancel(
            action_id=action.pk, actor=world.user(Role.FRONTLINE), reason="x"
        )
    cancelled = services.improvement_cancel(
        action_id=action.pk, actor=world.user(Role.DIRECTOR), reason="改由集团统一整改"
    )
    assert cancelled.status == Status.CANCELLED and cancelled.closed_at is not None
    assert [e.action for e in _entries(action)] == [
        ImprovementAudit.CREATED,
        ImprovementAudit.STARTED,
        ImprovementAudit.DONE,
        ImprovementAudit.REOPENED,
        ImprovementAudit.CANCELLED,
    ]
    with pytest.raises(InvalidState):
        services.improvement_update(action_id=action.pk, actor=world.user(Role.DIRECTOR), title="X")


def test_someone_else_may_not_move_it_on(world, actions):
    action = actions.create()
    with pytest.raises(NotAllowed):
        services.improvement_start(action_id=action.pk, actor=world.user(Role.CALLBACK))


def _done_long_ago(action, done_days_ago=60, review_days_ago=0):
    today = timezone.localdate()
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=Status.DONE,
        completed_on=today - timedelta(days=done_days_ago),
        review_on=today - timedelta(days=review_days_ago),
    )


def test_review_counts_the_measure_after_and_records_the_verdict(world, actions):
    engine = actions.category("vehicle.engine")
    first, _last = services.default_baseline()
    for _ in range(6):
        world.complaint(category=engine, received_at=at(first))
    action = actions.create(categories=[engine])
    _done_long_ago(action, done_days_ago=60)
    today = timezone.localdate()
    world.complaint(category=engine, received_at=at(today - timedelta(days=30)))
    world.complaint(category=engine, received_at=at(today))  # the review day: not counted
    director = world.user(Role.DIRECTOR)
    with pytest.raises(ValidationError):
        services.improvement_review(action_id=action.pk, actor=director, verdict="maybe")
    reviewed = services.improvement_review(
        action_id=action.pk, actor=director, verdict=Status.EFFECTIVE, note="异响投诉明显减少"
    )
    assert reviewed.status == Status.EFFECTIVE
    assert (reviewed.after_from, reviewed.after_to) == (
        today - timedelta(days=60),
        today - timedelta(days=1),
    )
    assert reviewed.after_count == 1
    assert reviewed.after_value == Decimal("0.50")
    assert reviewed.change == reviewed.after_value - reviewed.before_value
    assert reviewed.change_pct is not None and reviewed.change_pct < 0
    assert reviewed.reviewed_by == director and reviewed.closed_at is not None
    entry = _entries(action)[-1]
    assert entry.action == ImprovementAudit.REVIEWED
    assert entry.data["after"]["count"] == 1 and entry.data["note"] == "异响投诉明显减少"
    with pytest.raises(InvalidState):
        services.improvement_review(action_id=action.pk, actor=director, verdict=Status.EFFECTIVE)


def test_review_waits_for_the_review_date_and_a_done_action(world, actions):
    action = actions.create()
    director = world.user(Role.DIRECTOR)
    with pytest.raises(InvalidState):  # not done
        services.improvement_review(action_id=action.pk, actor=director, verdict=Status.EFFECTIVE)
    services.improvement_complete(action_id=action.pk, actor=director)
    with pytest.raises(InvalidState) as exc:
        services.improvement_review(action_id=action.pk, actor=director, verdict=Status.EFFECTIVE)
    assert exc.value.code == "too_early"
    assert action.review_on.isoformat() in exc.value.render()
    # Done today and the review date already here: no whole day after completion to measure.
    ImprovementAction.objects.filter(pk=action.pk).update(review_on=timezone.localdate())
    with pytest.raises(InvalidState) as exc:
        services.improvement_review(action_id=action.pk, actor=director, verdict=Status.EFFECTIVE)
    assert exc.value.code == "too_early"


def test_only_the_directors_and_the_group_review(world, actions):
    action = actions.create()
    _done_long_ago(action)
    for role in (Role.HANDLER, Role.FRONTLINE):
        with pytest.raises(NotAllowed):
            services.improvement_review(
                action_id=action.pk, actor=world.user(role), verdict=Status.EFFECTIVE
            )
    reviewed = services.improvement_review(
        action_id=action.pk, actor=world.user(Role.GROUP), verdict=Status.NOT_EFFECTIVE
    )
    assert reviewed.status == Status.NOT_EFFECTIVE


def test_a_per_thousand_review_needs_the_number_of_the_period_after(world, actions):
    engine = actions.category("vehicle.engine")
    action = actions.create(
        unit=Unit.PER_THOUSAND, denominator_label="交付车辆", baseline_denominator=500,
        categories=[engine],
    )  # fmt: skip
    _done_long_ago(action)
    world.complaint(category=engine, received_at=at(timezone.localdate() - timedelta(days=5)))
    director = world.user(Role.DIRECTOR)
    with pytest.raises(ValidationError) as exc:
        services.improvement_review(action_id=action.pk, actor=director, verdict=Status.EFFECTIVE)
    assert _fields(exc) == {"after_denominator"}
    reviewed = services.improvement_review(
        action_id=action.pk, actor=director, verdict=Status.EFFECTIVE, after_denominator=250
    )
    assert (reviewed.after_count, reviewed.after_value) == (1, Decimal("4.00"))
