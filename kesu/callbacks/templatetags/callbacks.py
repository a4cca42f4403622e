from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 0) -> str:
    """0.1234 → "12%" (or "12.3%" with digits=1); None → "—"."""
    if value is None or value == "":
        return "—"
    number = float(value) * 100
    text = f"{number:.{int(digits)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
