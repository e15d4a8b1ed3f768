"""Exports of the public lists (CSV, XLSX, JSON) and the whole-dataset download.

``columns`` says what each kind of record exports, ``writers`` writes the formats in bounded
memory, ``dataset`` builds the zip of everything; views call ``export_response``. See
docs/open-data.md.
"""

import math
import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..absolute_urls import site_root
from .columns import KINDS
from .limits import HeldBody, seconds_to_wait, take_slot
from .pages import refused
from .writers import Export, csv_stream, json_stream, write_xlsx

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def applied_filters(form):
    """The filters a (valid) filter form applies, as the files state them."""
    return [
        {
            "name": name,
            "label": str(form.fields[name].label),
            "value": form.data.get(name),
            "display": form.display_value(name, value),
        }
        for name, value in form.valid_data.items()
    ]


def max_rows(file_format):
    """The most rows a download of a list may hold in ``file_format`` (settings, docs/open-data.md)."""
    return settings.EXPORT_MAX_ROWS_XLSX if file_format == "xlsx" else settings.EXPORT_MAX_ROWS


def bounded_count(queryset, limit):
    """The number of rows of ``queryset``, counted up to ``limit + 1`` only (a list of a million
    rows is not counted to the end to be refused)."""
    return queryset.order_by().values("pk")[: limit + 1].count()


def too_many_rows(request, form, file_format, limit, back_url):
    """The refusal of a list larger than a download may hold: narrow it, or take the dataset."""
    message = _(
        "This list holds more than %(limit)s records: a download of a list holds at most %(limit)s "
        "(%(format)s). Narrow the list with its filters (a governorate, a project, a period), or "
        "download the whole dataset, rebuilt every night, from the open data page."
    ) % {"limit": f"{limit:,}", "format": file_format.upper()}
    return refused(request, form, back_url, message, open_data_url=reverse("meetings:open_data"))


def too_many_downloads(request, form, back_url, seconds):
    """The refusal of a client past ``EXPORT_RATE_LIMIT`` (meetings/exports/limits.py)."""
    message = _(
        "You have asked for many downloads in a short time. Try again in %(wait)s; for everything "
        "at once, download the whole dataset from the open data page."
    ) % {"wait": _wait(seconds)}
    return refused(
        request, form, back_url, message, open_data_url=reverse("meetings:open_data"), status=429, retry_after=seconds
    )


def _wait(seconds):
    if seconds < 120:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def downloads_busy(request, form, back_url):
    """The refusal of a large list while every slot is taken (meetings/exports/limits.py)."""
    message = _(
        "Other large downloads are being prepared right now. Try again in a few seconds, narrow "
        "the list with its filters, or download the whole dataset from the open data page."
    )
    return refused(
        request, form, back_url, message, open_data_url=reverse("meetings:open_data"), status=503, retry_after=5
    )


def export_response(request, kind_name, queryset, file_format, *, form=None, source="", back_url=""):
    """The response that downloads ``queryset`` (public rows of ``kind_name``, filtered by
    ``form``) in ``file_format``, or refuses it (nothing read): a client past its rate, a list of
    more than ``max_rows(file_format)`` rows, a large list while no slot is free (limits.py).
    Queries: one bounded count (two for a list that needs a slot) and one read of the rows,
    whatever the number of rows."""
    kind = KINDS[kind_name]
    back_url = back_url or source
    wait = seconds_to_wait(request)
    if wait:
        return too_many_downloads(request, form, back_url, wait)
    limit = max_rows(file_format)
    slot = None
    # Counted up to the slot's threshold first, so that a refusal for want of a slot costs
    # about what a page costs (and a small list is counted once).
    first = min(limit, settings.EXPORT_SLOT_ROWS)
    count = bounded_count(queryset, first)
    if count > first and first < limit:
        slot = take_slot()
        if slot is None:
            return downloads_busy(request, form, back_url)
        count = bounded_count(queryset, limit)
    if count > limit:
        if slot is not None:
            slot.release()
        return too_many_rows(request, form, file_format, limit, back_url)
    try:
        response = _file_response(request, kind, queryset, file_format, form, source, count, slot)
    except BaseException:
        if slot is not None:
            slot.release()
        raise
    # Files, not pages: search engines index the lists instead.
    response["X-Robots-Tag"] = "noindex"
    return response


def _file_response(request, kind, queryset, file_format, form, source, count, slot):
    """The download itself; ``slot`` (if any) is given back once the file is written (XLSX)
    or once the streamed response is closed (CSV, JSON)."""
    export = Export(
        kind=kind,
        queryset=kind.rows(queryset),
        language=(get_language() or "ar").split("-")[0],
        root=site_root(request),
        filters=applied_filters(form) if form is not None else [],
        source=source,
    )
    filename = f"sanad-{kind.name}-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == "xlsx":
        # Built in a temporary file (anonymous: gone when the response closes it), then sent.
        output = tempfile.TemporaryFile()
        write_xlsx(export, output)
        if slot is not None:
            slot.release()  # the work is done; what is left is sending a local file
        output.seek(0)
        return FileResponse(output, as_attachment=True, filename=filename, content_type=FORMATS["xlsx"])
    stream = csv_stream(export, count) if file_format == "csv" else json_stream(export, count)
    response = StreamingHttpResponse(HeldBody(stream, slot) if slot is not None else stream, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


__all__ = ["FORMATS", "KINDS", "applied_filters", "bounded_count", "export_response", "max_rows"]
