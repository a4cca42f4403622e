from kesu.crises import notices
from kesu.notifications.choices import Kind
from kesu.notifications.models import Notification
from kesu.notifications.rendering import link_path, render
from kesu.organisation.choices import Role


def test_the_notice_goes_to_the_whole_branch_and_links_to_the_crisis(world, crises):
    crisis = crises.open()
    staff = notices.branch_staff(crisis)
    assert {u.branch_id for u in staff} == {world.branch.pk}
    assert len(staff) == len([u for u in world.users.values() if u.branch_id])
    payload = {**notices.crisis_payload(crisis), "notice": "转发言人"}
    assert link_path(payload) == f"/crises/{crisis.pk}/"
    message = render(Kind.CRISIS_NOTICE, payload, "en")
    assert str(world.user(Role.DIRECTOR)) in message.subject
    assert message.body.endswith("转发言人")
    assert "只由" in render(Kind.CRISIS_NOTICE, payload, "zh-hans").subject


def test_who_gives_themselves_a_step_is_not_told(world, crises):
    crisis = crises.open()
    gm = world.user(Role.GENERAL_MANAGER)
    step = crises.step(crisis, actor=gm, owner=gm)
    assert notices.notify_step_assigned(step, crisis, gm) == 0
    assert not Notification.objects.filter(kind=Kind.CRISIS_STEP_ASSIGNED).exists()
    for kind in (Kind.CRISIS_STEP_ASSIGNED, Kind.CRISIS_STEP_DUE, Kind.CRISIS_STEP_OVERDUE):
        text = render(kind, notices.step_payload(step, crisis), "en")
        assert step.title in text.subject
