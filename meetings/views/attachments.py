"""Serving uploaded files: never straight from disk, always through a permission check.

The public address answers only for a file marked public of a published
meeting (``Attachment.objects.public()``); the staff address only for files of
meetings the user may open, or that they uploaded. Both send the stored
content type with ``nosniff`` and a ``Content-Disposition``, and forbid the
file from running anything if a browser opens it directly.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ..models import Attachment
from .staff import staff_required

# A file opened on its own may not run scripts, load anything, or be framed.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _serve(attachment, *, cache):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        # Photos open in the browser; documents are downloaded.
        as_attachment=not attachment.is_image,
        filename=attachment.download_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = cache
    return response


@require_safe
def public_attachment(request, key):
    attachment = get_object_or_404(Attachment.objects.public(), key=key)
    # Short: an unpublished meeting's files must stop being served soon after.
    return _serve(attachment, cache="public, max-age=300")


@require_safe
@staff_required
def staff_attachment(request, key):
    attachment = get_object_or_404(Attachment.objects.for_user(request.user), key=key)
    return _serve(attachment, cache="private, no-store")
