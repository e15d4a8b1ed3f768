"""Text normalisation for search: one set of rules for stored text and for queries.

Arabic minutes are typed with and without hamza («الإنسان» / «الانسان», «أكد» / «اكد»),
with ة or ه, ى or ي, diacritics or none, Arabic-Indic or Western digits. Search has to
treat all of these as the same word, and it must do so identically when a record is
saved and when a query arrives, so both go through this module. It is pure Python
(no Django) so the PostgreSQL and SQLite search backends can store what it produces.

Characters
    Each character is folded on its own, through one cached translate table (fast,
    and it gives highlighting an exact offset map):
    * NFKC (presentation forms, the lam-alef ligatures «ﻻ», «ﷲ», fullwidth Latin,
      «ﬁ» ...), then casefold; Latin accents are dropped («résumé» → «resume»);
    * removed: harakat and every other combining mark, superscript alef (U+0670),
      Quranic marks (U+0610–U+061A, U+06D6–U+06ED), tatweel, and invisible or
      direction-control characters (ZWJ/ZWNJ, LRM/RLM, ALM, LRE…PDF, LRI…PDI, BOM,
      soft hyphen: every format character);
    * unified: أ إ آ ٱ → ا; ى ی → ي; ک → ك; ة → ه; ؤ ئ → ء; every decimal digit → 0-9;
    * anything else that is not a letter or digit (punctuation, symbols, «#», «_»)
      separates words.
    Folding per character equals folding the NFKC of the whole text, because the
    marks that NFKC would compose onto a letter are removed anyway; the one exception,
    a separate hamza mark on و or ي, is composed explicitly into ء.
    A hamza on the line (ء) stays distinct from alef: «مسألة» is not «مساءلة».

Words
    ``tokenize`` splits the folded text into runs of letters and runs of digits
    («2022م» → «2022», «م»). ``normalize`` joins them with single spaces.

Clitics (the matching scheme the search backends mirror)
    An Arabic word may carry, in this order, a conjunction (و ف), a preposition
    (ب ك ل, or «لل» = ل + the article) and the article (ال). ``stems(word)`` returns the
    word and every form left by removing such prefixes, one whole unit per stage, so
    «وبالتعاون» → وبالتعاون, بالتعاون, التعاون, تعاون. A unit is removed only when at
    least MIN_STEM_LENGTH (3) letters remain, and never from a word in PROTECTED_WORDS
    (words whose first letter belongs to the word, such as «وزير», «كامل», «لجنة»);
    a form that would cut into such a word is dropped as well («للجنة» keeps «لجنه»,
    not «جنه»). Nothing is removed from the end of a word and no root is guessed, so
    «وزير» never becomes «زير» and «منظمة» never meets «نظم».

    * A document is indexed under ``index_terms(text)``: every stem of every word.
    * A query becomes ``query_terms(query)``: one QueryTerm per word, carrying the
      word's stems.
    * A document matches when, for EVERY query term, ANY of the term's stems is among
      the document's index terms (an AND of ORs). In other words two words match when
      they share a stem: «وزير» finds «الوزير», «والوزير», «للوزير», and «الوزير» finds
      «وزير»; «زير» finds none of them; «بال» and «ال» alone find nothing else.
    * Matching is on whole terms: no prefix, substring or trigram match («سان» does
      not find «الإنسان», «202» does not find «2022»). Trigram similarity may suggest
      spellings but must not decide what matches.
    Stand-alone clitic letters («و المنظمة») are not indexed nor searched for, and the
    operator words AND OR NOT NEAR are dropped from queries; every other query
    character that is not a letter or digit is a separator, so nothing a user types
    can reach a search engine as an operator.

For the backends
    Store ``" ".join(index_terms(text))`` as the column that decides matches (and
    ``normalize(text)`` where plain search text is wanted). Terms hold only letters and
    digits. PostgreSQL: ``array_to_tsvector`` of the terms, queried with
    ``(s1 | s2) & (t1)`` built from each term's stems as quoted lexemes. SQLite FTS5:
    ``("s1" OR "s2") AND "t1"``, every stem double-quoted. ``matches`` is the reference
    both must agree with (tests/search_cases.py).

Highlighting maps matches back to the original text, diacritics and all, through an
offset map built character by character alongside the same fold (``highlight``).
"""

