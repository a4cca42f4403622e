"""A crisis reaches the branch's general managers at once; an ordinary complaint alerts nobody."""

from kesu.complaints.models import Complaint
from kesu.notifications.alerts import alert_crisis
from kesu.notifications.choices import Channel
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


def test_a_crisis_registered_alerts_the_general_manager_of_its_branch(world):
    complaint = world.complaint(account="客户说要找媒体曝光这件事。")
    assert complaint.is_crisis
    gm = world.user(Role.GENERAL_MANAGER)
    rows = Notification.objects.filter(kind="crisis", dedupe_key=f"c{complaint.pk}:crisis")
    assert {(n.recipient_id, n.channel) for n in rows} == {(gm.pk, Channel.INBOX)}
    (row,) = rows
    assert row.payload == {
        "complaint_id": complaint.pk,
        "complaint_number": complaint.number,
        "title": complaint.title,
        "reasons": complaint.severity_reasons,
    }
    assert "media" in row.payload["reasons"]
    # The other branch's general manager hears nothing of it.
    assert not Notification.objects.filter(recipient=world.other_users[Role.GENERAL_MANAGER])


def test_an_ordinary_complaint_alerts_nobody(world):
    complaint = world.complaint()
    assert not complaint.is_crisis
    alert_crisis(complaint)
    assert not Notification.objects.filter(kind="crisis").exists()


def test_alerting_again_adds_nothing_and_inactive_managers_are_left_out(world):
    complaint = world.complaint(account="客户已经打了12315投诉。")
    before = Notification.objects.filter(kind="crisis").count()
    alert_crisis(Complaint.objects.get(pk=complaint.pk))
    assert Notification.objects.filter(kind="crisis").count() == before == 1
    away = UserFactory(
        role=Role.GENERAL_MANAGER,
        branch=world.branch,
        organisation=world.org,
        is_active=False,
        email="gm2@example.test",
    )
    second = UserFactory(
        role=Role.GENERAL_MANAGER,
        branch=world.branch,
        organisation=world.org,
        email="gm3@example.test",
    )
    alert_crisis(Complaint.objects.get(pk=complaint.pk))
    assert not Notification.objects.filter(recipient=away).exists()
    assert set(Notification.objects.filter(recipient=second).values_list("channel", flat=True)) == {
        Channel.INBOX,
        Channel.EMAIL,
    }
