"""Search across published meetings, recommendations, organisations and public people.

Matching
    A query goes through ``normalization.query_terms``: one term per word, each with
    the word's stems. A record matches when every term has at least one of its stems
    among the record's index terms (an AND of ORs, as ``normalization.matches`` says),
    whole terms only. The index terms are stored on each record
    (models/searchable.py); both engines match on exactly those strings, so PostgreSQL
    and SQLite find the same records (tests/test_search_engine_cases.py runs the shared
    test set through both). Each term's OR-group also holds the word's *exact forms*
    («الإنسان» beside «الانسان») and its *surface mark* («ـتوصيه»: the word without clitics,
    its ending kept): they cannot change what matches (search/terms.py says why) but make a
    record that spells the word as the query does rank first, and a record with the
    query's own word form («توصية») above one that only shares a stem («التوصيات»).

    PostgreSQL: ``search_vector_<lang> @@ '(s1 | s2) & (t1)'::tsquery`` on the generated,
    GIN-indexed tsvector column (search/schema.py). SQLite:
    ``id IN (SELECT rowid FROM <table>_fts_<lang> WHERE … MATCH '("s1" OR "s2") AND "t1"')``.
    Every term is quoted and holds only letters and digits, so nothing a user types
    reaches either engine as an operator.

Ranking
    PostgreSQL ``ts_rank`` over the weighted vector (title terms weight A, body terms C:
    a match in a title or a recommendation's text counts five times one in the minutes),
    SQLite ``bm25`` with the same 5:1 column weights. Ties go to the newer record.
    When more than ``COUNT_CAP`` records match, only the first ``RANK_WINDOW`` found are
    ranked (and paged through), and on the "all kinds" page, which shows ``PREVIEW`` of
    each, the first ``PREVIEW_WINDOW``: ranking means reading each match's whole vector, and
    for a word found in a hundred thousand records that alone takes longer than a page may.
    A reader faced with "1000+" results refines the query.

Language
    /en/search/ searches the English columns, which hold each field's English text or,
    where a record has none, its Arabic (what the English page shows). Arabic queries on
    the English site therefore still find untranslated records.

Only the public is searched
    Every kind starts from its ``published()`` QuerySet method — published meetings,
    recommendations of published meetings, organisations that appear in published
    records, public people who took part in a published meeting — and a protected
    person's name is in no search column at all (models/searchable.py).

Counting
    Never a full count: each kind's count is the number of keys a ``LIMIT COUNT_CAP + 1``
    subquery returns (shown as "1000+"), all kinds in one query; up to the cap, the ranking
    then reads those rows by key (``capped_matches``). On PostgreSQL the planner's
    estimate comes first (``EXPLAIN`` through ``sanad_count_estimate``, from the statistics
    of the tsvector columns, whose target the migration raises): a kind estimated above ``BROAD_ESTIMATE`` matches is
    shown as "1000+" without counting, because even a capped count of a word found in
    every tenth record reads thousands of rows.

Spelling suggestions
    When a search finds fewer than ``SUGGEST_BELOW`` records, each query word is compared
    with the vocabulary of indexed words (``SearchTerm``) by trigram similarity —
    pg_trgm's ``%`` operator and GIN index on PostgreSQL, an FTS5 trigram table and the
    same similarity measure in Python on SQLite. A word that finds little on its own is
    replaced by the similar word that finds ten times as much ("did you mean …?", a
    link to that search). A suggestion is only ever a word that finds published
    records: the vocabulary is not trusted on its own. The suggestion never changes the
    results shown: matching stays exact.
"""

import json
from dataclasses import dataclass, field
from typing import Callable

from django.db import NotSupportedError, OperationalError, connections
from django.db.models import Expression, FloatField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields import BooleanField
from django.db.models.sql.datastructures import BaseTable
from django.utils.html import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, Organization, Participation, Person, Recommendation
from meetings.models.base import count_subquery
from meetings.models.searchable import SEARCH_LANGUAGES, SearchHold, search_columns
from .normalization import MAX_QUERY_LENGTH, clitic_stems, highlight, highlight_html, normalize, query_terms, stems, tokenize
from .terms import SUGGESTION_MIN_LENGTH, exact_terms, surface_term
from .schema import CAPPED_COUNT, CAPPED_IDS, COUNT_ESTIMATE, FIRST_IDS, FIRST_IDS_IN_TURN, MEETING_ORGANIZATION_IDS, TERMS_TABLE, TERMS_TRIGRAM_TABLE, fts_table, vector_column

