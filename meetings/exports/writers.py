"""The three formats, each written row by row in bounded memory.

CSV and JSON are generators of bytes (a StreamingHttpResponse sends them as they come); XLSX is
written by XlsxWriter in constant-memory mode (each row flushed to a temporary file as it is
written; strings inline, no table of them kept in memory) into a file object. Rows come from
``read_rows``: the values the columns read, in one query, read in chunks through a
server-side cursor on PostgreSQL (``stream_rows``).
Figures: docs/open-data.md.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

import xlsxwriter
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .columns import DATE, NUMBER, LANGUAGES, cell_readers, values_of

# Rows read from the database at a time, and CSV/JSON bytes sent at a time.
CHUNK_SIZE = 2000
SEND_SIZE = 64 * 1024
# A cell of a spreadsheet holds at most this many characters (Excel's limit).
XLSX_CELL_LIMIT = 32767
# A text cell starting with one of these is read as a formula by spreadsheet programs
# ("CSV injection"): it is written with a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# PostgreSQL planner settings of an export's transaction (see stream_rows), in one query.
EXPORT_SETTINGS = "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)"


def stream_rows(queryset, chunk_size=CHUNK_SIZE):
    """``queryset``'s rows in chunks, in one query.

    PostgreSQL: the settings turn Django's server-side cursors off (they break behind a
    transaction pooler outside a transaction, and cost round trips for small menus); without
    one psycopg would load the whole result into memory, so an export declares its cursor
    itself, inside a transaction, where a pooler keeps it."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic(using=queryset.db):
        # The export's query has a correlated subquery per joined column: its estimated cost is
        # high enough for PostgreSQL to JIT-compile it, which cost 2 to 3.5 s of a 25,000-row
        # export at 100,000 meetings (and nothing back: the rows are read in chunks anyway).
        # With the default random_page_cost (4, for spinning disks) the planner scans all the
        # tags for every meeting rather than use their primary key; 1.1 (the usual value for
        # SSDs and a cached database) cut the same export's query by a third. Both for this
        # transaction only (set_config(..., true) is SET LOCAL): a pooled connection keeps none.
        with connection.cursor() as cursor:
            cursor.execute(EXPORT_SETTINGS)
        setting = "DISABLE_SERVER_SIDE_CURSORS"
        saved = connection.settings_dict.get(setting)
        connection.settings_dict[setting] = False
        try:
            rows = queryset.iterator(chunk_size=chunk_size)  # the setting is read here
        finally:
            connection.settings_dict[setting] = saved
        yield from rows


def read_rows(queryset, columns, readers):
    """For each row of ``queryset``, the list of what ``readers`` read of it: the values
    ``columns`` read, fetched as tuples (``columns.values_of``) in one streamed query."""
    queryset, build = values_of(queryset, columns)
    for values in stream_rows(queryset):
        row = build(values)
        yield [read(row) for read in readers]


@dataclass
class Export:
    """One export: which rows, for whom, and what the file says about itself."""

    kind: object  # columns.ExportKind
    queryset: object  # the kind's rows (``kind.rows(...)``), filtered
    language: str
    root: str = ""  # scheme and host of the addresses
    filters: list = field(default_factory=list)  # [{"name", "label", "value", "display"}]
    source: str = ""  # the page the reader exported from, with its query string
    exported_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def title(self):
        from ..templatetags.sanad import SITE_NAMES

        return f"{SITE_NAMES.get(self.language, SITE_NAMES['en'])} — {self.kind.label}"

    def filters_text(self):
        return "; ".join(f"{each['label']}: {each['display']}" for each in self.filters) or _("none")

    def notes(self, count):
        """``[(label, value)]``: what the file states about itself (in the reader's language)."""
        return [
            (_("Title"), self.title),
            (_("Rows"), count),
            (_("Filters"), self.filters_text()),
            (_("Exported at"), timezone.localtime(self.exported_at).isoformat(timespec="minutes")),
            (_("Source"), self.source),
            (_("Note"), _("Only published records. People who could be put at risk are never named.")),
        ]

    def rows(self):
        """Each row as a list of values (None for an empty one), in the reader's language."""
        yield from read_rows(self.queryset, self.kind.columns, cell_readers(self.kind.columns, self.language, self.root))


