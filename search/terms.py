"""The terms a record is stored under: what the search columns hold (docs/search.md).

Pure Python, no models: ``meetings/models/searchable.py`` fills each record's columns with
``document_terms`` of its texts, and the engine (search/engine.py) parses queries into the
same strings. A document's column holds, for every word:

* its index terms (``normalization.index_terms``: every clitic stem and word form), which
  decide what matches;
* its exact forms (``exact_terms``: «الإنسان» as written, beside «الانسان»), and
* its surface mark (``surface_terms``: «ـتوصيه» for «بتوصية», the word without its clitics
  but with its own ending, behind a tatweel),

neither of which can change what matches (no normalised term holds a tatweel, or a letter
normalisation changes) — they let a record that writes a word as the query does rank above
one that only shares a stem or a normalised spelling.
"""

import re
import unicodedata
from functools import lru_cache

from .normalization import MAX_QUERY_LENGTH, clitic_stems, core, index_terms, index_words, normalize, tokenize, tokens_with_spans

# A query word is at most MAX_QUERY_LENGTH characters, so a longer term could never be
# searched for; leaving it out also keeps every term far below PostgreSQL's 2 KB lexeme limit.
MAX_TERM_LENGTH = MAX_QUERY_LENGTH
# PostgreSQL refuses a tsvector over 1 MB; a column is cut well before (only a pathological
# text, hundreds of thousands of distinct words, comes near it).
MAX_COLUMN_LENGTH = 400_000

# Characters an exact form may hold: letters and decimal digits (what every tokenizer of
# both engines keeps inside one token). Marks, tatweel (Lm) and symbols are left out.
_EXACT_CATEGORIES = frozenset(("Lu", "Ll", "Lt", "Lo", "Nd"))

# Words offered as spelling suggestions ("did you mean"): not too short, not too long, not numbers.
SUGGESTION_MIN_LENGTH = 3
SUGGESTION_MAX_LENGTH = 40


# Marks a surface term: tatweel, which normalisation removes from every word and which
# both engines' tokenizers keep inside a token.
SURFACE_MARK = "\u0640"

# --- Terms --------------------------------------------------------------------------------


def _light_fold(original):
    """An original word as written, less what never tells spellings apart: marks, tatweel,
    invisible characters, letter case and compatibility forms (hamza, ة and ى stay)."""
    compatible = unicodedata.normalize("NFKC", original).casefold()
    return "".join(ch for ch in compatible if unicodedata.category(ch) in _EXACT_CATEGORIES)


# Characters that fold to a space (search/normalization.py) and so end every token: a text's
# exact forms are those of its pieces between them, in turn.
_SPACES = re.compile("[ \n\r\t]+")


def exact_terms(text):
    """The exact forms of the words of ``text`` that differ from their normalised form:
    «الإنسان» → «الإنسان» (indexed beside «الانسان», «انسان»), and the same forms with
    the clitics removed («والإنسان» → «والإنسان», «الإنسان», «إنسان»).

    An exact form always holds a character that normalisation changes (that is why it
    differs), so it is never equal to a normalised term: adding exact forms to a document,
    and to the OR-group of a query word, cannot change which documents match. They only
    let the engines rank a record that spells a word as the query does first.

    Computed piece by piece (words and their punctuation, between spaces), each piece's forms
    kept (``_piece_exact_terms``): a meeting's minutes repeat their words, and finding each
    word's span in the text took a quarter of a meeting's refill.
    """
    return [form for piece in _SPACES.split(text) if piece for form in _piece_exact_terms(piece)]


@lru_cache(maxsize=65_536)
def _piece_exact_terms(text):
    forms = []
    for word, start, end in tokens_with_spans(text):
        exact = _light_fold(text[start:end])
        if not exact or exact == word or normalize(exact) != word:
            continue
        forms.append(exact)
        if len(exact) == len(word):
            # The clitics are letters normalisation leaves alone: cut them at the same place.
            for stem in clitic_stems(word)[1:]:
                cut = len(word) - len(stem)
                exact_stem = exact[cut:]
                if exact[:cut] == word[:cut] and exact_stem != stem and normalize(exact_stem) == stem:
                    forms.append(exact_stem)
    return tuple(forms)


def surface_term(word):
    """The surface mark of a normalised word: its form without clitics, suffixes kept."""
    return SURFACE_MARK + core(word)


def surface_terms(text):
    """The surface marks of the words of ``text`` («بتوصية» → «ـتوصيه»).

    A query word's OR-group carries its own (search/engine.py): a record that has the word
    with the same ending («توصية») then matches one more of the group's terms than a record
    that only shares a word form («التوصيات»), and ranks above it. A mark never decides a
    match: it is only ever equal to the mark of a word with the same core, which is one of
    both words' stems.
    """
    return [surface_term(word) for word in tokenize(text) if not word.isdigit() and len(word) > 1]


def document_terms(texts):
    """The column value for ``texts``: their index terms, exact forms and surface marks, each
    once, space-separated. Each text's words come first, in order, so that a column holds
    a name's normalised words side by side (the organisation lookup, meetings/lookup.py,
    finds «حقوق الانس» in it); their other forms follow."""
    seen = {}
    for text in texts:
        if not text:
            continue
        for term in _short_text_terms(text) if len(text) <= _SHORT_TEXT else _text_terms(text):
            seen[term] = None
    value = " ".join(term for term in seen if len(term) <= MAX_TERM_LENGTH)
    if len(value) > MAX_COLUMN_LENGTH:
        value = value[: value.rfind(" ", 0, MAX_COLUMN_LENGTH)]
    return value


def word_terms(text):
    """The terms ``document_terms`` lists for ``text``, by kind: its normalised words, index
    terms, exact forms and surface marks. Each kind of a text is that kind of each of its words
    in turn, so the data generator assembles columns from the terms of each word
    (meetings/generate.py)."""
    return index_words(text), index_terms(text), exact_terms(text), surface_terms(text)


def _text_terms(text):
    """The terms of one text, in the order a column lists them (repeats left to the caller)."""
    return tuple(term for kind in word_terms(text) for term in kind)


# Names and titles (a meeting's, its governorate's, its organisers') come back in the column of
# every recommendation of the meeting: their terms are kept, and only theirs.
_SHORT_TEXT = 300
_short_text_terms = lru_cache(maxsize=4_096)(_text_terms)


def suggestion_words(value):
    """The words of a column value worth offering as spelling suggestions: the words as
    written and their clitic stems («بالمحاصصه», «المحاصصه», «محاصصه»), not the forms the
    suffix rules derive («توص» of «التوصيات»), which are no words to suggest. A term is a
    written word's when the column holds the surface mark of its core."""
    terms = value.split()
    marks = {term for term in terms if term.startswith(SURFACE_MARK)}
    return {term for term in terms if (mark := _suggestion_mark(term)) is not None and mark in marks}


@lru_cache(maxsize=65_536)
def _suggestion_mark(term):
    """The surface mark a column must hold for ``term`` to be a suggestion, or None if it
    never is one (too short or long, a number, not a normalised word). Cached: the same words
    come back in every record."""
    if not SUGGESTION_MIN_LENGTH <= len(term) <= SUGGESTION_MAX_LENGTH or term.isdigit() or normalize(term) != term:
        return None
    return SURFACE_MARK + core(term)


