"""The complaint's timeline, notes and files."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.audit.actions import action_label
from kesu.audit.services import audit_record
from kesu.complaints.models import Attachment
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.organisation.choices import Role


def test_timeline_oldest_first_with_actor_and_labels(world, api):
    complaint = world.complaint()
    client = api()
    client.post(complaint_url(complaint, "transitions/confirm/"), {"method": "signature"})
    client.post(
        complaint_url(complaint, "notes/"),
        {"text": "已致电客户，约好周三到店。", "kind": "call", "shared_with_customer": True},
    )
    response = client.get(complaint_url(complaint, "timeline/"))
    assert response.status_code == 200
    entries = response.json()["results"]
    register, confirm, call = (
        entries[0],
        next(e for e in entries if e["action"] == "confirm"),
        next(e for e in entries if e["action"] == "call"),
    )
    assert register["action"] == "register"
    assert register["action_display"] == "Registered"
    assert register["actor"] == {"id": world.user(Role.FRONTLINE).pk, "name": "frontline-east"}
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert confirm["data"]["to"] == "confirmed"
    assert confirm["action_display"] == "Customer confirmed the record"
    assert call["data"] == {"text": "已致电客户，约好周三到店。", "shared_with_customer": True}
    assert call["visibility"] == "shared"
    assert call["visibility_display"] == "Shared with the customer"
    chinese = api(language="zh-hans").get(complaint_url(complaint, "timeline/")).json()
    assert chinese["results"][0]["action_display"] != "Registered"


def test_timeline_labels_every_action_as_the_pages_do(world, api):
    """A sweep's entry carries its label next to its code, from the table the pages use."""
    complaint = world.complaint()
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=None,
        action="milestone_breached",
        obj=complaint,
        complaint_id=complaint.pk,
        data={"milestone": "first_contact"},
    )
    entries = api().get(complaint_url(complaint, "timeline/")).json()["results"]
    breached = next(e for e in entries if e["action"] == "milestone_breached")
    assert breached["action_label"] == "Deadline missed" == action_label("milestone_breached")
    assert breached["action_display"] == breached["action_label"]
    chinese = api(language="zh-hans").get(complaint_url(complaint, "timeline/")).json()
    assert [e["action_label"] for e in chinese["results"]][-1] == "期限已超期"


def test_timeline_pages_forward_from_the_oldest(world, api):
    complaint = world.complaint()
    client = api()
    for n in range(4):
        client.post(complaint_url(complaint, "notes/"), {"text": f"第{n}次跟进"})
    pages, url, params = [], complaint_url(complaint, "timeline/"), {"page_size": 2}
    while url:
        page = client.get(url, params).json()
        pages.append(page["results"])
        url, params = page["next"], None
    entries = [entry for page in pages for entry in page]
    assert len(pages) >= 3 and all(len(page) <= 2 for page in pages)
    assert entries[0]["action"] == "register"
    assert [e["seq"] for e in entries] == sorted({e["seq"] for e in entries})
    notes = [e["data"]["text"] for e in entries if e["action"] == "note"]
    assert notes == ["第0次跟进", "第1次跟进", "第2次跟进", "第3次跟进"]


def test_note_validation(world, api):
    complaint = world.complaint()
    response = api().post(complaint_url(complaint, "notes/"), {"text": "  ", "kind": "fax"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"text", "kind"}


def test_note_returns_the_entry(world, api):
    complaint = world.complaint()
    response = api(Role.HANDLER).post(
        complaint_url(complaint, "notes/"), {"text": "内部：查维修记录"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["action"] == "note" and body["visibility"] == "internal"
    assert body["actor"]["id"] == world.user(Role.HANDLER).pk


def _upload(client, complaint, name: str, content: bytes, content_type: str = "image/jpeg"):
    return client.post(
        complaint_url(complaint, "attachments/"),
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "description": "异响视频截图",
        },
        format="multipart",
    )


def test_upload_list_and_download(world, api):
    complaint = world.complaint()
    client = api()
    content = b"\xff\xd8\xff fake jpeg"
    response = _upload(client, complaint, "异响.jpg", content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == "异响.jpg"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    listed = client.get(complaint_url(complaint, "attachments/")).json()
    assert [a["id"] for a in listed] == [body["id"]]
    download = client.get(complaint_url(complaint, f"attachments/{body['id']}/download/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    # Another branch can neither list nor download it.
    stranger = api(user=world.other_users[Role.DIRECTOR])
    assert (
        stranger.get(complaint_url(complaint, f"attachments/{body['id']}/download/")).status_code
        == 404
    )


def test_too_large_file_is_400(world, api, settings):
    settings.KESU_ATTACHMENT_MAX_BYTES = 10
    complaint = world.complaint()
    response = _upload(api(), complaint, "photo.jpg", b"x" * 11)
    assert response.status_code == 400
    assert "file" in error_of(response)["fields"]
    assert not Attachment.objects.exists()


def test_wrong_type_is_400(world, api):
    complaint = world.complaint()
    response = _upload(api(), complaint, "virus.exe", b"MZ", "application/octet-stream")
    assert response.status_code == 400
    assert "exe" in error_of(response)["fields"]["file"][0]
    assert not Attachment.objects.exists()


def test_missing_or_empty_file_is_400(world, api):
    complaint = world.complaint()
    response = api().post(complaint_url(complaint, "attachments/"), {}, format="multipart")
    assert response.status_code == 400
    assert "file" in error_of(response)["fields"]
    response = _upload(api(), complaint, "empty.jpg", b"")
    assert response.status_code == 400
    # JSON is not an upload.
    response = api().post(complaint_url(complaint, "attachments/"), {"file": "x"}, format="json")
    assert response.status_code == 415
    error_of(response)
