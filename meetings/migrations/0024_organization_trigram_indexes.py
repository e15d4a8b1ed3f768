"""PostgreSQL: trigram indexes for the organisations' autocomplete (meetings/lookup.py,
``organization_suggestions``), which looks for the typed text inside each name, acronym and
search title (``icontains``: ``UPPER(column) LIKE UPPER('%text%')``). No B-tree index answers
that, so every organisation was read (47-52 ms at 5,000, docs/performance.md, session 23).

``pg_trgm`` is already installed for the spelling suggestions (0005). SQLite has no such
index and reads its few rows.
"""

from django.db import migrations

COLUMNS = ("name_ar", "name_en", "acronym_ar", "acronym_en", "search_title_ar", "search_title_en")


def index_name(column):
    return f"organization_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON "meetings_organization" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0023_organization_upper_name_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
