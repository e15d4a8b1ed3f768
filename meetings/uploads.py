"""Checking uploaded files by what they contain, not by what they are called.

A file is accepted only when its first bytes are those of a PDF, JPEG, PNG or
WebP file, its name ends with an extension of that same type, and it is no
larger than ``settings.SANAD_MAX_UPLOAD_SIZE``. Anything else is refused with a
message the uploader can act on.
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF, JPEG, PNG, WEBP = "application/pdf", "image/jpeg", "image/png", "image/webp"

# The extension a stored file gets for each accepted type, and every extension a name may end with.
STORED_EXTENSION = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", WEBP: ".webp"}
ACCEPTED_EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg"}, PNG: {".png"}, WEBP: {".webp"}}
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", WEBP: "WebP"}

# What an <input type=file> may offer; the server checks again regardless.
ACCEPT_ATTRIBUTE = ",".join(sorted({ext for exts in ACCEPTED_EXTENSIONS.values() for ext in exts} | set(TYPE_NAMES)))


def extension_for(content_type):
    return STORED_EXTENSION.get(content_type, "")


def sniff(head):
    """The content type that the first bytes of a file announce, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def max_upload_size():
    return settings.SANAD_MAX_UPLOAD_SIZE


def check_upload(uploaded):
    """Return the content type of ``uploaded`` (a Django ``UploadedFile``) or raise ``ValidationError``."""
    limit = max_upload_size()
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s MB."),
            code="too_large",
            params={"limit": f"{limit / (1024 * 1024):g}"},
        )
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(position)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _("This file is not a PDF, JPEG, PNG or WebP file. Only these kinds of file can be attached."),
            code="unknown_type",
        )
    extension = PurePath(uploaded.name or "").suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS[content_type]:
        raise ValidationError(
            _("The file's name ends in “%(extension)s” but its content is a %(kind)s file. Choose the right file or rename it."),
            code="extension_mismatch",
            params={"extension": extension or _("no extension"), "kind": TYPE_NAMES[content_type]},
        )
    return content_type
