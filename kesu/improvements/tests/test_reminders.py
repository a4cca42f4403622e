from datetime import date, timedelta

from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import verification_day_come
from kesu.improvements import reminders
from kesu.improvements.choices import Status
from kesu.improvements.models import ImprovementAction, PreventionCheck
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.organisation.models import User
from kesu.sla.calendar import WorkingCalendar
from kesu.sla.tasks import sweep_deadlines

THU, FRI, MON = date(2026, 12, 17), date(2026, 12, 18), date(2026, 12, 21)


def _inbox(kind):
    return sorted(
        Notification.objects.filter(kind=kind, channel=Channel.INBOX).values_list(
            "recipient__username", flat=True
        )
    )


def _action(actions, **dates):
    action = actions.create()
    ImprovementAction.objects.filter(pk=action.pk).update(**dates)
    action.refresh_from_db()
    return action


def test_remind_on_counts_working_days_back():
    calendar = WorkingCalendar(tz=timezone.get_current_timezone())
    assert reminders.remind_on(THU, calendar, 2) == date(2026, 12, 15)
    assert reminders.remind_on(MON, calendar, 2) == THU  # over the weekend
    assert reminders.remind_on(MON, calendar, 0) == MON
    holiday = WorkingCalendar(tz=calendar.tz, exceptions={FRI: False})
    assert reminders.remind_on(MON, holiday, 1) == THU


def test_the_owner_hears_of_the_due_date_once(world, actions, settings):
    settings.KESU_IMPROVEMENT_REMINDER_WORKING_DAYS = 2
    action = _action(actions, due_on=MON, review_on=MON + timedelta(days=60))
    assert reminders.sweep_reminders(date(2026, 12, 16)) == 0
    assert reminders.sweep_reminders(THU) == 1
    assert _inbox(Kind.IMPROVEMENT_DUE) == [world.user(Role.HANDLER).username]
    payload = Notification.objects.filter(kind=Kind.IMPROVEMENT_DUE).first().payload
    assert payload["improvement_id"] == action.pk and payload["due_on"] == MON.isoformat()
    assert reminders.sweep_reminders(FRI) == 0
    # A new due date is reminded again.
    ImprovementAction.objects.filter(pk=action.pk).update(due_on=MON + timedelta(days=7))
    assert reminders.sweep_reminders(MON + timedelta(days=5)) == 1
    assert len(_inbox(Kind.IMPROVEMENT_DUE)) == 2
    # No webhook rows: a reminder is for its people.
    assert not Notification.objects.filter(kind=Kind.IMPROVEMENT_DUE, endpoint__isnull=False)


def test_nothing_for_a_done_action_or_a_past_date(world, actions):
    _action(actions, due_on=THU, status=Status.DONE, review_on=THU + timedelta(days=90))
    _action(actions, due_on=date(2026, 12, 1), review_on=THU + timedelta(days=90))
    assert reminders.sweep_reminders(date(2026, 12, 16)) == 0


def test_the_review_date_reaches_the_owner_and_the_customer_director(world, actions):
    _action(actions, status=Status.DONE, due_on=date(2026, 11, 1), review_on=MON)
    assert reminders.sweep_reminders(THU) == 1
    assert _inbox(Kind.IMPROVEMENT_REVIEW) == sorted(
        [world.user(Role.HANDLER).username, world.user(Role.DIRECTOR).username]
    )
    assert reminders.sweep_reminders(FRI) == 0


def test_a_group_wide_review_reaches_the_group(world, actions):
    group = world.user(Role.GROUP)
    action = actions.create(actor=group, branch=None, owner=world.user(Role.DIRECTOR))
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=Status.DONE, due_on=date(2026, 11, 1), review_on=MON
    )
    reminders.sweep_reminders(THU)
    centre = User.objects.filter(organisation=world.org, role=Role.GROUP)
    assert _inbox(Kind.IMPROVEMENT_REVIEW) == sorted(
        [*centre.values_list("username", flat=True), world.user(Role.DIRECTOR).username]
    )


def _resolved_with_prevention(world, **kwargs):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state="resolved")
    return workflow.complaint_record_root_cause(
        complaint_id=complaint.pk,
        actor=world.user(Role.DIRECTOR),
        preventive_action="保养时检查张紧器",
        **kwargs,
    )


def test_the_preventive_action_is_reminded_when_its_day_comes(world):
    complaint = _resolved_with_prevention(world)
    check = PreventionCheck.objects.get(complaint=complaint)
    assert check.verify_on == complaint.preventive_verify_on
    assert reminders.sweep_reminders(check.verify_on - timedelta(days=1)) == 0
    assert reminders.sweep_reminders(check.verify_on) == 1
    assert _inbox(Kind.PREVENTION_VERIFY) == sorted(
        [world.user(Role.FRONTLINE).username, world.user(Role.DIRECTOR).username]
    )
    payload = Notification.objects.filter(kind=Kind.PREVENTION_VERIFY).first().payload
    assert payload["complaint_id"] == complaint.pk
    assert reminders.sweep_reminders(check.verify_on + timedelta(days=1)) == 0