PER_PAGE = 20
PREVIEW = 5  # results of each kind on the "all kinds" page
COUNT_CAP = 1000
MAX_PAGE = COUNT_CAP // PER_PAGE
RANK_WINDOW = 100
# The "all kinds" page shows PREVIEW results of each kind: when more than COUNT_CAP match,
# it ranks the first PREVIEW_WINDOW found, not RANK_WINDOW (for a word in a tenth of the
# recommendations, reading rows until 100 match took up to 20 ms; until 30, a third of that).
PREVIEW_WINDOW = 30
# PostgreSQL: a kind whose matches the planner estimates above this is not counted at all.
# The estimates are within a factor of two of the truth for words found in more than a
# thousand rows (measured on the benchmark's data), so five times the cap is safe.
BROAD_ESTIMATE = 5 * COUNT_CAP
# PostgreSQL: below this many estimated matches, the ranking window's candidates are found
# through the GIN index; above, by reading rows in order until enough match (see ``ranked``).
# Each kind may set its own (``SearchKind.gin_first_below``); docs/search.md has the measures.
GIN_FIRST_BELOW = 30_000
SUGGEST_BELOW = 3
SUGGESTIONS_PER_WORD = 3
# The shortest beginning of a word that a query being typed searches by (``SearchQuery.parse(prefix=True)``):
# a word begun with one or two letters would read most of the index.
PREFIX_MIN_LENGTH = 3

# FTS5's bm25 weights of the title and body columns: the same 5:1 as PostgreSQL's A and C.
BM25_WEIGHTS = (5.0, 1.0)


# --- Queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """A user's query, parsed: one OR-group of strings per query word."""

    text: str
    terms: tuple
    groups: tuple  # per term: its stems, then its exact forms and its surface mark
    # Forms that the last term may also begin with (``parse(prefix=True)``): a word still being typed.
    prefixes: tuple = ()

    @classmethod
    def parse(cls, text, *, prefix=False):
        """``text`` as a query. ``prefix``: its last word also finds the words it begins, in
        any of its clitic forms of at least ``PREFIX_MIN_LENGTH`` letters («مأر» finds «مأرب»,
        «بمأر» finds «مأرب» too): for a search box that answers as the user types."""
        text = text or ""
        terms = tuple(query_terms(text))
        # Exact forms of the query's words (a long query is cut where query_terms cuts it).
        exact = exact_terms(text[: MAX_QUERY_LENGTH + 1])
        groups = []
        for term in terms:
            forms = dict.fromkeys(term.stems)
            forms.update(dict.fromkeys(form for form in exact if normalize(form) in term.stems))
            if not term.word.isdigit() and len(term.word) > 1:
                # Ranks a record with the query's own ending above one that shares a form (search/terms.py).
                forms[surface_term(term.word)] = None
            groups.append(tuple(forms))
        prefixes = ()
        if prefix and terms:
            prefixes = tuple(form for form in clitic_stems(terms[-1].word) if len(form) >= PREFIX_MIN_LENGTH)
        return cls(text, terms, tuple(groups), prefixes)

    @classmethod
    def of_words(cls, words):
        """A query for normalised ``words`` (the words of a spelling suggestion)."""
        return cls.parse(" ".join(words))

    def __bool__(self):
        return bool(self.terms)

    @property
    def words(self):
        return [term.word for term in self.terms]

    def _alternatives(self, quote, prefix_suffix):
        """Per term, its forms quoted; the last term's ``prefixes`` too, with ``prefix_suffix``."""
        groups = [[quote(form) for form in group] for group in self.groups]
        if groups:
            groups[-1] += [quote(form) + prefix_suffix for form in self.prefixes]
        return groups

    def tsquery(self):
        """PostgreSQL: ``('s1' | 's2') & ('t1' | 't':*)``, every lexeme quoted."""
        return " & ".join("(" + " | ".join(group) + ")" for group in self._alternatives(_pg_quote, ":*"))

    def rank_tsquery(self):
        """PostgreSQL: every form of every word OR-ed, to rank by (see ``ts_rank``)."""
        return " | ".join(_pg_quote(form) for group in self.groups for form in group)

    def fts5(self):
        """SQLite FTS5: ``("s1" OR "s2") AND ("t1" OR "t"*)``, every term double-quoted."""
        return " AND ".join("(" + " OR ".join(group) + ")" for group in self._alternatives(_fts5_quote, "*"))


def _pg_quote(lexeme):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _fts5_quote(term):
    return '"' + term.replace('"', '""') + '"'


# --- Engine expressions ----------------------------------------------------------------------


