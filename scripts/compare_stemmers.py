"""Compare light-stemming options on the shared search test set (tests/search_cases.py).

Not a test: the measurement behind the choice recorded in docs/search.md. Each option
normalises text as the search does (search.normalization.tokenize), reduces every word
to its stem(s), and finds a text when each query word shares a stem with a word of the
text. Reported: spelling pairs found, word-form pairs found, must-not-match pairs held.

The libraries are not dependencies of Sanad; install them apart to run this:

    .venv/bin/pip install --target /tmp/stemlibs snowballstemmer==2.2.0 PyStemmer==3.1.0 Tashaphyne==0.3.6
    PYTHONPATH=/tmp/stemlibs .venv/bin/python scripts/compare_stemmers.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.normalization import matches, tokenize  # noqa: E402
from tests.search_cases import MUST_MATCH, MUST_NOT_MATCH, WORD_FORMS  # noqa: E402

_L10_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_L10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")  # ية, ة are يه, ه after normalisation


def light10(word):
    """light10 (Larkey, Ballesteros and Connell 2007), as Lucene's ArabicStemmer applies it."""
    if word.startswith("و") and len(word) > 3:
        word = word[1:]
    for prefix in _L10_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    changed = True
    while changed and len(word) > 2:
        changed = False
        for suffix in _L10_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                word = word[: -len(suffix)]
                changed = True
                break
    return word


def stemmer_options():
    options = {"light10 (own implementation, as in Lucene)": lambda word: {light10(word)}}
    try:
        import snowballstemmer

        snowball = snowballstemmer.stemmer("arabic")
        options["snowballstemmer 2.2.0 (Snowball arabic, PostgreSQL's)"] = lambda word: {snowball.stemWord(word)}
    except ImportError:
        pass
    try:
        import Stemmer

        pystemmer = Stemmer.Stemmer("arabic")
        options["PyStemmer 3.1.0 (Snowball arabic in C)"] = lambda word: {pystemmer.stemWord(word)}
    except ImportError:
        pass
    try:
        from tashaphyne.stemming import ArabicLightStemmer

        tashaphyne = ArabicLightStemmer()
        options["Tashaphyne 0.3.6 (light stemmer)"] = lambda word: {tashaphyne.light_stem(word) or word}
    except ImportError:
        pass
    return options


def finds_with(stem):
    def finds(query, text):
        words = tokenize(query)
        if not words:
            return False
        text_stems = set()
        for word in tokenize(text):
            text_stems |= stem(word)
        return all(not stem(word).isdisjoint(text_stems) for word in words)

    return finds


def rates(finds):
    spelling = sum(finds(q, t) for q, t, _ in MUST_MATCH) / len(MUST_MATCH)
    forms = sum(finds(q, t) for q, t, _ in WORD_FORMS) / len(WORD_FORMS)
    sound = [(q, t) for q, t, reason in WORD_FORMS if not reason.startswith("broken")]
    sound_forms = sum(finds(q, t) for q, t in sound) / len(sound)
    held = sum(not finds(q, t) for q, t, _ in MUST_NOT_MATCH) / len(MUST_NOT_MATCH)
    return spelling, forms, sound_forms, held


def main():
    print(f"{len(MUST_MATCH)} spelling, {len(WORD_FORMS)} word-form, {len(MUST_NOT_MATCH)} must-not-match pairs")
    print(f"{'option':62} spelling  forms  (not broken)  held")
    rows = [("Sanad's rules (search/normalization.py, search/wordforms.py)", matches)]
    rows += [(name, finds_with(stem)) for name, stem in stemmer_options().items()]
    for name, finds in rows:
        spelling, forms, sound_forms, held = rates(finds)
        print(f"{name:62} {spelling:7.1%} {forms:6.1%} {sound_forms:12.1%} {held:6.1%}")


if __name__ == "__main__":
    main()
