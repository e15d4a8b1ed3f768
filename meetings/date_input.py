"""Date fields that follow the page's language, not the browser's.

``<input type="date">`` is drawn by the browser in the *browser's* locale: an English
browser shows mm/dd/yyyy on the Arabic page, and an Arabic one shows Arabic-Indic
digits on the English page. These fields are plain text boxes in the order people here
write dates, day/month/year (the same on both pages; English is British English), with
a placeholder and a hint in the page's language. What is typed is read generously:
Arabic-Indic (٢٦/١١/٢٠٢٢) or Persian digits, "/", "-", "." or the Arabic comma between
the parts, and the ISO form 2022-11-26 (what scripts and older forms send). Anything
else gets a clear message in the page's language.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DISPLAY_FORMAT = "%d/%m/%Y"
# Arabic-Indic and Eastern Arabic (Persian) digits, read as 0-9.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SEPARATORS = re.compile(r"\s*[/\-.،,\\]\s*|\s+")


def parse_local_date(text):
    """``text`` as a date (day/month/year or ISO year-month-day), or None if it is not one."""
    text = (text or "").strip().translate(DIGITS).replace("\u200f", "").replace("\u200e", "")
    parts = [part for part in SEPARATORS.split(text) if part]
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    if len(parts[0]) == 4:  # ISO: year first
        year, month, day = parts
    else:
        day, month, year = parts
    if len(year) != 4:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


class LocalDateInput(forms.TextInput):
    """A text box showing day/month/year; what is typed reaches the field as ISO when it is a date."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": _("dd/mm/yyyy"),
            "autocomplete": "off",
            "dir": "ltr",
            "size": 12,
            "data-local-date": "",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str):
            # What was typed, sent back with the form's errors: as typed, unless it was read as a date.
            value = (parse_local_date(value) or value) if ISO_DATE.fullmatch(value) else value
        if isinstance(value, datetime.date):
            return value.strftime(DISPLAY_FORMAT)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        raw = super().value_from_datadict(data, files, name)
        parsed = parse_local_date(raw)
        # An unreadable text goes on as typed: the field refuses it and shows it back.
        return parsed.isoformat() if parsed else raw


class LocalDateField(forms.DateField):
    """A date typed as day/month/year in either kind of digits (``LocalDateInput``)."""

    widget = LocalDateInput
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year, for example 26/11/2022."),
    }

    def __init__(self, *, input_formats=None, **kwargs):
        kwargs["help_text"] = kwargs.get("help_text") or _("Day/month/year, for example 26/11/2022.")
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            parsed = parse_local_date(value)
            if parsed is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return parsed
        return super().to_python(value)