class _SearchExpression(Expression):
    """An expression over the base table of the query it is compiled in."""

    def __init__(self, query, language):
        super().__init__(output_field=self.output_field_class())
        self.query, self.language = query, language

    def _table(self, compiler):
        # The alias of the query's own table (not Query.base_table: that cached value
        # is not updated when the query is relabelled to become a subquery).
        query = compiler.query
        alias = next((a for a, table in query.alias_map.items() if isinstance(table, BaseTable)), None)
        if alias is None:
            alias = query.get_initial_alias()
        return compiler.quote_name_unless_alias(alias), query.model

    def _pk(self, compiler, connection):
        table, model = self._table(compiler)
        return f"{table}.{connection.ops.quote_name(model._meta.pk.column)}", model

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"Full-text search is not available on {connection.vendor}.")

    def get_group_by_cols(self):
        return []

    def __repr__(self):
        return f"{type(self).__name__}({self.query.text!r}, {self.language!r})"


class Matches(_SearchExpression):
    """True for the rows the query finds (usable in ``filter()``). Never a meeting held out of the
    search (``SearchHold``: its document may still name a person protected since), unless
    ``with_held``: for looking through the documents themselves, never for a reader."""

    output_field_class = BooleanField

    def __init__(self, query, language, *, with_held=False):
        super().__init__(query, language)
        self.with_held = with_held

    def _not_held(self, pk, model, connection):
        if model is not Meeting or self.with_held:
            return ""
        held = connection.ops.quote_name(SearchHold._meta.db_table)
        return f" AND NOT EXISTS (SELECT 1 FROM {held} WHERE {held}.meeting_id = {pk})"

    def as_postgresql(self, compiler, connection):
        table, _model = self._table(compiler)
        pk, model = self._pk(compiler, connection)
        match = f"{table}.{vector_column(self.language)} @@ %s::tsquery"
        return f"({match}{self._not_held(pk, model, connection)})", [self.query.tsquery()]

    def as_sqlite(self, compiler, connection):
        pk, model = self._pk(compiler, connection)
        fts = fts_table(model._meta.db_table, self.language)
        match = f"{pk} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
        return f"({match}{self._not_held(pk, model, connection)})", [self.query.fts5()]


class Rank(_SearchExpression):
    """How well a found row matches: higher is better."""

    output_field_class = FloatField

    def as_postgresql(self, compiler, connection):
        table, _model = self._table(compiler)
        return f"ts_rank({table}.{vector_column(self.language)}, %s::tsquery)", [self.query.rank_tsquery()]

    def as_sqlite(self, compiler, connection):
        pk, model = self._pk(compiler, connection)
        fts = fts_table(model._meta.db_table, self.language)
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        return (
            f"(SELECT -bm25({fts}, {weights}) FROM {fts} WHERE {fts} MATCH %s AND rowid = {pk})",
            [self.query.fts5()],
        )


class NamesOrganization(_SearchExpression):
    """True for the rows whose copy of organisation keys (``column``) holds ``organization_pk``:
    a recommendation's addressees, the organisations that took part in a meeting. Their search
    indexes hold the copy beside the words (PostgreSQL: search/schema.py, "The organisations
    beside the words"), so that a word and an organisation are intersected in the index."""

    output_field_class = BooleanField

    def __init__(self, column, organization_pk):
        super().__init__(None, None)
        self.column, self.organization_pk = column, int(organization_pk)

    def as_postgresql(self, compiler, connection):
        table, _model = self._table(compiler)
        return f"{table}.{self.column} @> ARRAY[%s]::bigint[]", [self.organization_pk]

    def __repr__(self):
        return f"{type(self).__name__}({self.column!r}, {self.organization_pk!r})"


def _by_organization_keys(method, column):
    """The search's organisation filter of a kind: QuerySet ``method`` (what the list pages use),
    answered by the copy that the search index holds (``NamesOrganization``) on PostgreSQL."""

    def narrow(queryset, organization):
        if connections[queryset.db].vendor == "postgresql":
            return queryset.filter(NamesOrganization(column, organization.pk))
        return getattr(queryset, method)(organization)

    narrow.__name__ = method
    return narrow


def search_language(language=None):
    language = (language or get_language() or "").split("-")[0]
    return language if language in SEARCH_LANGUAGES else SEARCH_LANGUAGES[0]


def matching(queryset, query, language=None):
    """``queryset`` narrowed to the rows ``query`` (a :class:`SearchQuery`) finds."""
    if not query:
        return queryset.none()
    return queryset.filter(Matches(query, search_language(language)))


ALL_ROWS = 2**31 - 1  # a row limit of FIRST_IDS that is none


def found_keys(queryset, query, *, with_held=False):
    """The primary keys of every row of ``queryset`` that ``query`` finds in any language,
    unranked (the admin's search, meetings/admin/searching.py; with the meetings held out of the
    search if ``with_held``, meetings/protection.py).

    PostgreSQL reads them through the GIN indexes whatever the planner estimates: for a word
    in a tenth of the meetings it chose to read every row's search vector, stored out of
    line (1.8 s against 90 ms)."""
    condition = Q()
    for language in SEARCH_LANGUAGES:
        condition |= Q(Matches(query, language, with_held=with_held))
    found = queryset.order_by().filter(condition).values("pk")
    connection = connections[found.db]
    if connection.vendor != "postgresql":
        return found
    sql, params = pk_sql(found)
    every = RawSQL(f"SELECT * FROM {FIRST_IDS}(%s, %s)", [connection.ops.compose_sql(sql, params), ALL_ROWS])
    return queryset.model._base_manager.order_by().filter(pk__in=every).values("pk")


