"""The database objects full-text search needs beyond Django's own schema, per vendor.

Django knows the plain search columns (``search_title_ar`` …, models/searchable.py). The
engines index them with objects Django cannot describe portably, created by the
:class:`SearchSchema` migration operation and checked again after every ``migrate``:

PostgreSQL
    ``search_vector_<language>``: a stored generated ``tsvector`` column made from the
    title terms (weight A) and the body terms (weight C). Every term gets position 1
    only so that it can carry a weight; the search neither needs nor uses positions.
    ``array_to_tsvector`` would be simpler but makes lexemes without positions, and
    those cannot be weighted. The terms hold only letters and digits, so the text cast
    to ``tsvector`` reads each as one lexeme, whatever the locale. A GIN index on the
    column answers the matches; ``ts_rank`` reads the stored column. The column's
    statistics target is raised so that the planner's estimate of a rare word is close.
    A recommendation also carries ``addressee_ids``, the keys of the organisations it is
    addressed to, and a meeting ``organization_ids``, those of the organisations that took part
    in it, copied by triggers on the tables they come from (in the same statement, so in step
    with every way they change: forms, the admin, imports, merges, deletions, raw SQL). Their
    GIN indexes hold them beside the vector, so a search filtered by an organisation intersects
    the two lists in the index instead of reading each of the organisation's records to test its
    vector ("The organisations beside the words" below).
    ``pg_trgm`` and a trigram GIN index on the vocabulary (``meetings_searchterm``)
    find spelling suggestions. Trigrams of Arabic need a UTF-8 ``LC_CTYPE``
    (search/checks.py says so when the database lacks one).

SQLite
    ``<table>_fts_<language>``: an FTS5 table over the title and body columns with the
    table itself as external content, kept in sync by three triggers. The unicode61
    tokenizer without diacritic removal keeps each stored term whole (the categories
    option adds Mc, spacing marks that normalisation keeps inside words).
    ``meetings_searchterm_trigram``: an FTS5 trigram table over the vocabulary, when the
    SQLite library has the trigram tokenizer (3.34 and later).

    SQLite's ALTER TABLE is weak, so Django rebuilds a table for many schema changes,
    and dropping the old table drops its triggers. :func:`ensure_search_schema` runs
    after every ``migrate`` and puts back whatever is missing (and then rebuilds the
    FTS index from the content table).
"""

from dataclasses import dataclass

from django.db import connections
from django.db.migrations.operations.base import Operation

from meetings.models.searchable import SEARCH_LANGUAGES, body_column, title_column

SEARCH_TABLES = ("meetings_meeting", "meetings_recommendation", "meetings_organization", "meetings_person")
TERMS_TABLE = "meetings_searchterm"
TERMS_TRIGRAM_TABLE = "meetings_searchterm_trigram"
TERMS_TRIGRAM_INDEX = "meetings_searchterm_term_trgm"

# Weights of the two columns in PostgreSQL's tsvector; ts_rank's default weights for
# A and C are 1.0 and 0.2, so a match in a title counts five times a match in the body.
TITLE_WEIGHT, BODY_WEIGHT = "A", "C"

# ANALYZE keeps the most common lexemes of a tsvector column, ten per unit of statistics
# target. At the default (100) a rare word is estimated at the frequency of the
# thousandth most common one, thousands of rows instead of tens, and the planner picks a
# parallel scan that costs more than the search itself. 2000 keeps 20,000 lexemes.
VECTOR_STATISTICS = 2000

FTS5_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co Mc'"


def vector_column(language):
    return f"search_vector_{language}"


def vector_index(table, language):
    return f"{table}_search_{language}"


def fts_table(table, language):
    return f"{table}_fts_{language}"


# --- PostgreSQL ------------------------------------------------------------------------------


def _weighted(column, weight):
    return rf"regexp_replace({column}, '(\S+)', '\1:1{weight}', 'g')"


