"""The file_preview filter of the complaint page's "Files and photos" section."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from kesu.complaints.services import complaint_attach
from kesu.complaints.templatetags.complaint_files import file_preview
from kesu.organisation.choices import Role

TEMPLATE = Template(
    "{% load complaint_files %}{% with p=file|file_preview %}"
    "{{ p.attachment.original_name }}:{{ p.has_thumbnail|yesno:'thumb,link' }}:"
    "{{ p.can_view|yesno:'view,download' }}{% endwith %}"
)


def _attach(world, name, data):
    complaint = world.complaint()
    return complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
    )


def _jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (60, 40), (0, 0, 200)).save(out, "JPEG")
    return out.getvalue()


def test_a_photo_shows_as_a_thumbnail_that_opens_in_the_browser(world):
    photo = _attach(world, "划痕.jpg", _jpeg())
    preview = file_preview(photo)
    assert preview.attachment == photo
    assert preview.has_thumbnail and preview.can_view
    assert TEMPLATE.render(Context({"file": photo})) == "划痕.jpg:thumb:view"


def test_a_pdf_is_a_link_that_opens_and_a_document_one_that_downloads(world):
    pdf = _attach(world, "报告.pdf", b"%PDF-1.4\n%%EOF\n")
    document = _attach(world, "报告.docx", b"PK\x03\x04\x14\x00")
    assert TEMPLATE.render(Context({"file": pdf})) == "报告.pdf:link:view"
    assert TEMPLATE.render(Context({"file": document})) == "报告.docx:link:download"