_DEFAULT = object()


def ranked(queryset, query, language=None, *, window=_DEFAULT, gin_first=False, among=None, best=None):
    """The rows of ``queryset`` that ``query`` finds, best first (see "Ranking" above).

    ``window`` caps how many matches are ranked (``RANK_WINDOW`` by default); None ranks them all.
    ``gin_first`` (PostgreSQL): pick the window's candidates through the GIN index — faster
    for a word in a few percent of the rows, slower for a word in most of them (``search()``
    decides from the planner's estimate; search/schema.py, ``sanad_first_ids``).
    ``among``: the keys of every row ``queryset`` finds, when the count found them (``_fill``):
    they are all ranked, read by key, instead of testing every candidate of a filter again.
    ``best``: how many of the first rows the caller reads. When a window or ``among`` says which
    rows are ranked, those are then ranked on their search vectors alone, and only the ``best``
    first are read with the columns and joins the caller adds (a page shows 5 or 20 of up to
    1,000 matches; docs/search.md).
    """
    language = search_language(language)
    window = RANK_WINDOW if window is _DEFAULT else window
    found = matching(queryset, query, language)
    manager = queryset.model._default_manager
    ranking = None  # the rows to rank, without the filters that chose them
    read = manager  # what the best of them are read from
    if among is not None:
        # The page's own filters stay on the rows read (a row unpublished since the count is left out).
        ranking, read = _among(manager.all(), among), found
        found = _among(found, among)
    elif window is not None:
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            # Either way the same candidates on every request (search/schema.py).
            sql, params = pk_sql(found)
            function = FIRST_IDS if gin_first else FIRST_IDS_IN_TURN
            candidates = RawSQL(f"SELECT * FROM {function}(%s, %s)", [connection.ops.compose_sql(sql, params), window])
            found = ranking = manager.filter(pk__in=candidates)
        else:
            found = ranking = manager.filter(pk__in=found.order_by().values("pk")[:window])
    order = ("-search_rank", "-pk")
    if best is not None and ranking is not None:
        first = ranking.annotate(search_rank=Rank(query, language)).order_by(*order).values("pk")[:best]
        found = read.filter(pk__in=first)
    return found.annotate(search_rank=Rank(query, language)).order_by(*order)


# --- What can be searched --------------------------------------------------------------------


@dataclass(frozen=True)
class SearchKind:
    """One kind of record: where its public rows come from, which filters apply and how it is shown."""

    name: str
    label: object
    published: Callable[[], QuerySet]
    filters: dict  # filter field → QuerySet method, or a function of the QuerySet and the value
    listing: Callable[[QuerySet], QuerySet]
    title_field: str
    snippet_fields: tuple = ()
    template: str = ""
    # Whether there may be so many rows that a word can match tens of thousands of them
    # (the planner is then asked first, see "Counting"); organisations and people are few.
    may_be_large: bool = False
    # PostgreSQL, a kind that may be large: the most matches the planner may estimate for the
    # ranking window's candidates to be found through the GIN index rather than by reading
    # rows in order until enough match (``ranked``); None: always through the GIN index.
    gin_first_below: int | None = GIN_FIRST_BELOW


def _without_search_columns(queryset, prefix=""):
    """The search columns are long and no page shows them: leave them in the database."""
    return queryset.defer(*search_columns(prefix))


_MEETING_LINK_FIELDS = ("slug", "date", *(f"title{suffix}" for suffix in ("", *(f"_{code}" for code in SEARCH_LANGUAGES))))


def _people_listing(queryset):
    """A person found: the last three published meetings they took part in, and how many in all."""
    taken_part = (
        Participation.objects.published()
        .select_related("meeting")
        # What the hit shows of each meeting: its title, date and address.
        .only("person_id", "meeting_id", *(f"meeting__{name}" for name in _MEETING_LINK_FIELDS))
        .order_by("-meeting__date", "-pk")
    )
    return _without_search_columns(queryset).annotate(
        published_meeting_count=count_subquery(Participation.objects.published().filter(person=OuterRef("pk")))
    ).prefetch_related(Prefetch("participations", queryset=taken_part[:3], to_attr="published_participations"))


DATE_FILTERS = ("date_from", "date_to")

