"""The icon browsers ask for on every page, and the other files the pages' heads point at."""

import re
from io import BytesIO
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

from kesu.organisation.choices import Role
from kesu.web.favicon import ICO, SIZES, draw


def test_favicon_ico_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    with Image.open(BytesIO(b"".join(response.streaming_content))) as icon:
        assert icon.format == "ICO"
        assert {(s, s) for s in SIZES} <= icon.info["sizes"]
    assert client.head("/favicon.ico").status_code == 200


def test_the_ico_is_drawn_from_the_svg_shapes():
    svg = ElementTree.parse(settings.BASE_DIR / "kesu/web/static/web/favicon.svg").getroot()
    assert svg.get("viewBox") == "0 0 64 64"
    with Image.open(ICO) as icon:
        icon.size = (32, 32)
        shipped = icon.convert("RGBA")
    fresh = draw(32)
    # Same picture: the brand blue in the corner area, the white bubble in the middle.
    for xy in ((4, 16), (16, 16), (10, 20)):
        assert (
            max(abs(a - b) for a, b in zip(shipped.getpixel(xy), fresh.getpixel(xy), strict=True))
            < 8
        )


def test_every_file_a_page_head_points_at_exists(client, world):
    """Icon, style sheet, scripts: a 404 for any of them shows in every browser's console."""
    signed_out = client.get("/login/").content.decode()
    client.force_login(world.user(Role.FRONTLINE))
    signed_in = client.get("/").content.decode()
    for html in (signed_out, signed_in):
        head = html.split("</head>")[0]
        assets = re.findall(r'(?:href|src)="/static/([^"]+)"', head)
        assert "web/favicon.svg" in assets and "web/favicon.ico" in assets
        for asset in assets:
            assert finders.find(asset), asset