def postgresql_vector_expression(language):
    title = _weighted(title_column(language), TITLE_WEIGHT)
    body = _weighted(body_column(language), BODY_WEIGHT)
    return f"(({title} || ' ' || {body})::tsvector)"


# The planner's estimate of how many rows a query returns, without running it (the
# "count_estimate" function of the PostgreSQL wiki). Only ever called with SQL compiled by
# Django, its parameters escaped (search/engine.py, estimated_counts).
COUNT_ESTIMATE = "sanad_count_estimate"
COUNT_ESTIMATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {COUNT_ESTIMATE}(query text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$"""


def _capped_function(name, returns, select):
    """A function returning ``select`` of the first ``cap + 1`` rows of a query, planned with
    plain index scans and sequential scans off (see ``CAPPED_COUNT``); ``{rows}`` in
    ``select`` stands for those rows, as a subquery."""
    rows = "(' || query || ' LIMIT ' || (cap + 1) || ')"
    return f"""
CREATE OR REPLACE FUNCTION {name}(query text, cap integer) RETURNS {returns}
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off SET enable_indexscan = off AS $$
DECLARE
    found {returns};
BEGIN
    EXECUTE '{select.format(rows=rows)}' INTO found;
    RETURN found;
END
$$"""


# How many rows a query returns, counted up to a cap, with the matches found through the GIN
# indexes. A count combines the match with other conditions (published, a filter) and a
# LIMIT; for a word in a few percent of the rows the planner then prefers to walk a small
# B-tree (``meeting_published``) and test each row's vector — costed like any operator,
# but a meeting's vector is large and stored out of line: counting a word found in 17,000
# meetings read 5,300 vectors (58 ms) where the GIN bitmap takes 6 ms. The function's SET
# clauses switch plain index scans and sequential scans off for the count alone (bitmap and
# index-only scans remain) and put them back when it returns. Only ever called with SQL
# compiled by Django, its parameters escaped (search/engine.py, found_counts).
CAPPED_COUNT = "sanad_capped_count"
CAPPED_COUNT_FUNCTION = _capped_function(CAPPED_COUNT, "bigint", "SELECT COUNT(*) FROM {rows} AS found")

# The primary keys a query returns, up to ``cap + 1`` of them, found the same way as the
# capped count: the search page counts each kind by them and, when no more than the cap
# match, ranks exactly those rows (search/engine.py, capped_matches). Testing a match reads
# each candidate row: a filter by a middling organisation let the count and then the ranking
# each test the vectors of its 4,414 recommendations (80-90 ms each at 100k, for 625 matches).
CAPPED_IDS = "sanad_capped_ids"
CAPPED_IDS_FUNCTION = _capped_function(CAPPED_IDS, "bigint[]", "SELECT ARRAY(SELECT pk::bigint FROM {rows} AS found)")


def _first_ids_function(name, settings):
    """A function returning the first ``n`` primary keys of a query, planned under ``settings``."""
    return f"""
CREATE OR REPLACE FUNCTION {name}(query text, n integer) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE
{settings} AS $$
BEGIN
    RETURN QUERY EXECUTE 'SELECT pk::bigint FROM (' || query || ' LIMIT ' || n || ') AS found';
END
$$"""


# The first ``n`` primary keys a query returns, found the same way (through the GIN
# indexes): the candidates ranked for a word found in too many rows to rank them all,
# when the word is in a few percent of the rows. (For a word in most rows the planner's
# own plan — read rows in order until ``n`` match — is the fast one, and is kept.)
FIRST_IDS = "sanad_first_ids"
FIRST_IDS_FUNCTION = _first_ids_function(FIRST_IDS, "SET enable_seqscan = off SET enable_indexscan = off")

# The first ``n`` primary keys a query returns by the planner's own plan (rows read in turn
# until ``n`` match: the fast way for a word in most rows), the same ones on every request.
# Left to itself, PostgreSQL starts a sequential scan of a large table where the last scan of
# that table stopped (``synchronize_seqscans``), so each request ranked other candidates and
# the "all kinds" page of a broad word changed on every reload; parallel workers would
# interleave their rows in any order too.
FIRST_IDS_IN_TURN = "sanad_first_ids_in_turn"
FIRST_IDS_IN_TURN_FUNCTION = _first_ids_function(
    FIRST_IDS_IN_TURN, "SET synchronize_seqscans = off SET max_parallel_workers_per_gather = 0"
)
SEARCH_FUNCTIONS = (CAPPED_COUNT_FUNCTION, CAPPED_IDS_FUNCTION, FIRST_IDS_FUNCTION, FIRST_IDS_IN_TURN_FUNCTION)


# --- The organisations beside the words ------------------------------------------------------
#
# A search filtered by an organisation read the organisation's records one by one to test each
# vector: 5,952 recommendations (98 ms at 100k) for a common word's 824 matches; for its 1,849
# meetings, whose vectors are stored out of line, counting took 584 ms, so the page showed the
# planner's guess ("1000+" for 589). A GIN index over ``(vector, <organisation keys>)`` answers
# both in the index: its scan skips through the word's long list to the entries of the
# organisation's short one. Each copy is kept by statement triggers on the tables it is made
# from; the refresh function locks the rows whose copy is stale before reading the sources again
# (a new snapshot), so that two transactions changing one row's sources at once cannot leave
# either change out of the copy.


@dataclass(frozen=True)
class OrganizationKeys:
    """A copy on each row of ``table`` of the organisations that ``sources`` name for it: each
    source is ``(table, column naming the row, column naming the organisation)``."""

    table: str
    column: str
    sources: tuple

    @property
    def refresh_function(self):
        return f"sanad_refresh_{self.column}"

    def changed_function(self, source):
        return f"sanad_{self.column}_from_{source}"

    def fresh(self, row="r"):
        """SQL: the sorted, distinct keys the sources name for ``row``."""
        parts = " UNION ALL ".join(
            f"SELECT {organization} FROM {source} WHERE {key} = {row}.id AND {organization} IS NOT NULL"
            for source, key, organization in self.sources
        )
        return f"ARRAY(SELECT DISTINCT found.key FROM ({parts}) AS found(key) ORDER BY 1)"


ORGANIZATION_KEYS = (
    # The organisations a recommendation is addressed to (``RecommendationQuerySet.addressed_to``).
    OrganizationKeys(
        "meetings_recommendation", "addressee_ids",
        (("meetings_recommendation_addressees", "recommendation_id", "organization_id"),),
    ),
    # The organisations that took part in a meeting, in any role or through a speaker
    # (``MeetingQuerySet.with_organization``).
    OrganizationKeys(
        "meetings_meeting", "organization_ids",
        (("meetings_meetingorganization", "meeting_id", "organization_id"),
         ("meetings_participation", "meeting_id", "organization_id")),
    ),
)
ORGANIZATION_KEYS_OF = {copy.table: copy for copy in ORGANIZATION_KEYS}
ADDRESSEE_IDS = ORGANIZATION_KEYS_OF["meetings_recommendation"].column
MEETING_ORGANIZATION_IDS = ORGANIZATION_KEYS_OF["meetings_meeting"].column
# Transition tables need one trigger per event.
_EVENTS = {
    "inserted": ("INSERT", "REFERENCING NEW TABLE AS new_rows", "SELECT {key} FROM new_rows"),
    "updated": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                "SELECT {key} FROM old_rows UNION SELECT {key} FROM new_rows"),
    "deleted": ("DELETE", "REFERENCING OLD TABLE AS old_rows", "SELECT {key} FROM old_rows"),
}


def _refresh_function(copy):
    return f"""
CREATE OR REPLACE FUNCTION {copy.refresh_function}(keys bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    stale bigint[];
BEGIN
    SELECT array_agg(r.id ORDER BY r.id) INTO stale FROM {copy.table} r
    WHERE r.id = ANY(keys) AND r.{copy.column} IS DISTINCT FROM {copy.fresh()};
    IF stale IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM {copy.table} WHERE id = ANY(stale) ORDER BY id FOR UPDATE;
    UPDATE {copy.table} r SET {copy.column} = {copy.fresh()} WHERE r.id = ANY(stale);
END
$$"""


def _changed_function(copy, source, key):
    branches = "\n    ".join(
        f"{'IF' if number == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n"
        f"        PERFORM {copy.refresh_function}(ARRAY({rows.format(key=key)}));"
        for number, (event, _referencing, rows) in enumerate(_EVENTS.values())
    )
    return f"""
CREATE OR REPLACE FUNCTION {copy.changed_function(source)}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {branches}
    ELSE  -- TRUNCATE: every row's copy made again from what is left
        UPDATE {copy.table} r SET {copy.column} = {copy.fresh()} WHERE r.{copy.column} <> '{{}}';
    END IF;
    RETURN NULL;
END
$$"""


def _triggers(copy, source):
    """``{name: (event, REFERENCING clause)}`` of the triggers on ``source``."""
    triggers = {f"sanad_{copy.column}_{name}": (event, referencing) for name, (event, referencing, _rows) in _EVENTS.items()}
    triggers[f"sanad_{copy.column}_truncated"] = ("TRUNCATE", "")
    return triggers


def postgresql_organization_keys_create(copy):
    """The column, its functions and triggers, and every row's copy made right (a database
    migrated before the copy existed): only the rows that differ are written."""
    statements = [
        f"ALTER TABLE {copy.table} ADD COLUMN IF NOT EXISTS {copy.column} bigint[] NOT NULL DEFAULT '{{}}'",
        _refresh_function(copy),
    ]
    for source, key, _organization in copy.sources:
        statements.append(_changed_function(copy, source, key))
        for name, (event, referencing) in _triggers(copy, source).items():
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {source}",
                f"CREATE TRIGGER {name} AFTER {event} ON {source} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {copy.changed_function(source)}()",
            ]
    statements.append(f"UPDATE {copy.table} r SET {copy.column} = {copy.fresh()} WHERE r.{copy.column} IS DISTINCT FROM {copy.fresh()}")
    return statements


def postgresql_organization_keys_drop(copy):
    statements = []
    for source, _key, _organization in copy.sources:
        statements += [f"DROP TRIGGER IF EXISTS {name} ON {source}" for name in _triggers(copy, source)]
        statements.append(f"DROP FUNCTION IF EXISTS {copy.changed_function(source)}()")
    return statements + [
        f"DROP FUNCTION IF EXISTS {copy.refresh_function}(bigint[])",
        f"ALTER TABLE {copy.table} DROP COLUMN IF EXISTS {copy.column}",
    ]


def _create_vector_index(table, language, *, with_keys=True):
    """The GIN index of ``table``'s vector, with its copy of organisation keys if it has one."""
    copy = ORGANIZATION_KEYS_OF.get(table) if with_keys else None
    indexed = ", ".join((vector_column(language), *((copy.column,) if copy else ())))
    return f"CREATE INDEX IF NOT EXISTS {vector_index(table, language)} ON {table} USING gin ({indexed})"


def add_organization_keys(tables):
    """A migration's ``RunPython`` (0026) for ``tables``: give a database migrated before
    their copies existed the copies, their triggers, and the vector indexes that hold them
    (built again)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for table in tables:
            for language in SEARCH_LANGUAGES:
                schema_editor.execute(f"DROP INDEX IF EXISTS {vector_index(table, language)}")
        for statement in postgresql_create(tables=tables):
            schema_editor.execute(statement, params=None)

    return forwards


def remove_organization_keys(tables):
    """The reverse of ``add_organization_keys``: the copies dropped (and with them the indexes
    that hold them), the vector indexes built again without them."""

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            for statement in postgresql_organization_keys_drop(ORGANIZATION_KEYS_OF[table]):
                schema_editor.execute(statement, params=None)
            for language in SEARCH_LANGUAGES:
                schema_editor.execute(_create_vector_index(table, language, with_keys=False))

    return backwards


def create_search_functions(apps, schema_editor):
    """A migration's ``RunPython``: (re)create the PostgreSQL functions above, ``CREATE OR
    REPLACE`` (databases migrated before a function existed get it; the others keep theirs)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in SEARCH_FUNCTIONS:
            schema_editor.execute(statement)


def postgresql_create(tables=SEARCH_TABLES, languages=SEARCH_LANGUAGES):
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    for table in tables:
        if table in ORGANIZATION_KEYS_OF:
            statements += postgresql_organization_keys_create(ORGANIZATION_KEYS_OF[table])
    for table in tables:
        for language in languages:
            statements += [
                f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {vector_column(language)} tsvector "
                f"GENERATED ALWAYS AS {postgresql_vector_expression(language)} STORED",
                _create_vector_index(table, language),
                f"ALTER TABLE {table} ALTER COLUMN {vector_column(language)} SET STATISTICS {VECTOR_STATISTICS}",
            ]
    statements.append(
        f"CREATE INDEX IF NOT EXISTS {TERMS_TRIGRAM_INDEX} ON {TERMS_TABLE} USING gin (term gin_trgm_ops)"
    )
    statements.append(COUNT_ESTIMATE_FUNCTION)
    statements += SEARCH_FUNCTIONS
    return statements


def postgresql_drop(tables=SEARCH_TABLES, languages=SEARCH_LANGUAGES):
    # The extension stays: other objects of the database may use it.
    statements = [f"DROP INDEX IF EXISTS {TERMS_TRIGRAM_INDEX}", f"DROP FUNCTION IF EXISTS {COUNT_ESTIMATE}(text)",
                  f"DROP FUNCTION IF EXISTS {CAPPED_COUNT}(text, integer)",
                  f"DROP FUNCTION IF EXISTS {CAPPED_IDS}(text, integer)",
                  f"DROP FUNCTION IF EXISTS {FIRST_IDS}(text, integer)",
                  f"DROP FUNCTION IF EXISTS {FIRST_IDS_IN_TURN}(text, integer)"]
    for table in tables:
        for language in languages:
            statements += [
                f"DROP INDEX IF EXISTS {vector_index(table, language)}",
                f"ALTER TABLE {table} DROP COLUMN IF EXISTS {vector_column(language)}",
            ]
    for table in tables:
        if table in ORGANIZATION_KEYS_OF:
            statements += postgresql_organization_keys_drop(ORGANIZATION_KEYS_OF[table])
    return statements


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_triggers(table, language):
    fts = fts_table(table, language)
    title, body = title_column(language), body_column(language)
    columns = f"rowid, {title}, {body}"
    delete = f"INSERT INTO {fts}({fts}, {columns}) VALUES ('delete', old.id, old.{title}, old.{body});"
    insert = f"INSERT INTO {fts}({columns}) VALUES (new.id, new.{title}, new.{body});"
    return {
        f"{fts}_ai": f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"{fts}_ad": f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"{fts}_au": (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {title}, {body} ON {table} "
            f"BEGIN {delete} {insert} END"
        ),
    }


def _sqlite_fts_table(table, language):
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts_table(table, language)} USING fts5("
        f"{title_column(language)}, {body_column(language)}, "
        f"content='{table}', content_rowid='id', tokenize=\"{FTS5_TOKENIZER}\")"
    )