KINDS = {
    kind.name: kind
    for kind in (
        SearchKind(
            "meetings",
            _("Meetings"),
            lambda: Meeting.objects.published(),
            {
                "governorate": "in_governorate",
                "project": "in_project",
                "organization": _by_organization_keys("with_organization", MEETING_ORGANIZATION_IDS),
                "date_from": None,
                "date_to": None,
            },
            # The card's columns and the minutes, which a card leaves out and a snippet is cut from.
            lambda queryset: _without_search_columns(queryset.for_listing().defer(None)),
            "title",
            ("summary", "minutes", "city", "venue"),
            "includes/search_hit_meeting.html",
            may_be_large=True,
            # A meeting's vector is large and stored out of line: reading meetings in turn
            # until 100 match cost up to 40 ms where a word is rarer among the first rows
            # read, the GIN index at most 14 ms, however many match (docs/search.md).
            gin_first_below=None,
        ),
        SearchKind(
            "recommendations",
            _("Recommendations"),
            lambda: Recommendation.objects.published(),
            {
                "governorate": "in_governorate",
                "project": "in_project",
                "organization": "addressed_to",
                "status": "with_status",
                "date_from": None,
                "date_to": None,
            },
            lambda queryset: _without_search_columns(queryset.for_listing()).defer(
                *(f"meeting__{field}{suffix}" for field in ("summary", "minutes") for suffix in ("", "_ar", "_en")),
                *search_columns("meeting__"),
            ),
            "text",
            (),
            "includes/search_hit_recommendation.html",
            may_be_large=True,
            # Up to a tenth of the rows, the GIN index (at most 15 ms measured); above, reading
            # rows in order finds 100 matches sooner than the GIN index reads its long lists.
            gin_first_below=100_000,
        ),
        SearchKind(
            "organizations",
            _("Organisations"),
            lambda: Organization.objects.published(),
            {"governorate": "in_governorate"},
            lambda queryset: _without_search_columns(queryset.select_related("governorate")),
            "name",
            ("acronym", "description"),
            "includes/search_hit_organization.html",
        ),
        SearchKind(
            "people",
            _("People"),
            lambda: Person.objects.published(),
            {},
            _people_listing,
            "name",
            (),
            "includes/search_hit_person.html",
        ),
    )
}


def applicable_kinds(filters):
    """The kinds every active filter applies to."""
    active = {name for name, value in filters.items() if value not in (None, "")}
    return [kind for kind in KINDS.values() if active <= set(kind.filters)]


def filtered(kind, filters):
    """``kind``'s public rows narrowed by ``filters`` (validated values), through its QuerySet methods."""
    queryset = kind.published()
    for name, value in filters.items():
        if value in (None, "") or name in DATE_FILTERS:
            continue
        method = kind.filters[name]
        queryset = method(queryset, value) if callable(method) else getattr(queryset, method)(value)
    if filters.get("date_from") or filters.get("date_to"):
        queryset = queryset.between(filters.get("date_from"), filters.get("date_to"))
    return queryset


# --- Counting --------------------------------------------------------------------------------


def pk_sql(queryset):
    """``(sql, params)`` selecting the primary keys of ``queryset``'s rows, unordered.

    A :class:`~django.db.models.QuerySet` or what this returned for it (compiled once
    per search and used by the estimate and the count)."""
    if isinstance(queryset, tuple):
        return queryset
    return queryset.order_by().values("pk").query.sql_with_params()


def capped_matches(querysets, cap=None):
    """``{name: [pk, …]}`` for ``{name: queryset}`` in one query: the primary keys of up to
    ``cap + 1`` rows of each (``COUNT_CAP`` by default), in no order. Their number is the
    kind's capped count ("1000+" above the cap); at or below it they are all the matches, which
    the ranking then reads by key instead of testing every candidate again (``_fill``).
    A queryset may also be given as its ``pk_sql()``; None for one not to be looked at."""
    if not querysets:
        return {}
    cap = COUNT_CAP if cap is None else int(cap)
    connection = connections[Meeting.objects.db]
    parts, params = [], []
    for queryset in querysets.values():
        if queryset is None:
            parts.append("NULL")
            continue
        sql, part_params = pk_sql(queryset)
        if connection.vendor == "postgresql":
            # Through the GIN indexes, like the capped count (search/schema.py, sanad_capped_ids).
            parts.append(f"{CAPPED_IDS}(%s, %s)")
            params += [connection.ops.compose_sql(sql, part_params), cap]
        else:
            parts.append(f"(SELECT group_concat(pk) FROM ({sql} LIMIT {cap + 1}) AS found)")
            params += list(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: _keys(value) for name, value in zip(querysets, row, strict=True)}


