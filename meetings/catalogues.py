"""Compile the .po catalogues under LOCALE_PATHS into .mo files in pure Python.

GNU gettext is not needed: a fresh machine can run Sanad with only Python.
The compiled .mo files are committed; a test checks that they match the .po
files, so a stale catalogue cannot land.
"""

from pathlib import Path

import polib
from django.conf import settings


def po_files(locale_paths=None):
    for base in locale_paths or settings.LOCALE_PATHS:
        yield from sorted(Path(base).glob("*/LC_MESSAGES/*.po"))


def catalogue_entries(catalogue):
    """The translations a catalogue provides, as comparable data."""
    entries = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
        value = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)) if entry.msgid_plural else entry.msgstr
        if value and value != ("",) * len(value if isinstance(value, tuple) else ()):
            entries[key] = value
    return entries


def is_up_to_date(po_path):
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return False
    return catalogue_entries(polib.pofile(str(po_path))) == catalogue_entries(polib.mofile(str(mo_path)))


def compile_catalogues(locale_paths=None):
    """Write a .mo beside every .po whose compiled form is missing or stale; return those written."""
    written = []
    for po_path in po_files(locale_paths):
        if not is_up_to_date(po_path):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            written.append(po_path)
    return written