import html
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from .wordforms import suffix_forms, whole_words

MIN_STEM_LENGTH = 3
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 10

# --- Characters -------------------------------------------------------------------------

HAMZA = "\u0621"  # ء

_LETTER_MAP = {
    "\u0622": "\u0627",  # آ alef with madda → ا
    "\u0623": "\u0627",  # أ alef with hamza above
    "\u0625": "\u0627",  # إ alef with hamza below
    "\u0671": "\u0627",  # ٱ alef wasla
    "\u0672": "\u0627",  # ٲ alef with wavy hamza above
    "\u0673": "\u0627",  # ٳ alef with wavy hamza below
    "\u0649": "\u064a",  # ى alef maqsura → ي
    "\u06cc": "\u064a",  # ی Persian yeh
    "\u06a9": "\u0643",  # ک keheh (Persian kaf) → ك
    "\u06aa": "\u0643",  # ڪ swash kaf
    "\u0629": "\u0647",  # ة taa marbuta → ه
    "\u06c3": "\u0647",  # ۃ taa marbuta goal
    "\u06c1": "\u0647",  # ہ heh goal
    "\u06d5": "\u0647",  # ە ae (also what ۀ decomposes to)
    "\u0624": HAMZA,  # ؤ hamza on waw → ء
    "\u0626": HAMZA,  # ئ hamza on yeh
}

# Removed although they are not combining marks: tatweel, high hamza (what NFKC leaves
# of ٵ), and the Quranic signs of U+06D6–U+06ED that Unicode files as letters or
# symbols (small waw, small yeh, the end-of-ayah and rub el hizb signs...).
_REMOVED = frozenset("\u0640\u0674") | frozenset(map(chr, range(0x06D6, 0x06EE)))

# Waw or yeh carrying a separate hamza-above mark, possibly among other marks: the
# decomposed spelling of ؤ and ئ. NFKC would compose it only in some mark orders; the
# hamza seat is what the writer meant in all of them.
_ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08ca-\u08ff"
_HAMZA_ON_SEAT = re.compile(f"[\u0648\u064a][{_ARABIC_MARKS}]*?\u0654[{_ARABIC_MARKS}]*")

_TOKEN = re.compile(r"[0-9]+|[^ 0-9]+")


def _fold_compatible(ch):
    """Fold one character that NFKC and casefold have already passed over."""
    if ch in _LETTER_MAP:
        return _LETTER_MAP[ch]
    if ch in _REMOVED:
        return ""
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf"):
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category[0] in "LN" or category == "Mc":
        decomposed = unicodedata.normalize("NFD", ch)
        if decomposed != ch:  # é → e + ◌́ → e
            return "".join(_fold_compatible(part) for part in decomposed)
        return ch
    return " "


def _fold_char(ch):
    """What one character becomes in search text: "" (removed), " " (a separator) or word characters."""
    compatible = unicodedata.normalize("NFKC", ch).casefold()
    return "".join(_fold_compatible(part) for part in compatible)


class _FoldTable(dict):
    """A str.translate table filled on first sight of each character."""

    # Ordinary text uses a few hundred distinct characters; the cap only stops a
    # hostile input from growing the table without bound.
    max_size = 50_000

    def __missing__(self, codepoint):
        folded = _fold_char(chr(codepoint)) or None  # None: str.translate deletes
        if len(self) < self.max_size:
            self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text):
    if "\u0654" in text:
        text = _HAMZA_ON_SEAT.sub(HAMZA, text)
    return text.translate(_FOLD_TABLE)


def tokenize(text):
    """The normalised words of ``text``, in order."""
    if not text:
        return []
    return _TOKEN.findall(_fold(text))


def normalize(text):
    """``text`` as search text: normalised words separated by single spaces, no punctuation."""
    return " ".join(tokenize(text))


# --- Clitics ----------------------------------------------------------------------------

# One unit may be removed per stage, in this order: conjunction, preposition, article.
# «لل» is ل + the article with its alef dropped (ل + الوزير = للوزير).
_PREFIX_STAGES = (("\u0648", "\u0641"), ("\u0644\u0644", "\u0628", "\u0643", "\u0644"), ("\u0627\u0644",))
_PREFIX_INITIALS = frozenset("\u0648\u0641\u0628\u0643\u0644\u0627")

