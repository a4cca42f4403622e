"""Attachments in a store that is not a disk: everything goes through Django's storage API.

Several app servers share attachments through an object store (KESU_MEDIA_STORAGE=s3). Here the
default storage is Django's own InMemoryStorage, a real storage with no file on any disk: a
code path that used `.path`, `open()` on MEDIA_ROOT or any other filesystem call would fail.
"""

from io import BytesIO

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader
from rest_framework.test import APIClient

from kesu.complaints.attachments import thumbnail_name
from kesu.complaints.services import complaint_attach
from kesu.complaints.tests.pages.test_views_files import PDF, PHOTO_NAME, body_of, jpeg, url
from kesu.organisation.choices import Role


@pytest.fixture
def in_memory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "no-such-disk"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    yield
    # Nothing was written to the disk where a filesystem storage would have put it.
    assert not settings.MEDIA_ROOT.exists()


def test_upload_view_download_thumbnail_and_pdf_work_without_a_disk(client, world, in_memory):
    complaint = world.complaint()
    photo_bytes = jpeg()
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(
        f"/complaints/{complaint.pk}/files/",
        {"file": SimpleUploadedFile(PHOTO_NAME, photo_bytes, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    photo = complaint.attachments.get()
    assert isinstance(photo.file.storage, InMemoryStorage)
    assert photo.file.storage.exists(photo.file.name)
    assert photo.file.size == len(photo_bytes) == photo.size
    pdf = complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile("维修单.pdf", PDF, content_type="application/pdf"),
    )

    # The complaint page shows the photo's thumbnail, made and kept in the same store.
    page = client.get(f"/complaints/{complaint.pk}/")
    assert page.status_code == 200
    assert url(photo, "thumbnail.jpg") in page.content.decode()
    assert body_of(client.get(url(photo))) == photo_bytes
    assert body_of(client.get(url(photo, "download/"))) == photo_bytes
    assert body_of(client.get(url(pdf, "download/"))) == PDF
    thumb = client.get(url(photo, "thumbnail.jpg"))
    assert thumb.status_code == 200 and body_of(thumb)[:3] == b"\xff\xd8\xff"
    assert photo.file.storage.exists(thumbnail_name(photo))

    # The API's download reads the same store.
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.user(Role.FRONTLINE))
    download = api.get(f"/api/v1/complaints/{complaint.pk}/attachments/{photo.pk}/download/")
    assert download.status_code == 200 and body_of(download) == photo_bytes

    # The printed handling form of a complaint with files.
    printed = client.get(f"/complaints/{complaint.pk}/print/form.pdf")
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    content = body_of(printed) if printed.streaming else printed.content
    text = PdfReader(BytesIO(content)).pages[0].extract_text()
    assert complaint.number in text.replace(" ", "")


def test_a_file_deleted_from_the_store_is_a_404_everywhere(client, world, in_memory):
    complaint = world.complaint()
    photo = complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile(PHOTO_NAME, jpeg(), content_type="image/jpeg"),
    )
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get(url(photo, "thumbnail.jpg")).status_code == 200
    storage = photo.file.storage
    thumbnail = thumbnail_name(photo)
    photo.file.delete(save=False)  # through the storage, as an expiry or a restore would
    storage.delete(thumbnail)
    assert not storage.exists(thumbnail)
    photo.refresh_from_db()
    assert not storage.exists(photo.file.name)
    for what in ("", "download/"):
        assert client.get(url(photo, what)).status_code == 404
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(world.user(Role.FRONTLINE))
    assert (
        api.get(f"/api/v1/complaints/{complaint.pk}/attachments/{photo.pk}/download/").status_code
        == 404
    )
    # No photo left to make a thumbnail of: none is made, and the page still shows.
    assert client.get(url(photo, "thumbnail.jpg")).status_code == 404
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200