def _sqlite_terms_triggers():
    fts = TERMS_TRIGRAM_TABLE
    return {
        f"{fts}_ai": (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {TERMS_TABLE} "
            f"BEGIN INSERT INTO {fts}(rowid, term) VALUES (new.id, new.term); END"
        ),
        f"{fts}_ad": (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {TERMS_TABLE} "
            f"BEGIN INSERT INTO {fts}({fts}, rowid, term) VALUES ('delete', old.id, old.term); END"
        ),
    }


def sqlite_has_trigram_tokenizer(connection):
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.sanad_trigram_probe USING fts5(x, tokenize='trigram')")
        except Exception:  # noqa: BLE001 — any failure means "not available"
            return False
        cursor.execute("DROP TABLE temp.sanad_trigram_probe")
    return True


def _sqlite_existing(cursor, kind):
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def sqlite_ensure(connection, tables=SEARCH_TABLES, languages=SEARCH_LANGUAGES):
    """Create the FTS tables and triggers that are missing; rebuild an FTS index whose
    table or triggers had to be created. Returns the names of what was created."""
    created = []
    with connection.cursor() as cursor:
        existing_tables = _sqlite_existing(cursor, "table")
        existing_triggers = _sqlite_existing(cursor, "trigger")
        targets = [
            (table, fts_table(table, language), _sqlite_fts_table(table, language), _sqlite_triggers(table, language))
            for table in tables
            for language in languages
            if table in existing_tables
        ]
        if TERMS_TABLE in existing_tables and sqlite_has_trigram_tokenizer(connection):
            terms_fts = (
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_TRIGRAM_TABLE} USING fts5("
                f"term, content='{TERMS_TABLE}', content_rowid='id', tokenize='trigram')"
            )
            targets.append((TERMS_TABLE, TERMS_TRIGRAM_TABLE, terms_fts, _sqlite_terms_triggers()))
        for _table, fts, create_table, triggers in targets:
            missing = [name for name in triggers if name not in existing_triggers]
            if fts in existing_tables and not missing:
                continue
            if fts not in existing_tables:
                cursor.execute(create_table)
                created.append(fts)
            for name in missing:
                cursor.execute(triggers[name])
                created.append(name)
            # Rows may have changed while a trigger was missing: index them again.
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    return created