class _HasKey(_SearchExpression):
    """True for the rows whose primary key is among ``keys``, given as one parameter: Django
    prepares each value of ``pk__in`` on its own and psycopg then reads a placeholder per key, which
    for the thousand keys of a count cost more than the ranking's SQL (docs/search.md). PostgreSQL
    gets an array, whose length the planner sees; SQLite, whose versions before 3.32 take at most
    999 parameters a statement, one JSON text."""

    output_field_class = BooleanField

    def __init__(self, keys):
        super().__init__(None, None)
        self.keys = [int(key) for key in keys]

    def as_postgresql(self, compiler, connection):
        pk, _model = self._pk(compiler, connection)
        return f"{pk} = ANY(%s::bigint[])", [self.keys]

    def as_sqlite(self, compiler, connection):
        pk, _model = self._pk(compiler, connection)
        return f"{pk} IN (SELECT value FROM json_each(%s))", [json.dumps(self.keys)]

    def __repr__(self):
        return f"{type(self).__name__}({len(self.keys)} keys)"


def _among(queryset, keys):
    """``queryset`` narrowed to the rows of ``keys`` (up to ``COUNT_CAP + 1`` of them)."""
    return queryset.filter(_HasKey(keys))


def _keys(value):
    """The keys a part of ``capped_matches`` returned: an array (PostgreSQL), a comma-separated
    text (SQLite, NULL when none) or NULL for a queryset not looked at."""
    if isinstance(value, str):
        return [int(key) for key in value.split(",")]
    return list(value or [])


def _capped_count_sql(pk_query, cap):
    """SQL (and params) of an expression counting the rows of ``pk_query`` up to ``cap + 1``.

    PostgreSQL: through ``sanad_capped_count``, which finds the matches through the GIN
    indexes (search/schema.py says why)."""
    sql, params = pk_query
    connection = connections[Meeting.objects.db]
    if connection.vendor == "postgresql":
        return f"{CAPPED_COUNT}(%s, %s)", [connection.ops.compose_sql(sql, params), cap]
    return f"(SELECT COUNT(*) FROM ({sql} LIMIT {cap + 1}) AS found)", list(params)


def found_any(queryset):
    """``(sql, params)`` of a boolean SQL expression: whether ``queryset`` (narrowed by
    :func:`matching`) has a row. On PostgreSQL the rows are found through the GIN indexes
    (``sanad_capped_count``): as ``EXISTS``, a word in a few dozen rows of a table had the planner
    walk the table expecting one soon, and a word no row holds read all of it. On SQLite, the
    first row of the query (its FTS5 match)."""
    sql, params = _capped_count_sql(pk_sql(queryset), 0)
    return f"{sql} > 0", params


