"""Reading an uploaded workbook (XLSX) or CSV files into sheets of text cells.

Whatever is wrong with a file as a whole — its type, its size, a broken workbook, too many
rows, headers that name no known sheet, a formula in a cell — becomes one Arabic message
(:class:`FileRefused`) and nothing else happens. The rows read are plain JSON (kind, source
name, column keys, ``[row number, [cell texts]]``), what :class:`imports.models.ImportUpload`
keeps between the preview and the confirmation.
"""

import csv
import datetime
import hashlib
import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from search.normalization import normalize

from .columns import KINDS_BY_KEY, identify_kind

# A workbook is a zip: its parts, unpacked, may not exceed this (a zip bomb is refused unread).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Cells starting with these are formulas to a spreadsheet program (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "@", "\t", "\r", "\uff1d", "\uff0b")
XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(Exception):
    """The file cannot be imported at all; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def max_bytes():
    return int(settings.IMPORT_MAX_MB * 1024 * 1024)


def looks_like_formula(text):
    if text.startswith(FORMULA_STARTS):
        return True
    # "-2+3+cmd|' /C calc'!A0": a minus followed by anything but a space or a plain number.
    return text.startswith("-") and len(text) > 1 and not (text[1] == " " or text[1:].replace(".", "", 1).isdigit())


def cell_text(value):
    """A cell as text: dates as YYYY-MM-DD, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_files(files, *, max_rows=None, max_megabytes=None):
    """``[(name, bytes)]`` → ``(sheets, sha256)``; raises FileRefused. The limits are the
    settings' (IMPORT_MAX_ROWS, IMPORT_MAX_MB) unless given (the command allows more)."""
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    max_megabytes = max_megabytes or settings.IMPORT_MAX_MB
    if not files:
        raise FileRefused(_("Choose a file to import."))
    if sum(len(content) for _name, content in files) > max_megabytes * 1024 * 1024:
        raise FileRefused(_("The file is too large: at most %(limit)s MB.") % {"limit": f"{max_megabytes:g}"})
    digest = hashlib.sha256()
    sheets = []
    for name, content in files:
        digest.update(content)
        suffix = PurePath(name).suffix.lower()
        if suffix == ".xlsx":
            if len(files) > 1:
                raise FileRefused(_("Send one workbook (XLSX) on its own, or one or more CSV files."))
            sheets += _read_workbook(name, content, max_rows)
        elif suffix == ".csv":
            sheets.append(_read_csv(name, content, max_rows))
        else:
            raise FileRefused(
                _("«%(name)s» is neither a workbook (.xlsx) nor a CSV file (.csv).") % {"name": PurePath(name).name[:100]}
            )
    _check(sheets, max_rows)
    return sheets, digest.hexdigest()


def _check(sheets, max_rows):
    if not sheets:
        raise FileRefused(_("The file holds no sheet that Sanad can import. Start from the template."))
    kinds = [sheet["kind"] for sheet in sheets]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            raise FileRefused(_("Two sheets hold «%(kind)s»: put all its rows in one.") % {"kind": KINDS_BY_KEY[kind].label})
    total = sum(len(sheet["rows"]) for sheet in sheets)
    if total > max_rows:
        raise FileRefused(
            _("The file has %(count)s rows; at most %(limit)s can be imported at once. Split it into several files.")
            % {"count": total, "limit": max_rows}
        )
    if total == 0:
        raise FileRefused(_("The file has headers but no rows to import."))


def _sheet(source, sheet_name, rows, limit):
    """Build one sheet from its rows of cell texts (the first one is the header row)."""
    rows = iter(rows)
    header = next(rows, None)
    while header is not None and not any(header):
        header = next(rows, None)
    if header is None:
        return None
    headers = [normalize(text) for text in header]
    kind = identify_kind([h for h in headers if h], sheet_name)
    if kind is None:
        return None
    columns = []
    for position, (text, normal) in enumerate(zip(header, headers)):
        if not normal:
            columns.append(None)
            continue
        column = next((column for column in kind.columns if normal in column.headers()), None)
        if column is None:
            raise FileRefused(
                _("«%(source)s»: the column «%(header)s» is not one of the sheet «%(kind)s». Use the template's headers.")
                % {"source": source, "header": text[:80], "kind": kind.label}
            )
        if column.key in columns:
            raise FileRefused(_("«%(source)s»: the column «%(header)s» appears twice.") % {"source": source, "header": text[:80]})
        columns.append(column.key)
        del position
    missing = [column.ar for column in kind.columns if column.required and column.key not in columns]
    if missing:
        raise FileRefused(
            _("«%(source)s»: the required column «%(header)s» is missing.") % {"source": source, "header": missing[0]}
        )
    body = []
    for number, row in enumerate(rows, start=2):
        cells = {}
        for key, text in zip(columns, row):
            text = text.replace("\x00", "")  # a workbook may encode NUL (_x0000_); no database column takes it
            if key is not None and text:
                if looks_like_formula(text):
                    raise FileRefused(
                        _("«%(source)s», row %(row)s: a cell starts like a formula («%(start)s…»). "
                          "Formulas are not imported: type the value itself, or start the text with another character.")
                        % {"source": source, "row": number, "start": text[:12]}
                    )
                cells[key] = text
        if cells:
            body.append([number, cells])
            if len(body) > limit:
                break  # _check() refuses the file; no need to read the rest
    return {"kind": kind.key, "source": source, "columns": [key for key in columns if key], "rows": body}


def _read_csv(name, content, max_rows):
    source = PurePath(name).name[:100]
    if b"\x00" in content:
        raise FileRefused(_("«%(source)s» is not a text CSV file.") % {"source": source})
    for encoding in ("utf-8-sig", "cp1256"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("«%(source)s» is not a text CSV file.") % {"source": source})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error:
        raise FileRefused(_("«%(source)s» is not a valid CSV file.") % {"source": source}) from None
    sheet = _sheet(source, PurePath(name).stem, rows, max_rows)
    if sheet is None:
        raise FileRefused(
            _("«%(source)s»: the first row does not hold the headers of any sheet Sanad imports. Use the template's headers.")
            % {"source": source}
        )
    return sheet


def _read_workbook(name, content, max_rows):
    from openpyxl import load_workbook

    source = PurePath(name).name[:100]
    broken = FileRefused(_("«%(source)s» is not a readable Excel workbook (.xlsx).") % {"source": source})
    if not content.startswith(XLSX_MAGIC):
        raise broken
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FileRefused(_("«%(source)s» unpacks to too much data.") % {"source": source})
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 — a broken workbook fails in many ways inside openpyxl
        raise broken from None
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows = ([cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True))
            sheet = _sheet(f"{source} › {worksheet.title}", worksheet.title, rows, max_rows)
            if sheet is not None:
                sheets.append(sheet)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001
        raise broken from None
    finally:
        workbook.close()
    return sheets
