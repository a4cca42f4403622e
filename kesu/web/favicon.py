"""Kesu's icon: static/web/favicon.svg for browsers that take SVG, favicon.ico for the rest.

The .ico is drawn with Pillow from the same shapes as the SVG (regenerate it with
``python -m kesu.web.favicon`` after changing them); ``/favicon.ico``, which browsers ask for
on their own, answers with that file.
"""

from pathlib import Path

from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw

ICO = Path(__file__).resolve().parent / "static" / "web" / "favicon.ico"
BRAND = "#0f5c8c"  # --brand in kesu.css
SIZES = (16, 32, 48)


def draw(size: int) -> Image.Image:
    """The icon at size × size pixels: the SVG's 64-unit grid drawn at 1024 px, then reduced."""
    k = 16
    image = Image.new("RGBA", (64 * k, 64 * k), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, 64 * k - 1, 64 * k - 1), radius=14 * k, fill=BRAND)
    pen.rounded_rectangle((10 * k, 14 * k, 54 * k, 45 * k), radius=5 * k, fill="white")
    pen.polygon([(20 * k, 44 * k), (31 * k, 44 * k), (20 * k, 54 * k)], fill="white")
    for y, right in ((25, 44), (34, 35)):
        pen.rounded_rectangle(
            ((20 - 2.5) * k, (y - 2.5) * k, (right + 2.5) * k, (y + 2.5) * k),
            radius=2.5 * k,
            fill=BRAND,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_ico(path: Path = ICO) -> None:
    draw(max(SIZES)).save(path, format="ICO", sizes=[(s, s) for s in SIZES])


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    return FileResponse(ICO.open("rb"), content_type="image/x-icon")


if __name__ == "__main__":
    write_ico()
