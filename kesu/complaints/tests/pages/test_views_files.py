"""A complaint's files on the workspace: thumbnails, full-size views, downloads, scope."""

from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.services import complaint_attach
from kesu.organisation.choices import Role

PHOTO_NAME = "左前门划痕.jpg"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def jpeg(size=(640, 480), orientation=None, colour=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, colour)
    out = BytesIO()
    if orientation is None:
        image.save(out, "JPEG")
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation  # Orientation
        image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def attach(world, complaint, name, data, content_type="application/octet-stream"):
    return complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile(name, data, content_type=content_type),
    )


def url(attachment, what="", complaint=None):
    pk = (complaint or attachment.complaint).pk
    return f"/complaints/{pk}/files/{attachment.pk}/{what}"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def photo(world):
    complaint = world.complaint()
    return attach(world, complaint, PHOTO_NAME, jpeg(), "image/jpeg")


def test_thumbnail_is_a_small_jpeg_made_once(client, world, photo, settings):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get(url(photo, "thumbnail.jpg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    with Image.open(BytesIO(body_of(response))) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 320 and thumb.size == (320, 240)
    cached = list((settings.MEDIA_ROOT / "thumbnails").rglob("*.jpg"))
    assert len(cached) == 1
    # The second time it comes from the disk, not from decoding the photo again.
    cached[0].write_bytes(jpeg((10, 10)))
    with Image.open(BytesIO(body_of(client.get(url(photo, "thumbnail.jpg"))))) as again:
        assert again.size == (10, 10)


def test_thumbnail_follows_the_exif_orientation(client, world):
    complaint = world.complaint()
    sideways = attach(world, complaint, "竖拍.jpg", jpeg((640, 480), orientation=6))
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get(url(sideways, "thumbnail.jpg"))
    with Image.open(BytesIO(body_of(response))) as thumb:
        assert thumb.size == (240, 320)  # turned upright: portrait


def test_png_with_transparency_gets_a_white_background(client, world):
    complaint = world.complaint()
    out = BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(out, "PNG")
    png = attach(world, complaint, "screenshot.png", out.getvalue())
    client.force_login(world.user(Role.FRONTLINE))
    with Image.open(BytesIO(body_of(client.get(url(png, "thumbnail.jpg"))))) as thumb:
        assert thumb.getpixel((50, 25))[0] > 240


def test_full_size_view_is_inline_with_the_type_from_the_name(client, world, photo):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get(url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == photo.file.open("rb").read()


def test_download_keeps_the_chinese_name(client, world, photo):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get(url(photo, "download/"))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(PHOTO_NAME)}" in disposition
    assert 'filename="file.jpg"' in disposition  # for clients without filename*
    assert body_of(response) == photo.file.open("rb").read()


def test_pdf_opens_in_the_browser_and_downloads(client, world):
    complaint = world.complaint()
    pdf = attach(world, complaint, "维修单.pdf", PDF, "application/pdf")
    client.force_login(world.user(Role.FRONTLINE))
    view = client.get(url(pdf))
    assert view.status_code == 200
    assert view["Content-Type"] == "application/pdf"
    assert view["Content-Disposition"].startswith("inline;")
    assert "Content-Security-Policy" not in view  # Chromium shows no PDF in a sandbox
    download = client.get(url(pdf, "download/"))
    assert download["Content-Disposition"].startswith("attachment;")
    assert quote("维修单.pdf") in download["Content-Disposition"]
    assert client.get(url(pdf, "thumbnail.jpg")).status_code == 404


def test_the_claimed_type_is_not_trusted(client, world):
    complaint = world.complaint()
    # A photo whose upload claimed text/html, and a Word file: neither shows as a web page.
    fake = attach(world, complaint, "x.jpg", jpeg(), "text/html")
    word = attach(world, complaint, "说明.docx", b"PK\x03\x04", "text/html")
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get(url(fake))["Content-Type"] == "image/jpeg"
    response = client.get(url(word))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_corrupt_image_has_no_thumbnail_and_is_tried_once(client, world, settings):
    complaint = world.complaint()
    broken = attach(world, complaint, "坏图.jpg", jpeg()[:200], "image/jpeg")
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get(url(broken, "thumbnail.jpg")).status_code == 404
    assert len(list((settings.MEDIA_ROOT / "thumbnails").rglob("*.none"))) == 1
    assert client.get(url(broken, "thumbnail.jpg")).status_code == 404
    # The file itself is still there to view and download.
    assert client.get(url(broken)).status_code == 200
    assert client.get(url(broken, "download/")).status_code == 200


def test_missing_file_on_disk_is_404(client, world, photo):
    photo.file.storage.delete(photo.file.name)
    client.force_login(world.user(Role.FRONTLINE))
    for what in ("", "download/", "thumbnail.jpg"):
        assert client.get(url(photo, what)).status_code == 404


@pytest.mark.parametrize("what", ["", "download/", "thumbnail.jpg"])
def test_scope_like_the_complaint_page(client, world, photo, what):
    client.force_login(world.other_users[Role.DIRECTOR])
    assert client.get(f"/complaints/{photo.complaint.pk}/").status_code == 404
    assert client.get(url(photo, what)).status_code == 404
    # A file of complaint A asked for under complaint B, which the user may see.
    other = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get(url(photo, what, complaint=other)).status_code == 404
    assert client.get(f"/complaints/{photo.complaint.pk}/files/99999999/{what}").status_code == 404
    too_big = f"/complaints/{photo.complaint.pk}/files/{10**30}/{what}"
    assert client.get(too_big).status_code == 404
    # The group centre sees every branch, so their files too.
    client.force_login(world.user(Role.GROUP))
    assert client.get(url(photo, what)).status_code == 200


@pytest.mark.parametrize("what", ["", "download/", "thumbnail.jpg"])
def test_anonymous_is_sent_to_login(client, photo, what):
    response = client.get(url(photo, what))
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")


def test_only_get_and_head(client, world, photo):
    client.force_login(world.user(Role.FRONTLINE))
    assert client.post(url(photo, "download/")).status_code == 405


def test_complaint_page_with_a_photo_a_pdf_and_a_corrupt_image_for_every_role(client, world):
    """Before, any attachment made the complaint page answer 500 for everybody."""
    complaint = world.complaint()
    photo = attach(world, complaint, PHOTO_NAME, jpeg(), "image/jpeg")
    pdf = attach(world, complaint, "维修单.pdf", PDF, "application/pdf")
    broken = attach(
        world, complaint, "坏图.png", b"\x89PNG\r\n\x1a\n but then not a png at all", "image/png"
    )
    seen_by = []
    for role, user in world.users.items():
        client.force_login(user)
        response = client.get(f"/complaints/{complaint.pk}/")
        if not complaints_visible_to(user).filter(pk=complaint.pk).exists():
            assert response.status_code == 404, role
            continue
        seen_by.append(role)
        assert response.status_code == 200, role
        body = response.content.decode()
        assert f'src="{url(photo, "thumbnail.jpg")}"' in body
        assert f'href="{url(photo)}"' in body and f'href="{url(photo, "download/")}"' in body
        assert f'href="{url(pdf)}"' in body and f'href="{url(pdf, "download/")}"' in body
        assert f'href="{url(broken, "download/")}"' in body
        assert url(pdf, "thumbnail.jpg") not in body
        assert url(broken, "thumbnail.jpg") not in body  # a plain link, no broken image
        for name in (PHOTO_NAME, "维修单.pdf", "坏图.png"):
            assert name in body
    assert {Role.FRONTLINE, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP} <= set(seen_by)


def test_complaint_page_queries_do_not_grow_with_the_files(
    client, world, django_assert_max_num_queries
):
    complaint = world.complaint()
    for n in range(6):
        attach(world, complaint, f"照片{n}.jpg", jpeg((64, 48)), "image/jpeg")
    client.force_login(world.user(Role.FRONTLINE))
    with django_assert_max_num_queries(30):
        assert client.get(f"/complaints/{complaint.pk}/").status_code == 200


def test_complaint_page_in_chinese_labels_the_files(client, world, photo):
    client.force_login(world.user(Role.FRONTLINE))
    body = client.get(f"/complaints/{photo.complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = body.content.decode()
    assert "原图" in text and "下载" in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", b"MZ", "不接受“exe”类型的文件"),
        ("大照片.jpg", b"x" * 2048, "最多接受"),
    ],
)
def test_refused_upload_shows_the_translated_reason(client, world, name, data, message):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    with override_settings(KESU_ATTACHMENT_MAX_BYTES=1024):
        response = client.post(
            f"/complaints/{complaint.pk}/files/",
            {"file": SimpleUploadedFile(name, data)},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
            follow=True,
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not complaint.attachments.exists()


def test_upload_with_a_very_long_chinese_name(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    name = "车门" * 120 + ".jpg"  # 720 bytes of UTF-8: more than a file system allows
    response = client.post(
        f"/complaints/{complaint.pk}/files/",
        {"file": SimpleUploadedFile(name, jpeg((32, 32)))},
        follow=True,
    )
    assert response.status_code == 200
    attachment = complaint.attachments.get()
    assert client.get(url(attachment, "thumbnail.jpg")).status_code == 200


def test_too_long_description_is_refused_with_a_message(client, world):
    # The column holds 300 characters; PostgreSQL would fail the insert with a 500.
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(
        f"/complaints/{complaint.pk}/files/",
        {"file": SimpleUploadedFile("门.jpg", jpeg((32, 32))), "description": "划" * 301},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert response.status_code == 200
    assert "文件说明最多 300 个字符。" in response.content.decode()
    assert not complaint.attachments.exists()


def test_uploads_are_never_served_by_address_without_the_access_check():
    # Files go out only through the file pages above; no /media/ route, not even in DEBUG.
    from django.urls import Resolver404, resolve

    from kesu import urls

    assert not any(str(p.pattern).startswith("media") for p in urls.urlpatterns)
    with pytest.raises(Resolver404):
        resolve("/media/complaints/1/KS-2026-000006/photo.jpg")


def test_a_file_without_an_extension_is_told_so(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(
        f"/complaints/{complaint.pk}/files/",
        {"file": SimpleUploadedFile("扫描件", b"%PDF-1.4")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    body = response.content.decode()
    assert "该文件没有扩展名" in body and "“?”" not in body
    assert not complaint.attachments.exists()


@pytest.mark.parametrize(
    ("size", "limit", "shown"),
    [
        (21_000_004, 20 * 1048576, ("20.03 MB", "20.00 MB")),  # one decimal would read 20.0 twice
        (30 * 1048576, 20 * 1048576, ("30.0 MB", "20.0 MB")),
        (20 * 1048576 + 1, 20 * 1048576, ("20,971,521 字节", "20,971,520 字节")),
    ],
)
def test_a_too_large_file_is_told_in_sizes_that_differ(world, size, limit, shown):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    complaint = world.complaint()
    upload = SimpleUploadedFile("大照片.jpg", b"x")
    upload.size = size
    with (
        override_settings(KESU_ATTACHMENT_MAX_BYTES=limit),
        translation.override("zh-hans"),
        pytest.raises(ValidationError) as refused,
    ):
        complaint_attach(complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), upload=upload)
    message = refused.value.message_dict["file"][0]
    assert message == f"文件大小为 {shown[0]}，最多接受 {shown[1]}。"
