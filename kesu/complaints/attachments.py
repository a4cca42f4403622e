"""Files of a complaint as the workspace shows them: thumbnails, inline views, download names.

Attachments never change after upload, so a thumbnail made once is good for ever. Thumbnails
live in the attachments' storage under ``thumbnails/`` (next to the uploads: MEDIA_ROOT or the
object store, see KESU_MEDIA_STORAGE; only the storage API is used, never a path);
an image Pillow cannot read leaves an empty marker there, so it is tried only once.
"""

import logging
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from urllib.parse import quote

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from kesu.complaints.models import Attachment

log = logging.getLogger(__name__)

THUMBNAIL_BOX = (320, 320)  # twice the size shown on the page, for sharp high-density screens
THUMBNAIL_QUALITY = 82

# The types a browser may show in the page's own window, by the file's extension (the type
# the uploading client claimed is not trusted). Anything else is only ever downloaded.
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}
INLINE_TYPES = {
    **IMAGE_TYPES,
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}


def extension_of(attachment: Attachment) -> str:
    return PurePath(attachment.original_name).suffix.lower().lstrip(".")


def inline_type(attachment: Attachment) -> str | None:
    """The content type to show the file with in the browser, or None: download only."""
    return INLINE_TYPES.get(extension_of(attachment))


def is_pdf(attachment: Attachment) -> bool:
    return extension_of(attachment) == "pdf"


@dataclass(frozen=True)
class Preview:
    """How the page shows one file: a thumbnail (readable photos) or a link."""

    attachment: Attachment
    has_thumbnail: bool
    can_view: bool


def preview(attachment: Attachment) -> Preview:
    return Preview(
        attachment=attachment,
        has_thumbnail=thumbnail_name(attachment) is not None,
        can_view=inline_type(attachment) is not None,
    )


def _thumbnail_base(attachment: Attachment) -> str:
    # The digest in the name: a restored database never meets another file's thumbnail.
    org = attachment.complaint.organisation_id if attachment.complaint_id else 0
    return f"thumbnails/{org}/{attachment.pk}-{attachment.sha256[:16]}"


def thumbnail_name(attachment: Attachment) -> str | None:
    """The storage name of the photo's thumbnail, made now if missing; None if there is none."""
    if extension_of(attachment) not in IMAGE_TYPES:
        return None
    storage = attachment.file.storage
    base = _thumbnail_base(attachment)
    name, failed = f"{base}.jpg", f"{base}.none"
    if storage.exists(name):
        return name
    if storage.exists(failed) or not storage.exists(attachment.file.name):
        return None
    data = _make_thumbnail(attachment)
    if data is None:
        storage.save(failed, ContentFile(b""))
        return None
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Another request made the same thumbnail meanwhile; keep theirs.
        storage.delete(saved)
    return name


def _make_thumbnail(attachment: Attachment) -> bytes | None:
    try:
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            # JPEG decodes straight to a smaller scale, so a 12-megapixel photo stays cheap.
            image.draft("RGB", (THUMBNAIL_BOX[0] * 2, THUMBNAIL_BOX[1] * 2))
            # Phones store photos sideways and note the turn in EXIF.
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_BOX)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            elif image.mode != "RGB":
                image = image.convert("RGB")
            out = BytesIO()
            image.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
            return out.getvalue()
    except Exception as exc:
        # A broken or hostile upload (Pillow raises many kinds of errors for those): the page
        # shows a plain link to it instead.
        log.info("No thumbnail for attachment %s: %s", attachment.pk, exc)
        return None


def shorten_file_name(name: str, *, max_chars: int = 200, max_bytes: int | None = None) -> str:
    """The name cut to fit, keeping its extension (which decides how the file is shown)."""
    path = PurePath(name)
    suffix = path.suffix if len(path.suffix) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name

    def fits(text: str) -> bool:
        return len(text) <= max_chars and (max_bytes is None or len(text.encode()) <= max_bytes)

    while stem and not fits(stem + suffix):
        stem = stem[:-1]
    return f"{stem or 'file'}{suffix}"


def stored_file_name(name: str) -> str:
    """The name to keep the upload under on disk, short enough for any file system.

    File systems take at most 255 bytes per name and a Chinese character is 3 bytes of UTF-8;
    the full original name stays in ``Attachment.original_name``.
    """
    return shorten_file_name(name, max_bytes=120)


def _ascii_fallback(name: str) -> str:
    """The name in plain ASCII, e.g. for 客户来信.pdf "file.pdf"; safe inside quotes."""
    path = PurePath(name)
    suffix = path.suffix if path.suffix.isascii() and path.suffix[1:].isalnum() else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in decomposed).strip(" ._")
    return f"{cleaned if cleaned.strip('_') else 'file'}{suffix}"


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The Content-Disposition header that keeps the original (e.g. Chinese) file name.

    ``filename*`` (RFC 5987/6266) carries the name in UTF-8 for every current browser;
    ``filename`` is an ASCII stand-in for clients that know only that one (curl -J).
    """
    disposition = "inline" if inline else "attachment"
    return (
        f'{disposition}; filename="{_ascii_fallback(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


# What the first bytes of a file of each accepted type look like. A file whose content does not
# match its name (an executable called photo.jpg, a web page called scan.pdf) is refused.
def _at(offset: int, *signatures: bytes):
    return lambda head: any(head[offset : offset + len(s)] == s for s in signatures)


def _iso_media(head: bytes) -> bool:  # MP4, MOV, M4A, HEIC: a box of type "ftyp" first
    return head[4:8] == b"ftyp" or head[4:8] in (b"moov", b"mdat", b"wide", b"free")


def _riff(kind: bytes):
    return lambda head: head[:4] == b"RIFF" and head[8:12] == kind


def _mp3(head: bytes) -> bool:
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return False
    return True


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Word and Excel files
_ZIP = b"PK\x03\x04"  # .docx and .xlsx are zip packages
_PHOTO_SIGNATURES = [
    _at(0, b"\xff\xd8\xff"),  # JPEG
    _at(0, b"\x89PNG\r\n\x1a\n"),
    _at(0, b"GIF87a", b"GIF89a"),
    _riff(b"WEBP"),
    _iso_media,  # HEIC
]


def _photo(head: bytes) -> bool:
    # Phones and chat apps often name a PNG screenshot .jpg: any photo format is a photo.
    return any(check(head) for check in _PHOTO_SIGNATURES)


CONTENT_SIGNATURES = {
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp", "heic"), _photo),
    "pdf": lambda head: b"%PDF-" in head[:1024],
    "txt": _text,
    "doc": _at(0, _OLE),
    "xls": _at(0, _OLE),
    "docx": _at(0, _ZIP),
    "xlsx": _at(0, _ZIP),
    "mp3": _mp3,
    "m4a": _iso_media,
    "amr": _at(0, b"#!AMR"),
    "wav": _riff(b"WAVE"),
    "mp4": _iso_media,
    "mov": _iso_media,
}
# Programs are refused whatever they are called.
EXECUTABLE = _at(0, b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
SNIFF_BYTES = 2048


def content_matches(extension: str, head: bytes) -> bool:
    """Whether a file's first bytes fit its extension (types without a known signature pass)."""
    if EXECUTABLE(head) and not (extension == "amr" and head.startswith(b"#!AMR")):
        return False
    check = CONTENT_SIGNATURES.get(extension)
    return check is None or check(head)
