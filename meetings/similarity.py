"""Organisations whose names are close to a name typed as "new" in the workspace's form.

A typo («منظمة الامل» for «منظمة الأمل»), a missing article or a different spelling of a
hamza would otherwise create a duplicate. Names are compared after the search
normalisation (search/normalization.py: hamza, ta marbuta, alef maqsura, marks and
case folded), first on a bounded set of candidates read from the database (those whose
indexed name shares a word with the typed one), then in Python: the same normalised
name, or a small edit distance, or a high share of letter trigrams.
"""

from django.db.models import Q

from search.normalization import index_terms, normalize

CANDIDATE_LIMIT = 300
SUGGESTION_LIMIT = 5
MIN_WORD_LENGTH = 3
# Two names are "close" when their trigram similarity (Jaccard) reaches this,
# or when they are at most this many edits apart (more for longer names).
TRIGRAM_THRESHOLD = 0.5


def _trigrams(text):
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a, b):
    """Share of letter trigrams (as PostgreSQL's pg_trgm would count them, roughly), 0 to 1."""
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def edit_distance(a, b, limit=None):
    """Levenshtein distance between ``a`` and ``b`` (stops early above ``limit``)."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _allowed_edits(text):
    return 1 if len(text) <= 8 else 2 if len(text) <= 20 else 3


def names_are_close(typed, existing):
    """Whether two names (normalised) probably mean the same organisation."""
    if not typed or not existing:
        return False
    if typed == existing:
        return True
    allowed = _allowed_edits(typed)
    if abs(len(typed) - len(existing)) <= allowed and edit_distance(typed, existing, allowed) <= allowed:
        return True
    return trigram_similarity(typed, existing) >= TRIGRAM_THRESHOLD


def similar_organizations(name, among):
    """Up to five organisations of ``among`` (a QuerySet) whose name or short name is close to
    ``name``, the closest first. Two queries at most, whatever the number of organisations."""
    typed = normalize(name)
    if not typed:
        return []
    words = sorted({term for term in index_terms(name) if len(term) >= MIN_WORD_LENGTH}, key=len, reverse=True)[:6]
    if not words:
        words = [typed]
    shares_a_word = Q()
    for word in words:
        shares_a_word |= Q(search_title_ar__contains=word) | Q(search_title_en__contains=word)
    candidates = among.filter(shares_a_word).order_by().only("pk", "name_ar", "name_en", "acronym", "slug")
    scored = []
    for organization in candidates[:CANDIDATE_LIMIT]:
        best = 0.0
        for value in (organization.name_ar, organization.name_en, organization.acronym):
            existing = normalize(value or "")
            if names_are_close(typed, existing):
                best = max(best, 1.0 if existing == typed else trigram_similarity(typed, existing) + 0.01)
        if best:
            scored.append((-best, organization.name_ar or "", organization.pk, organization))
    scored.sort(key=lambda item: item[:3])
    return [organization for *_key, organization in scored[:SUGGESTION_LIMIT]]
