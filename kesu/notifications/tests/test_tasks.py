"""The Celery task of the outbox runs eagerly and calls the services; the beat schedules only
registered tasks."""

import pytest
from django.conf import settings as django_settings

from kesu.celery import app as celery_app
from kesu.notifications import tasks
from kesu.notifications.choices import Status
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.tests.factories import NotificationFactory
from kesu.organisation.choices import Role
from kesu.sla import reminders
from kesu.sla import tasks as sla_tasks


@pytest.fixture
def fake_sweep(monkeypatch):
    """Stands in for kesu.sla.reminders' sweep and records its calls."""
    calls = []

    def sweep_due_milestones(*, now=None, batch_size=500):
        calls.append({"now": now, "batch_size": batch_size})
        return 0

    monkeypatch.setattr(reminders, "sweep_due_milestones", sweep_due_milestones)
    return calls


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the calling process, as CELERY_TASK_ALWAYS_EAGER says."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    try:
        yield celery_app
    finally:
        celery_app.conf.task_always_eager = previous


def test_celery_tasks_run_eagerly_and_call_the_services(world, fake_sweep, eager_celery):
    NotificationFactory(recipient=world.user(Role.HANDLER))
    NotificationFactory(recipient=world.user(Role.DIRECTOR))

    result = tasks.deliver_notifications.delay()
    assert result.successful()
    assert result.get() == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert DeliveryAttempt.objects.get(
        notification__recipient=world.user(Role.HANDLER)
    ).worker_id.startswith("celery:")

    assert sla_tasks.sweep_deadlines.delay().successful()
    assert fake_sweep == [{"now": None, "batch_size": 500}]


def test_the_beat_schedule_names_registered_tasks():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    from kesu.audit import tasks as audit_tasks
    from kesu.callbacks import tasks as callback_tasks
    from kesu.complaints import tasks as complaint_tasks
    from kesu.lessons import tasks as lesson_tasks
    from kesu.mailboxes import tasks as mail_tasks
    from kesu.reports import tasks as report_tasks
    from kesu.webhooks import tasks as webhook_tasks

    assert {entry["task"] for entry in schedule.values()} == {
        sla_tasks.sweep_deadlines.name,
        tasks.deliver_notifications.name,
        callback_tasks.plan_callbacks.name,
        callback_tasks.send_sms.name,
        audit_tasks.audit_checkpoint.name,
        lesson_tasks.send_lesson_digest.name,
        report_tasks.warm_reports.name,
        report_tasks.keep_monthly_reports.name,
        complaint_tasks.run_imports.name,
        complaint_tasks.train_triage_models.name,
        report_tasks.refresh_rollups.name,
        mail_tasks.fetch_mail.name,
        webhook_tasks.deliver_webhooks.name,
    }
    assert all(entry["task"] in celery_app.tasks for entry in schedule.values())
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task[sla_tasks.sweep_deadlines.name] == 60
    assert by_task[tasks.deliver_notifications.name] == 15
    assert by_task[audit_tasks.audit_checkpoint.name] == 600
    assert celery_app.conf.broker_url == django_settings.CELERY_BROKER_URL