# A clitic written apart from its word («و المنظمة»): it says nothing on its own.
_DETACHED_CLITICS = frozenset(("\u0648", "\u0641", "\u0628", "\u0643", "\u0644"))

# Words whose first letter is part of the word although it looks like a clitic, and
# whose remainder is another word someone may search for («وزير»/«زير», «كامل»/«امل»,
# «لجنة»/«جنة», «والي»/«إلى»). Add to it when a search shows a letter wrongly removed.
PROTECTED_WORDS = frozenset(
    _fold(word)
    for word in """
    وزير وزيرة وزارة وحدة وجود وعود وسائل وكيل والي ولاية ورقة وسام
    فساد فكرة فريق فترة فعالية فقراء فتاة فيصل
    بطاقة بلدية بارز بسام بشرى
    كامل كمال كتاب كلام كرامة كافة كريم كوارث
    لجنة لجان لقاء لباس لبنان لحظة لطيف ليلى لديه
    وطن بطن وزراء بناء بيان بيئة كبير كثير كلمة كلية كفاءة وكالة
    """.split()
)


@lru_cache(maxsize=65_536)
def clitic_stems(word):
    """``word`` (normalised) and each form left by removing its attached clitics; the word comes first."""
    if not word or word[0] not in _PREFIX_INITIALS:
        return (word,)
    forms = [word]
    for units in _PREFIX_STAGES:
        for form in list(forms):
            if form in PROTECTED_WORDS:
                continue
            for unit in units:
                if form.startswith(unit) and len(form) - len(unit) >= MIN_STEM_LENGTH:
                    stem = form[len(unit) :]
                    if stem not in forms:
                        forms.append(stem)
    protected = [form for form in forms if form in PROTECTED_WORDS]
    if protected:
        forms = [form for form in forms if not any(form != p and p.endswith(form) for p in protected)]
    return tuple(forms)


# The protected words a suffix rule may reach in a word that is not them: «واليات» is
# «و» + «آليات» far more often than the plural of «والي».
_SUFFIX_PROTECTED = PROTECTED_WORDS - {"\u0648\u0627\u0644\u064a"}

_ARTICLE_UNITS = ("\u0627\u0644", "\u0644\u0644")  # ال, and لل (ل + the article)


@lru_cache(maxsize=65_536)
def stems(word):
    """``word`` (normalised) and every form it is found by: its clitic stems, then the word
    forms of each (search/wordforms.py: «بتوصياتها» → … «توصيات», «توصيه»); the word comes first.

    A clitic stem is dropped, with its word forms, when it cuts into a protected word that
    a longer stem reaches by its suffixes: «كتابات» → «كتاب» is protected, so «تابات» and
    «تاب» are not forms of «كتابات»; «وطني» → «وطن», so not «طني».
    """
    prefix_forms = clitic_stems(word)
    derived = {}
    for form in prefix_forms:
        after_article = any(other == unit + form for other in prefix_forms for unit in _ARTICLE_UNITS)
        derived[form] = suffix_forms(form, after_article=after_article)
    dropped = set()
    for form in prefix_forms:
        if form in dropped:
            continue
        if form not in PROTECTED_WORDS and _SUFFIX_PROTECTED.isdisjoint(derived[form]):
            continue
        dropped.update(other for other in prefix_forms if other != form and form.endswith(other))
    forms = [form for form in prefix_forms if form not in dropped]
    whole = whole_words()
    for form in list(forms):
        tails = [tail for tail in forms if tail != form and form.endswith(tail)]
        # «والمنظمات» → not «والمنظم»: «منظم», a form of «منظمات», says it all.
        redundant = {form[: len(form) - len(tail)] + extra for tail in tails for extra in derived[tail]}
        # «المدني», «الدولية»: their tails are (or reach) whole words, «مدني», «دولي»; the
        # forms of the long reading («المدن», «الدول») would cut into them.
        blocked = tuple(
            form[: len(form) - len(tail)] for tail in tails if tail in whole or not whole.isdisjoint(derived[tail])
        )
        for extra in derived[form]:
            if extra not in forms and extra not in redundant and not (blocked and extra.startswith(blocked)):
                forms.append(extra)
    return tuple(forms)


