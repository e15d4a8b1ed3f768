"""Finding a published organisation by what a reader types: the filter forms' organisation
field (meetings/filters.py) and its autocomplete endpoint (meetings/views/lookup.py).

Only ``Organization.objects.published()`` is ever looked in: an organisation known only
from drafts is neither suggested nor resolved, and nothing about it shows (not even
that a name is shared with it).

Names are compared as search compares words: through ``normalization.normalize``, so
case, hamza, ة/ه, ى/ي and diacritics do not matter. Candidates come from cheap, bounded
queries (exact and case-insensitive comparisons, ``icontains`` for the autocomplete, and
the search engine, which finds «الإنسان» for «الانسان»); the final comparison is made in
Python on those few rows, never on every organisation.
"""

import unicodedata

from django.db.models import Case, IntegerField, Q, Subquery, Value, When
from django.db.models.functions import Upper
from django.db.models.lookups import Exact

from .models import Organization
from .models.tallies import Tally, tallied
from .models.searchable import title_column
from search.normalization import normalize
from search.engine import Matches, SearchQuery

# What the autocomplete needs before it suggests anything, and how many suggestions it gives.
MIN_LOOKUP_LENGTH = 2
LOOKUP_LIMIT = 10
# Longer text is cut before it reaches a query (an organisation's name is at most 250 characters).
MAX_LOOKUP_LENGTH = 100
MAX_NAME_LENGTH = 300
# How many candidates a typed name is compared with.
CANDIDATES = 50

NAME_FIELDS = ("name_ar", "name_en")
ACRONYM_FIELDS = ("acronym_ar", "acronym_en")
LANGUAGES = ("ar", "en")
# The normalised words of each name and acronym (see models/searchable.py).
SEARCH_TITLE_FIELDS = tuple(title_column(language) for language in LANGUAGES)

# Characters no organisation name holds and that some databases refuse (PostgreSQL: NUL;
# any UTF-8 encoder: lone surrogates): control, surrogate, private-use and unassigned.
_REFUSED_CATEGORIES = frozenset(("Cc", "Cs", "Co", "Cn"))


