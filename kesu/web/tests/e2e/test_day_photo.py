"""A photo of the defect in the browser: attach it, see the thumbnail, open it, download it."""

from io import BytesIO

from PIL import Image

from kesu.complaints.selectors import complaints_visible_to
from kesu.organisation.models import User
from kesu.web.tests.e2e.conftest import screenshot

PHOTO_NAME = "左前门划痕.jpg"


def photo_file(tmp_path):
    image = Image.new("RGB", (1200, 900), (180, 190, 200))
    for x in range(300, 900):  # a dark scratch across the door
        for y in range(440, 460):
            image.putpixel((x, y), (40, 40, 40))
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    path = tmp_path / PHOTO_NAME
    path.write_bytes(out.getvalue())
    return path


def test_frontline_attaches_a_photo_views_and_downloads_it(sign_in, demo, tmp_path):
    frontline = sign_in("frontline")
    complaint = complaints_visible_to(User.objects.get(username="frontline")).order_by("id").first()
    assert complaint is not None
    page_url = f"{demo.url}/complaints/{complaint.pk}/"
    frontline.goto(page_url)

    upload = frontline.locator("form[action$='/files/']")
    upload.locator("input[type=file]").set_input_files(str(photo_file(tmp_path)))
    upload.locator("input[name=description]").fill("左前门的划痕")
    with frontline.expect_navigation():
        upload.locator("button[type=submit]").click()
    assert frontline.url == page_url
    assert "文件已添加" in frontline.inner_text(".messages")

    # The thumbnail: a small image the server made, actually loaded by the browser.
    attachment = complaint.attachments.get(original_name=PHOTO_NAME)
    item = frontline.locator(".files .file", has_text=PHOTO_NAME)
    thumb = item.locator(".thumb img")
    thumb.wait_for()
    frontline.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    natural = thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [320, 240]
    assert PHOTO_NAME in frontline.inner_text(".files")
    screenshot(frontline, "complaint-photo")

    # Full size in a new tab: the original photo, not the thumbnail.
    with frontline.context.expect_page() as opened:
        item.locator(".thumb").click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.endswith(f"/complaints/{complaint.pk}/files/{attachment.pk}/")
    size = full.evaluate(
        "() => { const i = document.images[0]; return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert size == [1200, 900]
    full.close()

    # Download: the browser saves it under the original Chinese name, byte for byte.
    with frontline.expect_download() as downloading:
        item.get_by_role("link", name="下载").click()
    download = downloading.value
    assert download.suggested_filename == PHOTO_NAME
    saved = tmp_path / "downloaded.jpg"
    download.save_as(saved)
    assert saved.read_bytes() == (tmp_path / PHOTO_NAME).read_bytes()