def test_an_open_case_is_reminded_once_it_is_resolved(world):
    complaint = world.complaint()
    workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=world.user(Role.HANDLER), preventive_action="入库抽检"
    )
    day = Complaint.objects.get(pk=complaint.pk).preventive_verify_on
    assert reminders.sweep_reminders(day) == 0
    Complaint.objects.filter(pk=complaint.pk).update(state="closed")
    assert reminders.sweep_reminders(day + timedelta(days=3)) == 1


def test_a_new_date_a_cleared_action_and_a_verification_end_the_wait(world, monkeypatch):
    complaint = _resolved_with_prevention(world)
    check = PreventionCheck.objects.get(complaint=complaint)
    later = timezone.localdate() + timedelta(days=60)
    director = world.user(Role.DIRECTOR)
    workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=director, preventive_verify_on=later
    )
    check.refresh_from_db()
    assert (check.verify_on, check.done_at) == (later, None)
    verification_day_come(monkeypatch, complaint)
    workflow.complaint_verify_prevention(
        complaint_id=complaint.pk, actor=director, verification="两个月无复发"
    )
    check.refresh_from_db()
    assert check.done_at is not None
    assert reminders.sweep_reminders(later) == 0

    other = _resolved_with_prevention(world)
    workflow.complaint_record_root_cause(
        complaint_id=other.pk, actor=director, preventive_action=""
    )
    assert PreventionCheck.objects.get(complaint=other).done_at is not None


def test_a_withdrawn_case_drops_out(world):
    complaint = _resolved_with_prevention(world)
    Complaint.objects.filter(pk=complaint.pk).update(state="withdrawn")
    check = PreventionCheck.objects.get(complaint=complaint)
    assert reminders.sweep_reminders(check.verify_on) == 0
    check.refresh_from_db()
    assert check.done_at is not None


def test_the_deadline_sweep_runs_them(world, actions):
    """sla's after_sweep hook: the task of the beat and the worker sends them too."""
    today = timezone.localdate()
    _action(actions, due_on=today, review_on=today + timedelta(days=60))
    sweep_deadlines()
    assert _inbox(Kind.IMPROVEMENT_DUE) == [world.user(Role.HANDLER).username]


def test_the_new_owner_hears_of_the_action_by_inbox_and_mail(world, actions):
    from kesu.improvements.services import improvement_update
    from kesu.notifications.rendering import render

    handler = world.user(Role.HANDLER)
    handler.email = "handler@example.com"
    handler.save(update_fields=["email"])
    action = actions.create(title="张紧器专项整改")  # by the director, for the handler
    assert _inbox(Kind.IMPROVEMENT_ASSIGNED) == [handler.username]
    channels = set(
        Notification.objects.filter(kind=Kind.IMPROVEMENT_ASSIGNED).values_list(
            "channel", flat=True
        )
    )
    assert channels == {Channel.INBOX, Channel.EMAIL}
    note = Notification.objects.get(kind=Kind.IMPROVEMENT_ASSIGNED, channel=Channel.INBOX)
    message = render(note.kind, note.payload, "en")
    assert message.subject == "Improvement action for you: 张紧器专项整改"
    assert str(world.user(Role.DIRECTOR)) in message.body
    assert message.link.endswith(f"/improvements/{action.pk}/")
    assert "负责人" in render(note.kind, note.payload, "zh-hans").body

    director = world.user(Role.DIRECTOR)
    gm = world.user(Role.GENERAL_MANAGER)
    improvement_update(action_id=action.pk, actor=director, owner=gm)
    assert _inbox(Kind.IMPROVEMENT_ASSIGNED) == sorted([handler.username, gm.username])
    improvement_update(action_id=action.pk, actor=director, title="别的标题")  # owner unchanged
    improvement_update(action_id=action.pk, actor=director, owner=director)  # made themselves
    assert len(_inbox(Kind.IMPROVEMENT_ASSIGNED)) == 2
    improvement_update(action_id=action.pk, actor=director, owner=handler)  # back to the first
    assert _inbox(Kind.IMPROVEMENT_ASSIGNED).count(handler.username) == 2


def test_an_owner_who_creates_their_own_action_is_not_told(world, actions):
    director = world.user(Role.DIRECTOR)
    actions.create(actor=director, owner=director)
    assert not Notification.objects.filter(kind=Kind.IMPROVEMENT_ASSIGNED).exists()