@lru_cache(maxsize=65_536)
def core(word):
    """``word`` without its clitics, its own ending kept: the shortest clitic stem that is
    one of its stems («وبالتوصيات» → «توصيات», «كتابات» → «كتابات»)."""
    forms = stems(word)
    return [form for form in clitic_stems(word) if form in forms][-1]


def index_words(text):
    """The normalised words of ``text`` that are indexed (detached clitics left out), in order."""
    return [word for word in tokenize(text) if word not in _DETACHED_CLITICS]


def index_terms(text):
    """The terms a document is found by: the stems of each of its words, in order (repeats kept per word)."""
    terms = []
    for word in tokenize(text):
        if word not in _DETACHED_CLITICS:
            terms.extend(stems(word))
    return terms


# --- Queries ----------------------------------------------------------------------------

# Boolean words of FTS5 and of web search syntax. Searching for them as words is never
# what the user meant; the backends quote every term in any case.
_OPERATOR_WORDS = frozenset(("and", "or", "not", "near"))


class QueryTerm(NamedTuple):
    word: str  # the normalised query word
    stems: tuple[str, ...]  # a document matches the term when it is indexed under any of these


def _truncate(query):
    if len(query) <= MAX_QUERY_LENGTH:
        return query
    cut = query[:MAX_QUERY_LENGTH]
    if query[MAX_QUERY_LENGTH].isspace():
        return cut
    # Do not search for the first half of a word cut at the limit.
    parts = cut.rsplit(None, 1)
    return parts[0] if len(parts) == 2 else cut


def query_terms(query):
    """What a user's query searches for: at most MAX_QUERY_TERMS distinct words, in order.

    Empty when nothing searchable is left (blank input, punctuation or diacritics only).
    """
    if not query:
        return []
    terms, seen = [], set()
    for word in tokenize(_truncate(query)):
        if word in seen or word in _DETACHED_CLITICS or word in _OPERATOR_WORDS:
            continue
        seen.add(word)
        terms.append(QueryTerm(word, stems(word)))
        if len(terms) == MAX_QUERY_TERMS:
            break
    return terms


def matches(query, text):
    """Whether a search for ``query`` finds ``text``: the reference the search backends must agree with."""
    terms = query_terms(query)
    if not terms:
        return False
    document = set(index_terms(text))
    return all(not document.isdisjoint(term.stems) for term in terms)


# --- Highlighting -----------------------------------------------------------------------


def _fold_with_offsets(text):
    """``_fold(text)`` plus, for each folded character, the span of ``text`` it came from.

    A removed character (a mark, tatweel, an invisible character) is added to the span
    of the character before it, so a highlighted word keeps its diacritics.
    """
    chars, starts, ends = [], [], []
    seats = {}
    if "\u0654" in text:
        seats = {match.start(): match.end() for match in _HAMZA_ON_SEAT.finditer(text)}
    table = _FOLD_TABLE
    position, length = 0, len(text)
    while position < length:
        end = seats.get(position)
        if end is None:
            end = position + 1
            folded = table[ord(text[position])]
        else:
            folded = HAMZA
        if folded:
            for ch in folded:
                chars.append(ch)
                starts.append(position)
                ends.append(end)
        elif chars and chars[-1] != " ":
            ends[-1] = end
        position = end
    return "".join(chars), starts, ends


def tokens_with_spans(text):
    """Each normalised word of ``text`` with the (start, end) span it occupies in ``text``."""
    if not text:
        return []
    folded, starts, ends = _fold_with_offsets(text)
    return [(match.group(), starts[match.start()], ends[match.end() - 1]) for match in _TOKEN.finditer(folded)]


def highlight(text, query):
    """The (start, end) spans of ``text`` holding words that ``query`` matches, sorted and merged."""
    terms = query_terms(query)
    if not terms or not text:
        return []
    wanted = frozenset(stem for term in terms for stem in term.stems)
    spans = []
    for word, start, end in tokens_with_spans(text):
        if wanted.isdisjoint(stems(word)):
            continue
        if spans and start <= spans[-1][1]:  # one character can hold two words (ﷺ)
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def highlight_html(text, query):
    """``text`` escaped for HTML, with the words ``query`` matches wrapped in <mark>."""
    if not text:
        return ""
    parts, position = [], 0
    for start, end in highlight(text, query):
        parts.append(html.escape(text[position:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)
