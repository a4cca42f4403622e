"""A file's content must fit its name: an executable called photo.jpg is refused."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.complaints.attachments import content_disposition, content_matches
from kesu.complaints.services import complaint_attach
from kesu.organisation.choices import Role

GOOD = {
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00",
    "gif": b"GIF89a\x01\x00",
    "webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    "pdf": b"%PDF-1.7\n",
    "txt": "客户来电记录：车辆异响。".encode(),
    "docx": b"PK\x03\x04\x14\x00",
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00",
    "mp3": b"ID3\x04\x00",
    "mp4": b"\x00\x00\x00\x18ftypmp42",
    "amr": b"#!AMR\n",
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
}
HOSTILE = [
    ("photo.jpg", b"MZ\x90\x00\x03\x00"),  # a Windows program
    ("photo.jpg", b"\x7fELF\x02\x01\x01"),  # a Linux program
    ("scan.pdf", b"<html><script>alert(1)</script>"),
    ("note.txt", b"#!/bin/sh\nrm -rf /\n"),
    ("note.txt", b"\x00\x01\x02\x03binary"),
    ("voice.mp3", b"PK\x03\x04zip"),
]


@pytest.mark.parametrize(("extension", "head"), sorted(GOOD.items()))
def test_real_files_pass(extension, head):
    assert content_matches(extension, head)


@pytest.mark.parametrize(("name", "head"), HOSTILE)
def test_content_that_does_not_fit_the_name_is_refused(world, name, head):
    complaint = world.complaint()
    with pytest.raises(ValidationError) as refused:
        complaint_attach(
            complaint_id=complaint.pk,
            actor=world.user(Role.FRONTLINE),
            upload=SimpleUploadedFile(name, head, content_type="image/jpeg"),
        )
    assert "file" in refused.value.message_dict
    assert not complaint.attachments.exists()


def test_the_page_says_why_in_chinese(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    upload = SimpleUploadedFile("车门.jpg", b"MZ\x90\x00", content_type="image/jpeg")
    response = client.post(
        f"/complaints/{complaint.pk}/files/",
        {"file": upload},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert response.status_code == 200
    assert "文件内容不是" in response.content.decode()


def test_a_png_screenshot_named_jpg_is_a_photo():
    assert content_matches("jpg", GOOD["png"])
    assert content_matches("png", GOOD["jpg"])
    assert not content_matches("jpg", GOOD["pdf"])


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("report.pdf", "report.pdf"),
        ("客户来信.pdf", "file.pdf"),
        ('a"b\\c;d.txt', "a_b_c_d.txt"),
        ("Café menu.txt", "Cafe menu.txt"),
        ("照片", "file"),
    ],
)
def test_content_disposition_names(name, fallback):
    header = content_disposition(name)
    assert header == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    assert "\n" not in header and "\r" not in header
