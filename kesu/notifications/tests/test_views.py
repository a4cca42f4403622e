"""The inbox page through real HTTP (Django's test client)."""

import pytest

from kesu.notifications.models import Notification
from kesu.notifications.services import notify
from kesu.organisation.choices import Role


@pytest.fixture
def as_user(client, world):
    def login(role, other_branch=False):
        user = (world.other_users if other_branch else world.users)[role]
        client.force_login(user)
        return client

    return login


def test_inbox_shows_my_notifications_and_marks_them_read(as_user, world):
    complaint = world.complaint()
    frontline = world.user(Role.FRONTLINE)
    notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=[frontline],
        kind="milestone_reminder",
        payload={
            "complaint_id": complaint.pk,
            "complaint_number": complaint.number,
            "title": complaint.title,
            "milestone": "resolution",
            "due_at": complaint.due_at.isoformat(),
        },
        dedupe_key="t1",
    )
    client = as_user(Role.FRONTLINE)
    assert "1" in client.get("/inbox/count/").content.decode()
    body = client.get("/inbox/").content.decode()
    assert complaint.number in body
    item = Notification.objects.get(recipient=frontline, channel="inbox")
    response = client.post(f"/inbox/{item.pk}/read/")
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.pk}/"
    item.refresh_from_db()
    assert item.read_at is not None
    # Another user cannot read or mark it.
    other = as_user(Role.HANDLER)
    assert complaint.number not in other.get("/inbox/").content.decode()
    assert other.post(f"/inbox/{item.pk}/read/").status_code == 404
