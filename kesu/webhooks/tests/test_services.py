"""kesu/webhooks/services.py: endpoints, the outbox written with each change, signed sending
to a real receiver on loopback, retries with backoff, the attempts log, replay."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.defaults import install_defaults
from kesu.core.errors import NotAllowed, NotFound
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import BranchFactory, OrganisationFactory, UserFactory
from kesu.webhooks import services
from kesu.webhooks.choices import Event, Status, WebhookAction
from kesu.webhooks.models import Attempt, Delivery
from kesu.webhooks.tests.test_docs import verify_example

WORKER = "test-worker"


def send(now=None) -> int:
    return services.deliver_all_due(WORKER, now=now)


def test_a_registered_complaint_is_posted_signed_and_the_receiver_verifies_it(
    world, endpoint, receiver
):
    # Given an endpoint that wants every event, when a complaint is registered
    complaint = world.complaint()
    (delivery,) = Delivery.objects.filter(endpoint=endpoint)
    assert delivery.status == Status.PENDING and receiver.received == []

    # then the worker posts it once, signed with the endpoint's secret
    assert send() == 1
    (got,) = receiver.received
    verify = verify_example()
    event = verify(endpoint.secret, got.headers["X-Kesu-Signature"], got.body)
    assert event["type"] == "complaint.created" == got.headers["X-Kesu-Event"]
    assert event["id"] == delivery.event_id == got.headers["X-Kesu-Event-Id"]
    assert got.headers["X-Kesu-Delivery"] == str(delivery.pk)
    assert got.headers["X-Kesu-Signature"].startswith(f"t={got.headers['X-Kesu-Timestamp']},v1=")
    assert event["organisation"] == {"id": world.org.pk, "code": world.org.code}
    data = event["data"]["complaint"]
    assert data["number"] == complaint.number and data["state"] == "registered"
    assert data["branch"]["code"] == "east" and data["customer_id"] == complaint.customer_id
    assert complaint.customer.phone not in got.body.decode()
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 1
    (attempt,) = delivery.attempt_log.all()
    assert attempt.ok and attempt.status_code == 200 and attempt.excerpt == '{"ok": true}'
    # Nothing is sent twice.
    assert send() == 0 and len(receiver.received) == 1


def test_the_wrong_secret_and_an_old_timestamp_are_refused_by_the_example(
    world, endpoint, receiver
):
    world.complaint()
    send()
    (got,) = receiver.received
    verify = verify_example()
    header = got.headers["X-Kesu-Signature"]
    with pytest.raises(Exception, match="does not match"):
        verify("whsec_not-the-secret", header, got.body)
    with pytest.raises(Exception, match="does not match"):
        verify(endpoint.secret, header, got.body.replace(b"registered", b"closed"))
    timestamp = int(got.headers["X-Kesu-Timestamp"])
    with pytest.raises(Exception, match="too old"):
        verify(endpoint.secret, header, got.body, now=timestamp + 301)
    with pytest.raises(Exception, match="malformed"):
        verify(endpoint.secret, "v1=abc", got.body)


def _events(endpoint) -> list[str]:
    return list(
        Delivery.objects.filter(endpoint=endpoint).order_by("id").values_list("event", flat=True)
    )


def test_each_move_event_produces_its_delivery(world, endpoint):
    complaint = world.complaint()
    director = world.user(Role.DIRECTOR)
    workflow.complaint_escalate(
        complaint_id=complaint.pk, actor=director, level=2, reason="客户情绪激动"
    )
    workflow.complaint_override_severity(
        complaint_id=complaint.pk,
        actor=director,
        severity="major",
        reason="媒体关注",
        is_crisis=True,
    )
    workflow.complaint_withdraw(complaint_id=complaint.pk, actor=director, reason="客户撤诉")

    assert _events(endpoint) == [
        Event.COMPLAINT_CREATED,
        Event.COMPLAINT_ESCALATED,
        Event.COMPLAINT_CRISIS,
        Event.COMPLAINT_STATE_CHANGED,
    ]
    by_type = {d.event: d.payload["data"] for d in Delivery.objects.filter(endpoint=endpoint)}
    assert by_type[Event.COMPLAINT_ESCALATED] | {"complaint": None} == {
        "complaint": None,
        "by": "move",
        "move": "escalate",
        "from_level": 0,
        "to_level": 2,
    }
    assert by_type[Event.COMPLAINT_CRISIS]["complaint"]["is_crisis"] is True
    changed = by_type[Event.COMPLAINT_STATE_CHANGED]
    assert (changed["move"], changed["from_state"], changed["to_state"]) == (
        "withdraw",
        "registered",
        "withdrawn",
    )
    assert changed["complaint"]["state"] == "withdrawn"


def test_a_passed_deadline_produces_overdue_and_the_deadline_escalation(world, endpoint):
    from kesu.sla.reminders import sweep_due_milestones

    complaint = world.complaint()
    sweep_due_milestones(now=timezone.now() + timedelta(days=60))

    overdue = Delivery.objects.filter(endpoint=endpoint, event=Event.COMPLAINT_OVERDUE)
    assert overdue.exists()
    milestone = overdue.first().payload["data"]["milestone"]
    assert set(milestone) == {"kind", "round", "due_at"}
    escalated = Delivery.objects.filter(endpoint=endpoint, event=Event.COMPLAINT_ESCALATED)
    data = escalated.order_by("id").first().payload["data"]
    assert data["by"] == "deadline" and data["to_level"] > data["from_level"] == 0
    assert data["complaint"]["number"] == complaint.number
    # A second sweep of the same moment finds nothing new to report.
    count = Delivery.objects.count()
    sweep_due_milestones(now=timezone.now() + timedelta(days=60))
    assert Delivery.objects.filter(event=Event.COMPLAINT_OVERDUE).count() == overdue.count()
    assert Delivery.objects.count() >= count


def test_a_callbacks_result_produces_callback_outcome(world, endpoint):
    from kesu.callbacks.services import task_record_outcome
    from kesu.callbacks.tests.conftest import welcome_call

    task = welcome_call(world)
    task_record_outcome(
        task_id=task.pk,
        actor=world.user(Role.CALLBACK),
        satisfaction="satisfied",
        notes="客户很满意",
    )

    (delivery,) = Delivery.objects.filter(endpoint=endpoint, event=Event.CALLBACK_OUTCOME)
    callback = delivery.payload["data"]["callback"]
    assert callback["id"] == task.pk and callback["status"] == "done"
    assert callback["satisfaction"] == "satisfied"
    assert delivery.payload["data"]["complaint"] is None
    assert "客户很满意" not in str(delivery.payload)


def test_a_rolled_back_change_writes_no_delivery(world, endpoint):
    with pytest.raises(RuntimeError), transaction.atomic():
        world.complaint()
        assert Delivery.objects.count() == 1  # written with the change…
        raise RuntimeError("the change fails after its hooks ran")
    assert Delivery.objects.count() == 0  # …and gone with it


def test_a_failing_receiver_is_retried_with_backoff_logged_then_delivered(
    world, endpoint, receiver, settings
):
    settings.KESU_OUTGOING_WEBHOOK_TIMEOUT = 0.5
    world.complaint()
    (delivery,) = Delivery.objects.all()
    t0 = timezone.now()

    # A 500: logged with its status and answer, tried again in a minute.
    receiver.status, receiver.answer = 500, b"database down"
    assert send(now=t0) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING and delivery.next_attempt_at == t0 + timedelta(
        minutes=1
    )
    assert send(now=t0 + timedelta(seconds=59)) == 0  # not before its time

    # No answer in time: logged as a timeout, tried again in five minutes.
    receiver.status, receiver.delay = 200, 2
    t1 = t0 + timedelta(minutes=1)
    assert send(now=t1) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t1 + timedelta(minutes=5)

    # It recovers: delivered on the third try.
    receiver.delay = 0
    assert send(now=t1 + timedelta(minutes=5)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 3
    first, second, third = Attempt.objects.filter(delivery=delivery)
    assert (first.ok, first.status_code, first.excerpt) == (False, 500, "database down")
    assert not second.ok and second.status_code is None and "Timeout" in second.excerpt
    assert (third.ok, third.status_code) == (True, 200)
    assert first.duration_ms >= 0 and second.duration_ms >= 400
    assert len(receiver.received) == 3
    # The same event each time.
    assert len({r.headers["X-Kesu-Event-Id"] for r in receiver.received}) == 1


def test_after_the_last_retry_the_delivery_fails(world, endpoint, receiver):
    receiver.status = 503
    world.complaint()
    (delivery,) = Delivery.objects.all()
    now = timezone.now()
    waits = []
    for _ in range(6):
        assert send(now=now) == 1
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert delivery.status == Status.FAILED and delivery.attempts == 6
    assert send(now=now + timedelta(days=2)) == 0


def test_replay_sends_the_same_payload_again_and_is_audited(world, endpoint, receiver, admin_user):
    world.complaint()
    send()
    original = Delivery.objects.get()

    replay = services.delivery_replay(actor=admin_user, delivery_id=original.pk)
    assert replay.pk != original.pk and replay.replay_of == original
    assert replay.payload == original.payload and replay.status == Status.PENDING
    assert send() == 1
    first, again = receiver.received
    assert first.body == again.body
    assert again.headers["X-Kesu-Delivery"] == str(replay.pk)
    entry = AuditEntry.objects.get(action=WebhookAction.DELIVERY_REPLAYED)
    assert entry.actor == admin_user and entry.data["replay_of"] == original.pk

    with pytest.raises(NotAllowed):
        services.delivery_replay(actor=world.user(Role.GROUP), delivery_id=original.pk)


def _other_organisation():
    org = OrganisationFactory()
    install_defaults(org)
    BranchFactory(organisation=org, code="north")
    return org, UserFactory(organisation=org, role=Role.ADMIN, branch=None)


def test_an_endpoint_of_another_organisation_never_gets_its_events(world, endpoint, receiver):
    _org, their_admin = _other_organisation()
    theirs = services.endpoint_create(
        actor=their_admin, url=receiver.url, description="他们的系统", events=Event.values
    )
    world.complaint()
    assert Delivery.objects.filter(endpoint=theirs).count() == 0
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1
    # Nor may their administrator replay ours or change our endpoint.
    with pytest.raises(NotFound):
        services.delivery_replay(actor=their_admin, delivery_id=Delivery.objects.get().pk)
    with pytest.raises(NotFound):
        services.endpoint_rotate_secret(actor=their_admin, endpoint_id=endpoint.pk)


def test_the_branch_filter_and_the_events_chosen_limit_what_an_endpoint_gets(
    world, receiver, admin_user
):
    west_only = services.endpoint_create(
        actor=admin_user,
        url=receiver.url,
        description="西城店系统",
        events=[Event.COMPLAINT_CREATED],
        branch_ids=[world.other_branch.pk],
    )
    escalations = services.endpoint_create(
        actor=admin_user, url=receiver.url, description="升级", events=[Event.COMPLAINT_ESCALATED]
    )
    switched_off = services.endpoint_create(
        actor=admin_user, url=receiver.url, description="停用", events=Event.values, is_active=False
    )
    world.complaint()  # east
    west = world.complaint(actor=world.other_users[Role.FRONTLINE])
    assert [d.payload["data"]["complaint"]["id"] for d in west_only.deliveries.all()] == [west.pk]
    assert not escalations.deliveries.exists() and not switched_off.deliveries.exists()


def test_a_delivery_claimed_by_one_worker_is_not_sent_by_another(world, endpoint, receiver):
    world.complaint()
    now = timezone.now()
    claimed = services._claim("worker-a", 10, now)
    assert len(claimed) == 1
    assert services.deliver_due(worker_id="worker-b", now=now) == 0
    # Once the first worker's claim runs out (it died), another takes it over.
    assert services.deliver_due(worker_id="worker-b", now=now + services.LEASE * 2) == 1
    assert len(receiver.received) == 1


def test_an_endpoint_switched_off_after_the_event_fails_its_delivery_at_once(
    world, endpoint, receiver, admin_user
):
    world.complaint()
    services.endpoint_update(
        actor=admin_user,
        endpoint_id=endpoint.pk,
        url=endpoint.url,
        description=endpoint.description,
        events=endpoint.events,
        is_active=False,
    )
    send()
    delivery = Delivery.objects.get()
    assert delivery.status == Status.FAILED and receiver.received == []
    assert "switched off" in delivery.attempt_log.get().excerpt


def test_making_and_changing_an_endpoint_is_checked_and_audited(world, admin_user):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            actor=admin_user,
            url="ftp://crm.example.cn/in",
            description="",
            events=["complaint.deleted"],
            branch_ids=[999999],
        )
    assert set(refused.value.message_dict) == {"url", "description", "events", "branches"}
    with pytest.raises(NotAllowed):
        services.endpoint_create(
            actor=world.user(Role.DIRECTOR),
            url="https://crm.example.cn/in",
            description="CRM",
            events=[Event.COMPLAINT_CREATED],
        )
    endpoint = services.endpoint_create(
        actor=admin_user,
        url="https://crm.example.cn/in",
        description="CRM",
        events=[Event.COMPLAINT_OVERDUE, Event.COMPLAINT_CREATED],
    )
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    assert endpoint.events == [Event.COMPLAINT_CREATED, Event.COMPLAINT_OVERDUE]  # in list order
    old = endpoint.secret
    services.endpoint_update(
        actor=admin_user,
        endpoint_id=endpoint.pk,
        url="https://crm.example.cn/kesu",
        description="CRM",
        events=[Event.COMPLAINT_CREATED],
        branch_ids=[world.branch.pk],
    )
    assert services.endpoint_rotate_secret(actor=admin_user, endpoint_id=endpoint.pk).secret != old
    actions = list(
        AuditEntry.objects.filter(object_id=endpoint.pk, action__startswith="webhook_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        WebhookAction.ENDPOINT_CREATED,
        WebhookAction.ENDPOINT_CHANGED,
        WebhookAction.SECRET_ROTATED,
    ]
    changed = AuditEntry.objects.get(action=WebhookAction.ENDPOINT_CHANGED).data["changes"]
    assert set(changed) == {"url", "events", "branches"}
    assert not AuditEntry.objects.filter(data__icontains=old).exists()


def test_retry_delay_and_signature():
    assert services.retry_delay(1) == timedelta(minutes=1)
    assert services.retry_delay(6) is None
    assert services.signature("s", 1, b"{}") == services.signature("s", 1, b"{}")
    assert services.signature("s", 1, b"{}") != services.signature("s", 2, b"{}")


def test_a_delivery_keeps_the_body_it_signs_and_a_replay_sends_the_same(world, endpoint, receiver):
    world.complaint()
    delivery = Delivery.objects.get()
    # the same document (PostgreSQL's jsonb gives the payload back in another key order)
    assert json.loads(delivery.body) == delivery.payload
    send()
    admin = world.user(Role.ADMIN)
    replay = services.delivery_replay(actor=admin, delivery_id=delivery.pk)
    assert replay.body == delivery.body
    send()
    first, again = receiver.received
    assert first.body == again.body == delivery.body.encode("utf-8")
