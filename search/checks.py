"""System checks of what full-text search needs from the database.

They query the database, so they are tagged ``database``: Django runs them before
``migrate`` and on ``manage.py check --database default``.
"""

from django.core.checks import Error, Tags, Warning, register
from django.db import connections

# The database's character classification decides what pg_trgm (and PostgreSQL's own
# text parser) counts as a letter: under LC_CTYPE "C" only ASCII letters are, and the
# trigrams of an Arabic word are empty, so spelling suggestions would never be found.
NON_UTF8_CTYPES = {"c", "posix"}


def postgresql_locale_problem(ctype, encoding):
    """Why a database with this LC_CTYPE and encoding cannot search Arabic, or None."""
    if (encoding or "").upper().replace("-", "") != "UTF8":
        return f"encoding {encoding}"
    if (ctype or "").lower() in NON_UTF8_CTYPES:
        return f"LC_CTYPE {ctype}"
    return None


def search_database_messages(connection):
    """The check's messages for one database connection."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT datctype, pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"
            )
            ctype, encoding = cursor.fetchone()
        problem = postgresql_locale_problem(ctype, encoding)
        if problem is None:
            return []
        return [
            Error(
                f"The PostgreSQL database {connection.settings_dict['NAME']!r} has {problem}: "
                "Arabic text has no trigrams in it, so search cannot suggest spellings.",
                hint="Create the database with a UTF-8 locale, e.g. "
                "CREATE DATABASE sanad TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'; "
                "then migrate and run manage.py rebuild_search_index.",
                obj=connection.alias,
                id="meetings.E101",
            )
        ]
    if connection.vendor == "sqlite":
        from .schema import sqlite_has_trigram_tokenizer

        with connection.cursor() as cursor:
            try:
                cursor.execute("CREATE VIRTUAL TABLE temp.sanad_fts5_probe USING fts5(x)")
            except Exception:  # noqa: BLE001 — any failure means FTS5 is missing
                return [
                    Error(
                        "The SQLite library has no FTS5: search cannot work.",
                        hint="Use a Python build whose SQLite has FTS5 (the official builds do), or PostgreSQL.",
                        obj=connection.alias,
                        id="meetings.E102",
                    )
                ]
            cursor.execute("DROP TABLE temp.sanad_fts5_probe")
        if not sqlite_has_trigram_tokenizer(connection):
            return [
                Warning(
                    "The SQLite library is older than 3.34 and has no trigram tokenizer: "
                    "search works, but suggests no spellings.",
                    obj=connection.alias,
                    id="meetings.W103",
                )
            ]
    return []


@register(Tags.database)
def check_search_database(app_configs=None, databases=None, **kwargs):
    messages = []
    for alias in databases or ():
        messages += search_database_messages(connections[alias])
    return messages
