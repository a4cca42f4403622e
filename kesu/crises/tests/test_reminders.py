from datetime import timedelta

from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.crises import reminders, services
from kesu.crises.choices import CrisisAudit
from kesu.crises.models import CrisisStep
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.sla.tasks import sweep_deadlines


def _inbox(kind):
    return sorted(
        Notification.objects.filter(kind=kind, channel=Channel.INBOX).values_list(
            "recipient__username", flat=True
        )
    )


def test_the_owner_is_reminded_once_before_the_due_time(world, crises, settings):
    settings.KESU_CRISIS_STEP_REMINDER_MINUTES = 60
    crisis = crises.open()
    step = crises.step(crisis, due_in=timedelta(hours=3))
    now = timezone.now()
    assert reminders.sweep_steps(now) == 0
    assert reminders.sweep_steps(now + timedelta(hours=2, minutes=1)) == 1
    assert _inbox(Kind.CRISIS_STEP_DUE) == [world.user(Role.HANDLER).username]
    payload = Notification.objects.filter(kind=Kind.CRISIS_STEP_DUE).first().payload
    assert payload["crisis_id"] == crisis.pk and payload["step"] == step.title
    assert reminders.sweep_steps(now + timedelta(hours=2, minutes=30)) == 0
    # A moved due time is reminded again.
    CrisisStep.objects.filter(pk=step.pk).update(due_at=step.due_at + timedelta(hours=5))
    assert reminders.sweep_steps(now + timedelta(hours=7, minutes=30)) == 1
    assert len(_inbox(Kind.CRISIS_STEP_DUE)) == 2


def test_an_overdue_step_goes_to_the_general_manager_once_and_on_the_timeline(world, crises):
    crisis = crises.open()
    step = crises.step(crisis, due_in=timedelta(hours=1))
    later = timezone.now() + timedelta(hours=1, minutes=5)
    assert reminders.sweep_steps(later) == 1  # escalated (the reminder's window has passed)
    assert _inbox(Kind.CRISIS_STEP_OVERDUE) == sorted(
        [
            world.user(Role.HANDLER).username,  # its owner
            world.user(Role.DIRECTOR).username,  # the spokesperson
            world.user(Role.GENERAL_MANAGER).username,
        ]
    )
    (entry,) = AuditEntry.objects.filter(
        complaint_id=crisis.complaint_id, action=CrisisAudit.STEP_ESCALATED
    )
    assert entry.actor_id is None and entry.data["step_id"] == step.pk
    assert reminders.sweep_steps(later + timedelta(hours=1)) == 0
    assert len(_inbox(Kind.CRISIS_STEP_OVERDUE)) == 3


def test_done_steps_and_ended_crises_are_left_alone(world, crises):
    crisis = crises.open()
    done = crises.step(crisis, due_in=timedelta(minutes=30))
    services.step_complete(actor=world.user(Role.HANDLER), step_id=done.pk)
    other = crises.open()
    crises.step(other, due_in=timedelta(minutes=30))
    services.crisis_end(
        actor=world.user(Role.GENERAL_MANAGER),
        crisis_id=other.pk,
        what_happened="a",
        what_worked="b",
        what_to_change="c",
    )
    assert reminders.sweep_steps(timezone.now() + timedelta(hours=2)) == 0
    assert not Notification.objects.filter(
        kind__in=[Kind.CRISIS_STEP_DUE, Kind.CRISIS_STEP_OVERDUE]
    ).exists()


def test_the_deadline_sweep_runs_them(world, crises, settings):
    settings.KESU_CRISIS_STEP_REMINDER_MINUTES = 24 * 60
    crisis = crises.open()
    crises.step(crisis, due_in=timedelta(hours=2))
    sweep_deadlines()
    assert _inbox(Kind.CRISIS_STEP_DUE) == [world.user(Role.HANDLER).username]
