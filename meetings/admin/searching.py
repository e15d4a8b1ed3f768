"""The admin's search at real size: through the site's search index, never a scan of every row.

Django's admin searches with ``icontains`` on each of ``search_fields``, OR-ed, with a join
for every related field. On 100,000 meetings and a million recommendations that read every
row of the table and of the joined ones: 4 s to search the meetings, 16 s the
recommendations, and 41 s for a meeting picker (an autocomplete field) to answer, past
gunicorn's timeout (docs/performance.md, "Session 16").

Here, a ModelAdmin says instead which sets of rows a search looks in (``search_sets``),
each found through an index:

* ``indexed()``: the rows of a searchable model (meetings, recommendations, organisations)
  whose search terms hold the words typed, in either language — the same index, Arabic
  spelling rules and stems as the site's search (search/engine.py); the last word also finds
  the words it begins, so a picker answers while a word is being typed;
* ``containing()``: the rows of a small table (people, posts, users) whose fields contain
  the text, as Django does it;
* the rows pointing at those, by their indexed foreign key (``pointing_at()``).

The sets are joined in one ``UNION`` of primary keys, and the list keeps its own order and
filters. A person marked protected has no search terms (models/searchable.py), so people
are found by ``containing()`` on their names: the admin must find every person.
"""

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

from search.engine import SearchQuery, found_keys


def indexed(queryset, text):
    """The primary keys of the rows of ``queryset`` (of a searchable model) that ``text``
    finds in either language, its last word also as the beginning of a word; None when
    ``text`` holds no word to search by."""
    query = SearchQuery.parse(text, prefix=True)
    return found_keys(queryset, query) if query else None


def containing(queryset, fields, text):
    """The primary keys of the rows of ``queryset`` with ``text`` in one of ``fields``."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.order_by().filter(condition).values("pk")


def pointing_at(queryset, field, keys, column="pk"):
    """``column`` of the rows of ``queryset`` whose ``field`` is one of ``keys`` (a set of primary
    keys, or None for none)."""
    if keys is None:
        return None
    return queryset.order_by().filter(**{f"{field}__in": keys}).values(column)


def numbered(queryset, text):
    """The primary key of the row whose number is ``text`` (a number copied from an address), or None."""
    return queryset.order_by().filter(pk=int(text)).values("pk") if text.isdigit() and len(text) < 18 else None


class IndexedSearchMixin:
    """For a ModelAdmin of a large table: its search, and every autocomplete field that picks
    its records, finds rows through ``search_sets()`` (see the module docstring).

    ``search_fields`` still says what is searched (Django shows the search box, and allows
    autocomplete fields, only when it is set) but is not read here.
    """

    def search_sets(self, text):
        """The sets of primary keys a search for ``text`` looks in (None entries are skipped)."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        text = search_term.strip()
        if not text:
            return queryset, False
        sets = [found for found in self.search_sets(text) if found is not None]
        if not sets:
            return queryset.none(), False
        keys = sets[0].union(*sets[1:]) if len(sets) > 1 else sets[0]
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            # The keys read once, then handed to the list's queries as one array: left as a
            # subquery, the planner guessed a thousand rows and, for a word found in ten
            # thousand updates, ran the searches again for each row it sorted (6.8 s).
            found = [row[0] for row in keys.values_list("pk")]
            return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [found])), False
        return queryset.filter(pk__in=keys), False
