"""Exports of the public lists (CSV, XLSX, JSON) and the whole-dataset download.

``columns`` says what each kind of record exports, ``writers`` writes the formats in bounded
memory, ``dataset`` builds the zip of everything; views call ``export_response``. See
docs/open-data.md.
"""

import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..absolute_urls import site_root
from .columns import KINDS
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


def export_response(request, kind_name, queryset, file_format, *, form=None, source="", back_url=""):
    """The response that downloads ``queryset`` (public rows of ``kind_name``, filtered by
    ``form``) in ``file_format``, or refuses a list of more than ``max_rows(file_format)`` rows.
    Queries: one bounded count and one read of the rows, whatever the number of rows."""
    kind = KINDS[kind_name]
    limit = max_rows(file_format)
    count = bounded_count(queryset, limit)
    if count > limit:
        return too_many_rows(request, form, file_format, limit, back_url or source)
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
        output.seek(0)
        response = FileResponse(output, as_attachment=True, filename=filename, content_type=FORMATS["xlsx"])
    else:
        stream = csv_stream(export, count) if file_format == "csv" else json_stream(export, count)
        response = StreamingHttpResponse(stream, content_type=FORMATS[file_format])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Files, not pages: search engines index the lists instead.
    response["X-Robots-Tag"] = "noindex"
    return response


__all__ = ["FORMATS", "KINDS", "applied_filters", "bounded_count", "export_response", "max_rows"]
