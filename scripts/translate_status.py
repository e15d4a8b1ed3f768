"""Report how complete and how safe the translation catalogues are.

    python scripts/translate_status.py            # every catalogue under locale/
    python scripts/translate_status.py --list     # also list the entries to fix

For each .po file: entries, plural entries, untranslated and fuzzy entries,
and placeholder problems that ``msgfmt --check-format`` does not catch:
a plural form used for many numbers (Arabic forms 3-5) that drops the count,
any form that drops another placeholder (%(query)s, {name}, %%) or an HTML
tag, and a translation that invents a placeholder the English does not have.
Forms used for exactly one number (Arabic 0, 1 and 2: «لا توجد», «واحدة»,
«توصيتان») may leave the count out. Exits non-zero when something is wrong.
"""

import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PRINTF = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?[sdifr%]")
BRACES = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Plural forms that stand for a single number, by language: they may spell it out.
SINGLE_NUMBER_FORMS = {"ar": {0, 1, 2}, "en": {0}}


def placeholders(text):
    return sorted(m.group(0) for m in PRINTF.finditer(text)) + sorted(
        "{%s}" % m.group(1) for m in BRACES.finditer(text)
    ) + sorted(TAG.findall(text))


def count_placeholders(entry):
    """The placeholders of msgid_plural that carry the number (absent from the singular, or named count)."""
    singular, plural = set(placeholders(entry.msgid)), set(placeholders(entry.msgid_plural))
    counted = plural - singular
    counted |= {p for p in plural if re.fullmatch(r"%\((count|counter)\)[sd]", p)}
    return counted


def problems(entry, language):
    found = []
    if entry.msgid_plural:
        expected = set(placeholders(entry.msgid_plural)) | set(placeholders(entry.msgid))
        counted = count_placeholders(entry)
        for index, text in sorted(entry.msgstr_plural.items()):
            if not text:
                continue
            have = set(placeholders(text))
            needed = expected if index not in SINGLE_NUMBER_FORMS.get(language, set()) else expected - counted
            if needed - have:
                found.append(f"msgstr[{index}] lacks {', '.join(sorted(needed - have))}")
            if have - expected:
                found.append(f"msgstr[{index}] adds {', '.join(sorted(have - expected))}")
    elif entry.msgstr:
        expected, have = placeholders(entry.msgid), placeholders(entry.msgstr)
        if sorted(expected) != sorted(have):
            found.append(f"placeholders {expected} became {have}")
    return found


def report(po_path, show):
    language = po_path.parent.parent.name
    catalogue = polib.pofile(str(po_path))
    entries = [e for e in catalogue if not e.obsolete]
    plural = [e for e in entries if e.msgid_plural]
    untranslated = catalogue.untranslated_entries()
    fuzzy = catalogue.fuzzy_entries()
    incomplete_plurals = [e for e in plural if e.translated() and not all(e.msgstr_plural.values())]
    broken = {e.msgid: problems(e, language) for e in entries}
    broken = {k: v for k, v in broken.items() if v}
    print(f"{po_path.relative_to(ROOT)}: {len(entries)} entries ({len(plural)} plural), "
          f"{len(entries) - len(untranslated)} translated, {len(untranslated)} untranslated, "
          f"{len(fuzzy)} fuzzy, {len(broken)} with placeholder problems; "
          f"Plural-Forms: {catalogue.metadata.get('Plural-Forms', '?')}")
    if show:
        for e in untranslated if language != "en" else []:
            print(f"  untranslated: {e.msgid!r}")
        for e in fuzzy:
            print(f"  fuzzy: {e.msgid!r}")
        for e in incomplete_plurals:
            print(f"  missing plural forms: {e.msgid!r}")
        for msgid, issues in broken.items():
            print(f"  {msgid!r}: {'; '.join(issues)}")
    # English msgids are the English text: an empty English catalogue is complete.
    missing = untranslated if language != "en" else []
    return bool(missing or fuzzy or broken or incomplete_plurals)


def main(argv):
    show = "--list" in argv
    failed = False
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        failed |= report(po_path, show)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
