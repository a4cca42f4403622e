"""The report's charts as SVG drawn on the server: the same picture in the browser and in the
PDF (WeasyPrint draws SVG), no script, nothing fetched, Chinese labels in the page's font.

Each function takes plain numbers and labels and returns the SVG markup; every text in it is
escaped. The tables beside each chart carry the same figures for those who read numbers.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#2f6db5"
LATE = "#c0392b"
PENDING = "#b8c4d3"
LINE = "#e08a00"
GRID = "#d9dee5"
TEXT = "#38414d"
FONT = 'font-family="inherit" font-size="12"'


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 — built from escaped texts and numbers only
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x, y, text, anchor="start", extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT}" {FONT} {extra}>'
        f"{escape(text)}</text>"
    )


def horizontal_bars(items: list[tuple[str, int]], title: str, width: int = 560) -> SafeString:
    """One bar per (label, value), longest first as given."""
    row, label_w, top = 22, 190, 6
    height = top + row * max(len(items), 1) + 4
    peak = max((v for _l, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = (width - label_w - 60) * value / peak
        short = label if len(label) <= 16 else label[:15] + "…"
        body.append(_text(label_w - 6, y + 14, short, "end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row - 8}" '
            f'fill="{BAR}" rx="2"/>'
        )
        body.append(_text(label_w + length + 5, y + 14, f"{value:,}"))
    return _svg(width, height, body, title)


def columns(items: list[tuple[str, int]], title: str, width: int = 560) -> SafeString:
    """Vertical bars over time (the trend), labels under each bar."""
    height, bottom, top = 190, 34, 16
    n = max(len(items), 1)
    slot = (width - 20) / n
    peak = max((v for _l, v in items), default=0) or 1
    body = [f'<line x1="10" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
            f'stroke="{GRID}"/>']  # fmt: skip
    for i, (label, value) in enumerate(items):
        h = (height - bottom - top) * value / peak
        x = 10 + i * slot
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{height - bottom - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{max(h, 0.5):.1f}" fill="{BAR}" rx="2"/>'
        )
        body.append(_text(x + slot / 2, height - bottom - h - 4, f"{value:,}", "middle"))
        body.append(_text(x + slot / 2, height - bottom + 15, label[-5:], "middle"))
    return _svg(width, height, body, title)


def pareto(items: list[tuple[str, int, float]], title: str, line: int = 80,
           width: int = 560) -> SafeString:  # fmt: skip
    """Bars of (label, count, cumulative per cent), largest first, the cumulative share as a
    line against the right-hand scale and the `line` per cent mark dashed across."""
    items = items[:12]
    height, bottom, top, side = 230, 70, 14, 34
    n = max(len(items), 1)
    slot = (width - 2 * side) / n
    peak = max((c for _l, c, _p in items), default=0) or 1
    plot = height - bottom - top
    y_line = top + plot * (1 - line / 100)
    body = [
        f'<line x1="{side}" y1="{height - bottom}" x2="{width - side}" y2="{height - bottom}" '
        f'stroke="{GRID}"/>',
        f'<line x1="{side}" y1="{y_line:.1f}" x2="{width - side}" y2="{y_line:.1f}" '
        f'stroke="{LINE}" stroke-dasharray="4 3"/>',
        _text(width - side + 3, y_line + 4, f"{line}%"),
    ]
    points = []
    for i, (label, count, cumulative) in enumerate(items):
        x = side + i * slot
        h = plot * count / peak
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{height - bottom - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{max(h, 0.5):.1f}" fill="{BAR}" rx="2"/>'
        )
        body.append(_text(x + slot / 2, height - bottom - h - 4, f"{count:,}", "middle"))
        short = label if len(label) <= 8 else label[:7] + "…"
        body.append(
            _text(x + slot / 2, height - bottom + 12, short, "end",
                  f'transform="rotate(-35 {x + slot / 2:.1f} {height - bottom + 12:.1f})"')
        )  # fmt: skip
        points.append(f"{x + slot / 2:.1f},{top + plot * (1 - min(cumulative, 100) / 100):.1f}")
    if points:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        )
    return _svg(width, height, body, title)


def stacked(items: list[tuple[str, int, int, int]], title: str, width: int = 560) -> SafeString:
    """Per (label, on time, late, pending): one bar split into its three parts, with the
    on-time share written after it."""
    row, label_w, top = 26, 150, 6
    height = top + row * max(len(items), 1) + 4
    span = width - label_w - 70
    body = []
    for i, (label, on_time, late, pending) in enumerate(items):
        y = top + i * row
        total = on_time + late + pending
        body.append(_text(label_w - 6, y + 15, label, "end"))
        x = float(label_w)
        for value, colour in ((on_time, BAR), (late, LATE), (pending, PENDING)):
            w = span * value / total if total else 0
            if w:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 9}" '
                    f'fill="{colour}"/>'
                )
            x += w
        decided = on_time + late
        share = f"{100 * on_time / decided:.0f}%" if decided else "—"
        body.append(_text(label_w + span + 6, y + 15, share))
    return _svg(width, height, body, title)
