"""Checking uploaded files by what they contain, not by what they are called.

A file is accepted only when its first bytes are those of a PDF, JPEG, PNG or
WebP file, its name ends with an extension of that same type, and it is no
larger than ``settings.SANAD_MAX_UPLOAD_SIZE``. Anything else is refused with a
message the uploader can act on.

Images are then decoded and encoded again (Pillow), after turning them upright as
their EXIF orientation says: what is stored and served is the picture only, without
its EXIF (GPS position, phone model, date), XMP, comments or ICC profile (converted to
sRGB first). An image that cannot be decoded is refused.
"""

import io
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.signals import pre_save
from django.dispatch import receiver
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
    if content_type in PILLOW_FORMATS:
        clean_image(uploaded, content_type)
    return content_type


# --- Images without metadata ----------------------------------------------------------

PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# Larger pictures are refused rather than decoded (a "decompression bomb" is a tiny file
# that decodes to gigabytes). 60 megapixels is more than any phone camera makes.
MAX_IMAGE_PIXELS = 60_000_000
_CLEANED = "_sanad_cleaned_image"


def _unreadable():
    return ValidationError(
        _("This image could not be read. Save it again as JPEG, PNG or WebP and attach it again."), code="unreadable_image"
    )


def _to_srgb(image):
    """Apply the embedded colour profile (if any) so that dropping it keeps the colours."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except Exception:  # noqa: BLE001 - a broken profile: keep the pixels as they are
        return image


def reencode_image(data, content_type):
    """The image in ``data`` encoded again in its own format, upright, with no metadata (bytes)."""
    from PIL import Image, ImageOps

    fmt = PILLOW_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.format != fmt or source.width * source.height > MAX_IMAGE_PIXELS:
                    raise _unreadable()
                source.load()
                image = ImageOps.exif_transpose(source)  # a copy, turned as the EXIF orientation says
                image = _to_srgb(image)
                transparency = image.info.get("transparency")
                image.info = {}  # exif, xmp, icc_profile, comments, dpi, text chunks...
                options = {}
                if fmt == "JPEG":
                    if image.mode not in ("RGB", "L"):
                        image = image.convert("RGB")
                    options = {"quality": 90, "optimize": True}
                elif fmt == "PNG":
                    options = {"optimize": True}
                    if transparency is not None:
                        options["transparency"] = transparency
                else:
                    if image.mode not in ("RGB", "RGBA"):
                        image = image.convert("RGBA" if "A" in image.mode or transparency is not None else "RGB")
                    options = {"quality": 90}
                out = io.BytesIO()
                image.save(out, fmt, **options)
                return out.getvalue()
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - any decoding failure is the same answer to the uploader
        raise _unreadable() from error


def clean_image(uploaded, content_type):
    """The re-encoded bytes of the uploaded image (computed once per upload, kept on it)."""
    cleaned = getattr(uploaded, _CLEANED, None)
    if cleaned is None:
        position = uploaded.tell() if hasattr(uploaded, "tell") else 0
        uploaded.seek(0)
        data = uploaded.read()
        uploaded.seek(position)
        cleaned = reencode_image(data, content_type)
        try:
            setattr(uploaded, _CLEANED, cleaned)
        except AttributeError:
            pass
    return cleaned


@receiver(pre_save, sender="meetings.Attachment", dispatch_uid="meetings.uploads.strip_image_metadata")
def strip_image_metadata(sender, instance, **kwargs):
    """Whatever path a new image takes to the disk (workspace, follow-up evidence, admin),
    the re-encoded picture is what gets stored."""
    stored = instance.file
    if not stored or getattr(stored, "_committed", True):
        return  # no new file in this save
    content_type = instance.content_type or sniff(_head(stored))
    if content_type not in PILLOW_FORMATS:
        return
    upload = getattr(stored, "file", stored)
    cleaned = clean_image(upload, content_type)
    instance.file = ContentFile(cleaned, name=stored.name)
    instance.size = len(cleaned)


def _head(stored):
    position = stored.tell()
    stored.seek(0)
    head = stored.read(16)
    stored.seek(position)
    return head