def clean_text(text):
    """``text`` with its whitespace collapsed, or None if it holds a character no name may hold."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in text):
        return None
    return text


def collapsed(value):
    return " ".join((value or "").split())


def names_of(organization):
    """The names an organisation is known by in either language, whitespace collapsed."""
    return {name for name in (collapsed(getattr(organization, field, "")) for field in NAME_FIELDS) if name}


def acronyms_of(organization):
    return {name for name in (collapsed(getattr(organization, field, "")) for field in ACRONYM_FIELDS) if name}


def _any(fields, lookup, value):
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__{lookup}": value})
    return condition


def found_by_search(text):
    """Organisations whose words (in either language's search columns) match ``text``, as a
    condition (a subquery of primary keys); None when ``text`` holds no searchable word."""
    query = SearchQuery.parse(text)
    if not query:
        return None
    condition = Q()
    for language in LANGUAGES:
        # On the row itself (PostgreSQL: its GIN index), not as a subquery of keys, which the
        # planner can only test row by row.
        condition |= Q(Matches(query, language))
    return condition


def displayed_value(organization, others):
    """What the filter input holds for ``organization``: its name (in the current language),
    or its slug when ``others`` (other published organisations) hold that name or that slug."""
    shown = collapsed(organization.name)
    for other in others:
        if other.pk != organization.pk and (shown in names_of(other) or other.slug == shown):
            return organization.slug
    return shown


# --- The filter field ----------------------------------------------------------------------


def organization_candidates(text, *, slug=None):
    """The published organisations that ``text`` (cleaned) may name, most likely first: at
    most CANDIDATES rows, in ONE query, each with its ``published_meeting_count``.

    ``slug`` (when ``text`` looks like one): the organisation with that slug, and the other
    published organisations sharing its name (so the form can tell whether the name alone
    would find it again).
    """
    published = Organization.objects.published().without_search_columns()
    exact = _any(NAME_FIELDS, "exact", text)
    insensitive = _any(NAME_FIELDS + ACRONYM_FIELDS, "iexact", text)
    # Every arm of the condition is answered by an index on PostgreSQL (the names' and
    # acronyms' upper case, the slug, the search vectors), so the organisations are not read
    # one by one (13 ms at 5,000). An exact name is among the case-insensitive ones: only the
    # order below tells them apart.
    condition = insensitive
    whens = []
    if slug:
        chosen = published.filter(slug=slug)
        namesakes, alike = Q(), Q()
        for field in NAME_FIELDS:
            for source in NAME_FIELDS:
                names = chosen.exclude(**{source: ""}).values(source)
                namesakes |= Q(**{f"{field}__in": names})
                # The slug is unique: at most one name, compared through the upper-case index
                # (a few more candidates, differing in case, which ``choose`` tells apart).
                alike |= Q(Exact(Upper(field), Upper(Subquery(names.order_by()[:1]))))
        condition |= Q(slug=slug) | alike
        whens += [When(slug=slug, then=Value(0)), When(namesakes, then=Value(1))]
    searched = found_by_search(text)
    if searched is not None:
        condition |= searched
    whens += [When(exact, then=Value(1)), When(insensitive, then=Value(2))]
    priority = Case(*whens, default=Value(3), output_field=IntegerField())
    found = (
        published.filter(condition)
        # How the lists find its newest meetings depends on how many it has (with_organization()).
        .annotate(lookup_priority=priority, published_meeting_count=tallied(Tally.MEETINGS, "organization"))
        .order_by("lookup_priority", "pk")
    )
    return list(found[:CANDIDATES])


def choose(text, candidates, *, slug=None):
    """The organisations ``text`` names among ``candidates``, by the first rule that finds any:
    the slug; the exact name; the name with case and spelling variants folded; the acronym."""
    if slug:
        found = [c for c in candidates if c.slug == slug]
        if found:
            return found
    found = [c for c in candidates if text in names_of(c)]
    if found:
        return found
    folded = normalize(text)
    if not folded:
        return []
    found = [c for c in candidates if folded in {normalize(name) for name in names_of(c)}]
    if found:
        return found
    return [c for c in candidates if folded in {normalize(name) for name in acronyms_of(c)}]


# --- The autocomplete ------------------------------------------------------------------------


def organization_suggestions(text, *, limit=LOOKUP_LIMIT):
    """Up to ``limit`` published organisations for the autocomplete, as ``{"value", "label"}``:
    ``value`` is what goes into the filter input (the name, or the slug when another published
    organisation has the same name), ``label`` adds the acronym and governorate.

    At most two queries: the suggestions, then the other organisations with their names.
    """
    text = clean_text(text)
    if not text:
        return []
    text = text[:MAX_LOOKUP_LENGTH].strip()
    if len(text) < MIN_LOOKUP_LENGTH:
        return []
    published = Organization.objects.published()
    contains = _any(NAME_FIELDS + ACRONYM_FIELDS, "icontains", text)
    folded = normalize(text)
    if len(folded) >= MIN_LOOKUP_LENGTH:
        # Part of a word typed in another spelling («حقوق الانس» for «حقوق الإنسان»): the
        # search title columns hold the name's words normalised, in order.
        contains |= _any(SEARCH_TITLE_FIELDS, "icontains", folded)
    condition = contains
    searched = found_by_search(text)
    if searched is not None:
        condition |= searched
    priority = Case(
        When(_any(NAME_FIELDS + ACRONYM_FIELDS, "iexact", text), then=Value(0)),
        When(_any(NAME_FIELDS, "istartswith", text), then=Value(1)),
        When(contains, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    found = list(
        published.filter(condition)
        .select_related("governorate")
        .annotate(lookup_priority=priority)
        .order_by("lookup_priority", "name", "pk")[:limit]
    )
    if not found:
        return []
    shown = {collapsed(organization.name) for organization in found} - {""}
    others = list(
        Organization.objects.published()
        .filter(_any(NAME_FIELDS, "in", shown) | Q(slug__in=shown))
        .only("pk", "slug", *NAME_FIELDS)
    )
    results = []
    for organization in found:
        value = displayed_value(organization, others + found)
        parts = [collapsed(organization.name)]
        acronym = collapsed(organization.acronym)
        if acronym:
            parts.append(acronym)
        if organization.governorate_id:
            parts.append(str(organization.governorate))
        results.append({"value": value, "label": " · ".join(parts)})
    return results