def estimated_counts(querysets):
    """PostgreSQL: ``{name: rows the planner expects}`` for ``{name: queryset}``, in one
    query that only plans them (``sanad_count_estimate``, search/schema.py);
    ``{}`` elsewhere. A queryset may also be given as its ``pk_sql()``."""
    if not querysets:
        return {}
    connection = connections[Meeting.objects.db]
    if connection.vendor != "postgresql":
        return {}
    statements = []
    for queryset in querysets.values():
        sql, params = pk_sql(queryset)
        statements.append(connection.ops.compose_sql(sql, params))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"{COUNT_ESTIMATE}(%s)" for _ in statements), statements
        )
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def found_counts(queries, filters=None, language=None, *, cap=100):
    """For each :class:`SearchQuery` of ``queries``: how many public records of all kinds it
    finds, each kind counted up to ``cap + 1`` (one query)."""
    if not queries:
        return []
    language = search_language(language)
    filters = filters or {}
    kinds = applicable_kinds(filters)
    parts, params = [], []
    for query in queries:
        counts = []
        for kind in kinds:
            part, part_params = _capped_count_sql(pk_sql(matching(filtered(kind, filters), query, language)), cap)
            counts.append(part)
            params.extend(part_params)
        parts.append("(" + " + ".join(counts) + ")" if counts else "0")
    with connections[Meeting.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [int(value) for value in row]


# --- Highlighting ----------------------------------------------------------------------------

SNIPPET_LENGTH = 220
# A snippet is looked for in the first this many characters of a long text (the minutes of
# a day-long meeting): highlighting reads every character, and a page shows twenty results.
SNIPPET_SCAN = 20_000
# The first match is looked for in this many characters first, then in the rest.
SNIPPET_HEAD = 1_500


def _mentions(text, query_text):
    """Whether ``text`` holds a word the query matches (fast: no offsets)."""
    wanted = {stem for term in query_terms(query_text) for stem in term.stems}
    return any(not wanted.isdisjoint(stems(word)) for word in set(tokenize(text)))


def snippet_html(text, query_text, *, length=SNIPPET_LENGTH):
    """A window of ``text`` around its first match of the query, matches marked; None if nothing matches."""
    if not text:
        return None
    text = text[:SNIPPET_SCAN]
    if not _mentions(text, query_text):
        return None  # the common case, checked without building the offset map
    spans = []
    if len(text) > SNIPPET_HEAD:
        # The first match is usually near the start: map the offsets of the first words
        # only, cut at a space so that no word is cut in two.
        head = text.rfind(" ", 0, SNIPPET_HEAD)
        spans = highlight(text[:head], query_text) if head > 0 else []
    spans = spans or highlight(text, query_text)
    if not spans:
        return None
    if len(text) <= length:
        return mark_safe(highlight_html(text, query_text))  # noqa: S308 — highlight_html escapes the text
    first_start, first_end = spans[0]
    start = max(0, first_start - length // 3)
    end = max(min(len(text), start + length), first_end)
    if start > 0:  # do not cut a word: start after a space
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    piece = highlight_html(text[start:end].strip(), query_text)
    return mark_safe(("… " if start > 0 else "") + piece + (" …" if end < len(text) else ""))  # noqa: S308


def annotate_highlights(kind, rows, query_text):
    """Give each row ``hit_title`` (its title, matches marked) and ``hit_snippet`` (or None)."""
    for row in rows:
        title = getattr(row, kind.title_field) or ""
        row.hit_title = snippet_html(title, query_text, length=400) or mark_safe(highlight_html(title[:400], query_text))  # noqa: S308
        row.hit_snippet = None
        for name in kind.snippet_fields:
            row.hit_snippet = snippet_html(getattr(row, name) or "", query_text)
            if row.hit_snippet:
                break
    return rows


# --- Spelling suggestions --------------------------------------------------------------------


def trigrams(word):
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    """pg_trgm's ``similarity()`` for two single words."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second) if first or second else 0.0


SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default


def similar_terms(words, *, per_word=SUGGESTIONS_PER_WORD, using="default"):
    """``{word: [vocabulary terms most similar to it, best first]}`` (one query)."""
    words = [word for word in words if len(word) >= SUGGESTION_MIN_LENGTH and not word.isdigit()]
    if not words:
        return {}
    connection = connections[using]
    found = {word: [] for word in words}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""SELECT query.word, candidate.term
                FROM unnest(%s::text[]) AS query(word)
                CROSS JOIN LATERAL (
                    SELECT term FROM {TERMS_TABLE}
                    WHERE term %% query.word AND term <> query.word
                    ORDER BY similarity(term, query.word) DESC, term
                    LIMIT %s
                ) AS candidate""",
                [words, per_word],
            )
            for word, term in cursor.fetchall():
                found[word].append(term)
            return found
        if connection.vendor != "sqlite":
            return found
        # FTS5's trigram table finds terms sharing trigrams with the word; the measure
        # that decides is pg_trgm's, computed here.
        parts, params = [], []
        for index, word in enumerate(words):
            inner = {word[i : i + 3] for i in range(len(word) - 2)}
            parts.append(
                f"SELECT {index}, term FROM (SELECT term FROM {TERMS_TRIGRAM_TABLE} "
                f"WHERE {TERMS_TRIGRAM_TABLE} MATCH %s ORDER BY rank LIMIT 100)"
            )
            params.append(" OR ".join(_fts5_quote(trigram) for trigram in sorted(inner)))
        try:
            cursor.execute(" UNION ALL ".join(parts), params)
        except OperationalError:  # a SQLite without the trigram tokenizer has no such table
            return found
        candidates = {}
        for index, term in cursor.fetchall():
            candidates.setdefault(words[index], []).append(term)
    for word, terms in candidates.items():
        scored = sorted(
            ((similarity(term, word), term) for term in set(terms) if term != word),
            key=lambda pair: (-pair[0], pair[1]),
        )
        found[word] = [term for score, term in scored if score >= SIMILARITY_THRESHOLD][:per_word]
    return found


def suggest(query, filters=None, language=None):
    """A better spelling of ``query``, or None: each word that finds little on its own is
    replaced by the similar vocabulary word that finds the most, if that is many times
    more. Every word suggested finds published records. At most two queries."""
    words = query.words
    candidates = similar_terms(words)
    if not any(candidates.values()):
        return None
    checked = list(dict.fromkeys([*words, *(term for terms in candidates.values() for term in terms)]))
    counts = dict(zip(checked, found_counts([SearchQuery.of_words([w]) for w in checked], filters, language), strict=True))
    suggestion, changed = [], False
    for word in words:
        best = max(candidates.get(word, []), key=lambda term: counts[term], default=None)
        better = best is not None and counts[best] > 0 and counts[best] >= 10 * counts[word]
        if better and counts[word] < SUGGEST_BELOW:
            suggestion.append(best)
            changed = True
        else:
            suggestion.append(word)
    return " ".join(suggestion) if changed else None


# --- The search ------------------------------------------------------------------------------


@dataclass
class KindResults:
    kind: SearchKind
    count: int  # capped at COUNT_CAP + 1
    rows: list = field(default_factory=list)
    estimated: bool = False  # "more than COUNT_CAP" from the planner's estimate, not counted

    @property
    def reachable(self):
        """How many results can be paged through: all when counted, else the ranked window."""
        return self.count if self.count <= COUNT_CAP else RANK_WINDOW

    @property
    def name(self):
        return self.kind.name

    @property
    def label(self):
        return self.kind.label

    @property
    def more_than_cap(self):
        return self.count > COUNT_CAP

    @property
    def shown_count(self):
        return COUNT_CAP if self.more_than_cap else self.count


@dataclass
class SearchResults:
    query: SearchQuery
    language: str
    kind: str | None  # the kind chosen, or None for all
    groups: list  # KindResults of every applicable kind, in KINDS order
    page: int = 1
    suggestion: str | None = None

    @property
    def total(self):
        return sum(group.count for group in self.groups)

    @property
    def more_than_cap(self):
        return self.total > COUNT_CAP

    @property
    def shown_total(self):
        return min(self.total, COUNT_CAP)

    @property
    def current(self):
        """The chosen kind's results, or None on the "all kinds" page."""
        return next((group for group in self.groups if group.name == self.kind), None)

    @property
    def has_next(self):
        current = self.current
        return bool(current) and self.page < MAX_PAGE and current.reachable > self.page * PER_PAGE

    @property
    def has_previous(self):
        return self.page > 1


def search(text, *, language=None, kind=None, filters=None, page=1, suggestions=True):
    """Search the public records for ``text``.

    ``kind`` is one of ``KINDS`` or None for all; ``filters`` are validated values
    (governorate, project, organization, status, date_from, date_to); ``page`` applies to a
    single kind. Runs a fixed number of queries: on PostgreSQL one for the planner's
    estimates, one for the counts, one per kind shown that found something (plus what
    each kind's listing prefetches), and two more for a spelling suggestion when little
    is found.
    """
    language = search_language(language)
    filters = {name: value for name, value in (filters or {}).items() if value not in (None, "")}
    query = SearchQuery.parse(text)
    kinds = applicable_kinds(filters)
    if kind is not None and kind not in {k.name for k in kinds}:
        kind = None
    page = max(1, min(page, MAX_PAGE))
    results = SearchResults(query, language, kind, [KindResults(k, 0) for k in kinds], page if kind else 1)
    if not query or not kinds:
        return results
    public = {k.name: filtered(k, filters) for k in kinds}
    found = {name: pk_sql(matching(rows, query, language)) for name, rows in public.items()}
    large = {name: rows for name, rows in found.items() if KINDS[name].may_be_large}
    estimates = estimated_counts(large)
    _fill(results, query, language, public, found, estimates)
    if suggestions and results.total < SUGGEST_BELOW:
        results.suggestion = suggest(query, filters, language)
    return results


def candidates_through_gin(kind, estimate):
    """PostgreSQL: whether the ranking window's candidates of ``kind`` are found through the GIN
    index (``ranked``'s ``gin_first``), given the planner's ``estimate`` of its matches (None:
    not asked, a kind that is never large)."""
    if estimate is None:
        return False
    return kind.gin_first_below is None or estimate <= kind.gin_first_below


def _fill(results, query, language, public, found, estimates):
    """Count each kind and fetch the rows of the page (the body of ``search()``)."""
    kind = results.kind
    broad = {name for name, rows in estimates.items() if rows > BROAD_ESTIMATE}
    matches = capped_matches({name: None if name in broad else rows for name, rows in found.items()})
    for group in results.groups:
        group.estimated = group.name in broad
        group.count = COUNT_CAP + 1 if group.estimated else len(matches[group.name])
        if kind is None:
            start, stop = 0, PREVIEW
        elif group.name == kind:
            start, stop = (results.page - 1) * PER_PAGE, results.page * PER_PAGE
        else:
            continue  # another kind's tab: its count is enough
        if group.count <= start:
            continue  # nothing to show: no query
        if group.count <= COUNT_CAP:
            # All the matches are ranked, read by the keys the count found.
            window, among = None, matches[group.name]
        else:
            window, among = PREVIEW_WINDOW if kind is None else RANK_WINDOW, None
        gin_first = candidates_through_gin(group.kind, estimates.get(group.name))
        ordered = ranked(public[group.name], query, language, window=window, gin_first=gin_first, among=among, best=stop)
        queryset = group.kind.listing(ordered)
        group.rows = annotate_highlights(group.kind, list(queryset[start:stop]), query.text)
        if group.estimated and start == 0 and len(group.rows) < stop:
            group.count, group.estimated = len(group.rows), False  # the estimate was wrong: fewer
