"""The API's file download keeps the name the file was uploaded with (as the workspace does)."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.complaints.tests.api.helpers import complaint_url

# The first bytes of real files of each type (uploads are checked against their names).
CONTENT = {
    "m4a": b"\x00\x00\x00\x18ftypM4A data",
    "pdf": b"%PDF-1.4\ndata",
    "mp4": b"\x00\x00\x00\x18ftypmp42data",
}


@pytest.mark.parametrize(
    ("name", "fallback"),
    [("异响录音.m4a", "file.m4a"), ("invoice 2026.pdf", "invoice 2026.pdf")],
)
def test_download_is_named_like_the_upload(world, api, name, fallback):
    complaint = world.complaint()
    client = api()
    created = client.post(
        complaint_url(complaint, "attachments/"),
        {
            "file": SimpleUploadedFile(
                name, CONTENT[name[-3:]], content_type="application/octet-stream"
            )
        },
        format="multipart",
    ).json()
    assert created["original_name"] == name
    response = client.get(complaint_url(complaint, f"attachments/{created['id']}/download/"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def test_a_long_chinese_name_is_stored_and_kept_whole(world, api):
    complaint = world.complaint()
    name = "发动机舱异响" * 24 + ".mp4"  # 436 bytes of UTF-8: too long for a file system
    response = api().post(
        complaint_url(complaint, "attachments/"),
        {"file": SimpleUploadedFile(name, CONTENT["mp4"])},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == name
    download = api().get(complaint_url(complaint, f"attachments/{response.json()['id']}/download/"))
    assert b"".join(download.streaming_content) == CONTENT["mp4"]