def _chunked(pieces):
    """Join small byte strings into sends of about SEND_SIZE."""
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= SEND_SIZE:
            yield b"".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield b"".join(buffer)


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header, rows, *, notes=None):
    """CSV text, line by line: a byte-order mark (so that Excel reads UTF-8 Arabic), the notes
    line if any, the header, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    yield "\ufeff".encode("utf-8")
    if notes:
        yield line([f"{label}: {value}" for label, value in notes])
    yield line(header)
    for values in rows:
        yield line([_csv_text(value) for value in values])


def csv_stream(export, count):
    """The export as CSV bytes: the notes on the first line, then the header in the reader's language."""
    with translation.override(export.language):
        header = [str(column.label) for column in export.kind.columns]
        notes = export.notes(count)
        yield from _chunked(csv_lines(header, export.rows(), notes=notes))


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def json_lines(meta, keys, rows):
    yield b'{"meta": ' + json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8") + b', "rows": ['
    separator = b"\n"
    for values in rows:
        record = dict(zip(keys, map(_json_value, values)))
        yield separator + json.dumps(record, ensure_ascii=False).encode("utf-8")
        separator = b",\n"
    yield b"\n]}\n"


def json_meta(export, count):
    return {
        "title": export.title,
        "kind": export.kind.name,
        "language": export.language,
        "count": count,
        "filters": export.filters,
        "exported_at": export.exported_at.isoformat(),
        "source": export.source,
        "note": _("Only published records. People who could be put at risk are never named."),
        "columns": [
            {"key": column.key, "label": str(column.label), "type": column.type} for column in export.kind.columns
        ],
    }


def json_stream(export, count):
    """The export as JSON bytes: ``{"meta": {... "count", "filters" ...}, "rows": [{...}, ...]}``."""
    with translation.override(export.language):
        keys = [column.key for column in export.kind.columns]
        yield from _chunked(json_lines(json_meta(export, count), keys, export.rows()))


def write_xlsx(export, output):
    """Write the export as an XLSX workbook into ``output`` (a file object); return the row count.

    The first sheet holds the rows (right to left in Arabic, headers in the reader's language,
    dates as dates beside the Hijri date as text); the second what the file is: the row count,
    the filters applied, when and from where it was exported."""
    with translation.override(export.language):
        workbook = xlsxwriter.Workbook(
            output, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        )
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        right_to_left = translation.get_language_bidi()
        sheet = workbook.add_worksheet(_("Data")[:31])
        if right_to_left:
            sheet.right_to_left()
        columns = export.kind.columns
        for index, column in enumerate(columns):
            sheet.set_column(index, index, 12 if column.type in (DATE, NUMBER) else 30)
            sheet.write_string(0, index, str(column.label), bold)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, values in enumerate(export.rows(), start=1):
            for index, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, datetime.date):
                    sheet.write_datetime(count, index, value, date_format)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(count, index, value)
                else:
                    sheet.write_string(count, index, str(value)[:XLSX_CELL_LIMIT])
        about = workbook.add_worksheet(_("About this file")[:31])
        if right_to_left:
            about.right_to_left()
        about.set_column(0, 0, 20)
        about.set_column(1, 1, 80)
        for row, (label, value) in enumerate(export.notes(count)):
            about.write_string(row, 0, str(label), bold)
            if isinstance(value, int):
                about.write_number(row, 1, value)
            else:
                about.write_string(row, 1, str(value))
        for offset, each in enumerate(export.filters, start=len(export.notes(count)) + 1):
            about.write_string(offset, 0, str(each["label"]))
            about.write_string(offset, 1, str(each["display"]))
        workbook.close()
    return count


__all__ = ["LANGUAGES", "Export", "csv_lines", "csv_stream", "json_lines", "json_stream", "stream_rows", "write_xlsx"]
