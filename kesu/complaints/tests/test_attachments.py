"""A file's content must fit its name: an executable called photo.jpg is refused."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.complaints.attachments import (
    content_disposition,
    content_matches,
    extension_of,
    inline_type,
    is_pdf,
    preview,
    shorten_file_name,
    stored_file_name,
)
from kesu.complaints.models import Attachment
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


# ---- Types, previews and names ----------------------------------------------------------------


def _named(name: str) -> Attachment:
    return Attachment(original_name=name)


@pytest.mark.parametrize(
    ("name", "shown_as", "pdf"),
    [
        ("照片.JPG", "image/jpeg", False),
        ("scan.pdf", "application/pdf", True),
        ("记录.txt", "text/plain; charset=utf-8", False),
        ("录音.m4a", "audio/mp4", False),
        ("report.docx", None, False),
        ("photo.jpg.exe", None, False),
        ("no-extension", None, False),
    ],
)
def test_the_type_shown_comes_from_the_name_only(name, shown_as, pdf):
    attachment = _named(name)
    assert inline_type(attachment) == shown_as
    assert is_pdf(attachment) is pdf
    assert extension_of(attachment) == (name.rpartition(".")[2].lower() if "." in name else "")


def test_a_long_name_is_cut_keeping_its_extension():
    name = "很长的文件名" * 50 + ".pdf"
    short = shorten_file_name(name, max_chars=20)
    assert short == "很长的文件名很长的文件名很长的文.pdf"
    assert len(short) == 20
    assert shorten_file_name("ok.pdf", max_chars=20) == "ok.pdf"
    # An "extension" of more than 16 characters is just part of the name.
    assert shorten_file_name("a" * 10 + "." + "b" * 20, max_chars=8) == "a" * 8
    assert shorten_file_name("a" * 30, max_chars=10) == "a" * 10  # no extension to keep


def test_the_stored_name_fits_120_bytes_of_utf8():
    stored = stored_file_name("客户来信" * 40 + ".jpg")
    assert len(stored.encode()) <= 120 and stored.endswith(".jpg")
    assert stored_file_name("维修单.pdf") == "维修单.pdf"


def test_inline_disposition():
    assert content_disposition("a.pdf", inline=True).startswith('inline; filename="a.pdf"')


def test_preview_of_a_photo_a_pdf_and_a_document(world):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, "JPEG")
    complaint = world.complaint()
    actor = world.user(Role.FRONTLINE)

    def attach(name, data):
        upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
        return complaint_attach(complaint_id=complaint.pk, actor=actor, upload=upload)

    photo = preview(attach("车门.jpg", out.getvalue()))
    assert (photo.has_thumbnail, photo.can_view) == (True, True)
    pdf = preview(attach("报告.pdf", GOOD["pdf"]))
    assert (pdf.has_thumbnail, pdf.can_view) == (False, True)
    document = preview(attach("报告.docx", GOOD["docx"]))
    assert (document.has_thumbnail, document.can_view) == (False, False)
    broken = preview(attach("坏图.jpg", GOOD["jpg"]))  # a JPEG header and nothing after
    assert (broken.has_thumbnail, broken.can_view) == (False, True)
