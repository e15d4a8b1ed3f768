"""Word forms: the singular and plural, suffixed and bare forms of an Arabic word.

``normalization.stems`` removes the clitics a word may carry at its start (و ف ب ك ل ال);
this module adds the forms left by removing what it may carry at its end, so that
«توصية» finds «التوصيات», «المدافع» finds «المدافعون» and «صحفي» finds «الصحفيين». It
works on normalised words (ة is already ه, ى is ي), in Python, so both search engines
index exactly the same strings.

The rules are light stemming in the manner of light10 (Larkey, Ballesteros and Connell),
measured against it on the shared test set (docs/search.md), with three differences:

* a plural or a suffixed form is reduced to the forms its singular is written in, not to a
  root: «منظمات» → «منظم», «منظمه» (the ة-singular), «توصياتها» → «توصيات» → «توصيه»; a
  bare final ه (ة, or the pronoun "his") is never removed, so «منظمة» stays «منظمه» and
  does not meet «منظم»;
* every form is kept (a word is indexed under all of them, as under all its prefix
  forms), and nothing shorter than MIN_STEM_LENGTH letters is produced;
* words whose ending belongs to the word (``WHOLE_WORDS``: «إنسان», «عدنان», «زيتون»,
  the tens) are not cut, forms that are common function words (``NEVER_FORMS``: «إلى»,
  «على») are never produced, and the dual ان is removed only after the article
  («الطرفان»), because so many names end in ان («عدنان», «سلمان», «حمدان»).

Broken plurals («مشاريع» → «مشروع») come from a curated list, ``data/broken_plurals.txt``.
"""

from functools import lru_cache
from pathlib import Path

MIN_STEM_LENGTH = 3
MAX_DERIVATIONS = 12

_ARABIC_LETTERS = frozenset(chr(code) for code in range(0x0621, 0x064B))

# (suffix, replacements): a form ending in the suffix also yields each replacement in its
# place. Tried longest first; every rule applies to every form found so far (a closure).
SUFFIX_RULES = (
    # Attached pronouns (her/their/your), and ta marbuta written ت before them.
    ("تهما", ("ه",)),
    ("هما", ("",)),
    ("تها", ("ه",)),
    ("تهم", ("ه",)),
    ("تكم", ("ه",)),
    ("ته", ("ه",)),
    ("اته", ("ات",)),
    ("ها", ("",)),
    ("هم", ("",)),
    ("كم", ("",)),
    # Duals of ة-nouns and «منظمتي» (construct dual, or "my organisation").
    ("تان", ("ه",)),
    ("تين", ("ه",)),
    ("تي", ("ه",)),
    # Sound plurals: feminine (to the bare and to the ة-singular), masculine, dual ين.
    ("ات", ("", "ه")),
    ("ون", ("",)),
    ("ين", ("",)),
    # Nisba: «الأمنية» → «امني» → «امن», «صحفي» → «صحف».
    ("يه", ("ي",)),
    ("ي", ("",)),
)
DUAL = "ان"  # removed only from a word that carried the article (see the module docstring)
# Endings that are not suffixes after an alef: «تعاون», «حماية», «ولاية», «رأي».
_NOT_AFTER_ALEF = frozenset(("ون", "ين", "يه", "ي"))

# Words whose ending is part of the word although it looks like a suffix, and whose cut
# form is another word («عدنان»/«عدن», «سلمان»/«سلم», «زيتون»/«زيت», «عشرين»/«عشر»).
# Written as people write them; normalised when loaded. Add to it when a search shows
# an ending wrongly removed.
WHOLE_WORDS_TEXT = """
    انسان إنسان لبنان عدنان سلمان سليمان عمران حمدان مروان عدوان نسيان سودان
    زيتون ميمون هارون صابون عيون
    عشرين عشرون ثلاثين ثلاثون أربعين أربعون خمسين خمسون ستين ستون سبعين سبعون
    ثمانين ثمانون تسعين تسعون
    مدني دولي ثاني كرسي
    فلسطين تأمين تمكين مسكين
    والي
"""

# Forms a suffix rule must never produce: common words that would then be found by any
# word that happens to end like them («آليات» → «الي» = «إلى»).
NEVER_FORMS_TEXT = """
    الي إلى على علي التي الذي الت الذ هذه هذا ذلك تلك الين انت كان والي
"""

_DATA = Path(__file__).resolve().parent / "data" / "broken_plurals.txt"


def _normal_words(text):
    from .normalization import tokenize

    return tokenize(text)


@lru_cache(maxsize=1)
def whole_words():
    return frozenset(_normal_words(WHOLE_WORDS_TEXT))


@lru_cache(maxsize=1)
def never_forms():
    return frozenset(_normal_words(NEVER_FORMS_TEXT))


def read_broken_plurals(path=_DATA):
    """``[(singular, (plural, …))]`` as written in the data file, in order."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        singular, _, plurals = line.partition(":")
        entries.append((singular.strip(), tuple(p.strip() for p in plurals.split(",") if p.strip())))
    return entries


@lru_cache(maxsize=1)
def broken_plurals():
    """``{normalised plural: (normalised singular, …)}`` from the data file."""
    mapping = {}
    for singular, plurals in read_broken_plurals():
        (normal_singular,) = _normal_words(singular)
        for plural in plurals:
            (normal_plural,) = _normal_words(plural)
            mapping.setdefault(normal_plural, [])
            if normal_singular not in mapping[normal_plural]:
                mapping[normal_plural].append(normal_singular)
    return {plural: tuple(singulars) for plural, singulars in mapping.items()}


def is_arabic(word):
    return bool(word) and all(ch in _ARABIC_LETTERS for ch in word)


@lru_cache(maxsize=65_536)
def suffix_forms(form, *, after_article=False):
    """The forms left by removing the suffixes of ``form`` (a normalised word without its
    clitics), not including ``form`` itself, in the order found."""
    if not is_arabic(form) or form in whole_words():
        return ()
    plurals = broken_plurals()
    whole, never = whole_words(), never_forms()
    found = []
    pending = [form]
    while pending and len(found) < MAX_DERIVATIONS:
        current = pending.pop(0)
        candidates = list(plurals.get(current, ()))
        if current in whole and current != form:
            candidates = []
        else:
            for suffix, replacements in SUFFIX_RULES:
                if not current.endswith(suffix):
                    continue
                if suffix == "ي" and current.endswith("تي"):
                    continue  # «منظمتي» is «منظمه» (above), not «منظمت»
                if suffix in _NOT_AFTER_ALEF and current[: -len(suffix)].endswith("ا"):
                    continue  # «تعاون», «حماية», «رأي»: the ending belongs to the word
                base = current[: -len(suffix)]
                for replacement in replacements:
                    if len(base) + len(replacement) >= MIN_STEM_LENGTH and len(base) >= 2:
                        candidates.append(base + replacement)
            if after_article and current == form and current.endswith(DUAL) and len(current) - 2 >= MIN_STEM_LENGTH:
                candidates.append(current[:-2])
        for candidate in candidates:
            if candidate == form or candidate in found or candidate in never:
                continue
            found.append(candidate)
            pending.append(candidate)
    return tuple(found)
