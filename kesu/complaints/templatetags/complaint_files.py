"""The "Files and photos" section of the complaint page."""

from django import template

from kesu.complaints.attachments import Preview, preview

register = template.Library()


@register.filter
def file_preview(attachment) -> Preview:
    """Whether the file shows as a thumbnail (readable photos) and may open in the browser."""
    return preview(attachment)
