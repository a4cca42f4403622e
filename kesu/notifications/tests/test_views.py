"""The inbox page through real HTTP (Django's test client)."""

import pytest

from kesu.notifications.models import Notification, NotificationSetting
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
    other = as_user(Role.CALLBACK)
    assert complaint.number not in other.get("/inbox/").content.decode()
    assert other.post(f"/inbox/{item.pk}/read/").status_code == 404


def test_a_user_switches_kinds_off_and_picks_the_language_of_e_mails(as_user, world):
    client = as_user(Role.DIRECTOR)
    page = client.get("/inbox/settings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新登记的投诉" in page and 'value="new_complaint" checked' in page
    kept = ["crisis", "reopened"]
    response = client.post("/inbox/settings/", {"kind": kept, "language": "en"})
    assert response.status_code == 302
    director = world.user(Role.DIRECTOR)
    director.refresh_from_db()
    assert director.language == "en"
    off = set(
        NotificationSetting.objects.filter(user=director, enabled=False).values_list(
            "kind", flat=True
        )
    )
    assert "new_complaint" in off and not off & set(kept)
    page = client.get("/inbox/settings/").content.decode()
    assert 'value="new_complaint" checked' not in page and 'value="crisis" checked' in page
    # Nobody else's settings changed.
    assert not NotificationSetting.objects.exclude(user=director).exists()


def test_bad_settings_are_refused_readably_and_change_nothing(as_user, world):
    client = as_user(Role.DIRECTOR)
    response = client.post(
        "/inbox/settings/", {"kind": ["crisis"], "language": "xx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "Choose a language from the list." in response.content.decode()
    assert not NotificationSetting.objects.exists()
    response = client.post("/inbox/settings/", {"kind": ["nonsense\x00"], "language": ""})
    assert response.status_code == 400


def test_the_page_says_what_the_organisation_switched_off(as_user, world):
    NotificationSetting.objects.create(organisation=world.org, kind="crisis", enabled=False)
    page = as_user(Role.DIRECTOR).get("/inbox/settings/", HTTP_ACCEPT_LANGUAGE="en")
    assert "switched off for the whole organisation" in page.content.decode()


def test_a_long_inbox_pages_back_to_the_oldest(as_user, world):
    from kesu.notifications.views import INBOX_PAGE

    frontline = world.user(Role.FRONTLINE)
    for i in range(INBOX_PAGE + 3):
        notify(
            organisation_id=world.org.pk, branch_id=world.branch.pk, recipients=[frontline],
            kind="milestone_reminder",
            payload={"complaint_number": f"KS-T-{i:03d}", "title": f"第{i}条"},
            dedupe_key=f"page{i}",
        )  # fmt: skip
    client = as_user(Role.FRONTLINE)
    first = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "KS-T-052" in first and "KS-T-003" in first and "KS-T-002" not in first
    assert "更早的通知" in first
    oldest_shown = min(
        Notification.objects.filter(recipient=frontline, channel="inbox")
        .order_by("-id")
        .values_list("id", flat=True)[:INBOX_PAGE]
    )
    second = client.get(f"/inbox/?before={oldest_shown}").content.decode()
    assert "KS-T-002" in second and "KS-T-000" in second and "KS-T-003" not in second
    assert "Older notifications" not in second and "更早的通知" not in second
    assert client.get("/inbox/?before=abc").status_code == 200  # ignored, the newest page


def test_an_item_about_a_page_opens_that_page(as_user, world):
    director = world.user(Role.DIRECTOR)
    notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=[director],
        kind="lessons_digest",
        payload={
            "month": "2026-11",
            "count": 1,
            "lessons": [{"title": "张紧器"}],
            "path": "/lessons/?month=2026-11",
        },
        dedupe_key="digest",
        channels=("inbox",),
    )
    client = as_user(Role.DIRECTOR)
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lessons learned in November 2026: 1" in page and "• 张紧器" in page
    assert ">Open<" in page
    item = Notification.objects.get(kind="lessons_digest")
    response = client.post(f"/inbox/{item.pk}/read/")
    assert response["Location"] == "/lessons/?month=2026-11"


def test_a_path_off_the_site_is_not_followed(as_user, world):
    director = world.user(Role.DIRECTOR)
    notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=[director],
        kind="lessons_digest",
        payload={"month": "2026-11", "count": 0, "path": "//evil.example/"},
        dedupe_key="evil",
        channels=("inbox",),
    )
    item = Notification.objects.get(kind="lessons_digest")
    response = as_user(Role.DIRECTOR).post(f"/inbox/{item.pk}/read/")
    assert response["Location"] == "/inbox/"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_settings_page_shows_no_developer_internals(as_user, world, language):
    page = as_user(Role.DIRECTOR).get("/inbox/settings/", HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert page.status_code == 200
    assert "kesu/" not in text and "KESU_" not in text
    # The docs' table keeps the technical wording.
    from kesu.notifications.events import events_table

    assert "KESU_MONTHLY_REPORT_DAY" in events_table()
