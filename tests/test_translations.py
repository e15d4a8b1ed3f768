"""The committed catalogues are complete and their compiled .mo files are current."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from meetings.catalogues import catalogue_entries, po_files

LOCALE = Path(settings.LOCALE_PATHS[0])


def test_arabic_and_english_catalogues_exist():
    languages = {path.parent.parent.name for path in po_files()}
    assert {"ar", "en"} <= languages


@pytest.mark.parametrize("po_path", list(po_files()), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_compiled_catalogue_matches_its_source(po_path):
    """Run `python manage.py compile_translations` after editing a .po file."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing"
    assert catalogue_entries(polib.pofile(str(po_path))) == catalogue_entries(polib.mofile(str(mo_path)))


def test_arabic_catalogue_is_complete_with_six_plural_forms():
    catalogue = polib.pofile(str(LOCALE / "ar" / "LC_MESSAGES" / "django.po"))
    assert "nplurals=6" in catalogue.metadata["Plural-Forms"]
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    for entry in catalogue:
        if entry.msgid_plural and not entry.obsolete:
            assert len([s for s in entry.msgstr_plural.values() if s]) == 6, entry.msgid


def test_arabic_is_served_from_the_catalogue():
    with translation.override("ar"):
        assert translation.gettext("Meetings and recommendations") != "Meetings and recommendations"