def sqlite_drop(tables=SEARCH_TABLES, languages=SEARCH_LANGUAGES):
    statements = []
    for table in tables:
        for language in languages:
            statements += [f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_triggers(table, language)]
            statements.append(f"DROP TABLE IF EXISTS {fts_table(table, language)}")
    statements += [f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_terms_triggers()]
    statements.append(f"DROP TABLE IF EXISTS {TERMS_TRIGRAM_TABLE}")
    return statements


# --- Both ------------------------------------------------------------------------------------


def ensure_search_schema(using="default"):
    """Put back what a table rebuild removed (SQLite); nothing to do on PostgreSQL."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return sqlite_ensure(connection)
    return []


class SearchSchema(Operation):
    """Create the search indexes of the vendor at hand (see the module docstring).

    Django's migration state is not changed: these objects are not part of any model.
    Other vendors get nothing (plain ``LIKE`` search is not offered instead).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, tables=SEARCH_TABLES, languages=SEARCH_LANGUAGES):
        self.tables = tuple(tables)
        self.languages = tuple(languages)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"tables": self.tables, "languages": self.languages})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            for statement in postgresql_create(self.tables, self.languages):
                schema_editor.execute(statement, params=None)
        elif connection.vendor == "sqlite":
            sqlite_ensure(connection, self.tables, self.languages)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            statements = postgresql_drop(self.tables, self.languages)
        elif connection.vendor == "sqlite":
            statements = sqlite_drop(self.tables, self.languages)
        else:
            statements = []
        for statement in statements:
            schema_editor.execute(statement, params=None)

    def describe(self):
        return "Create the full-text search indexes (PostgreSQL: tsvector and trigram; SQLite: FTS5)"

    @property
    def migration_name_fragment(self):
        return "search_indexes"
