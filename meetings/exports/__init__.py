"""Exports of the public lists (CSV, XLSX, JSON) and the whole-dataset download.

``columns`` says what each kind of record exports, ``writers`` writes the formats in bounded
memory, ``dataset`` builds the zip of everything; views call ``export_response``. See
docs/open-data.md.
"""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from ..absolute_urls import site_root
from .columns import KINDS
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


def export_response(request, kind_name, queryset, file_format, *, form=None, source=""):
    """The response that downloads ``queryset`` (public rows of ``kind_name``, filtered by
    ``form``) in ``file_format``. Queries: one count and one read of the rows (XLSX: the read
    only), whatever the number of rows."""
    kind = KINDS[kind_name]
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
        count = export.queryset.count()
        stream = csv_stream(export, count) if file_format == "csv" else json_stream(export, count)
        response = StreamingHttpResponse(stream, content_type=FORMATS[file_format])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Files, not pages: search engines index the lists instead.
    response["X-Robots-Tag"] = "noindex"
    return response


__all__ = ["FORMATS", "KINDS", "applied_filters", "export_response"]
