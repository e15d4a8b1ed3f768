"""PostgreSQL: ``sanad_texts_through_gin``, a query's texts planned through the GIN indexes, which
the vocabulary's check of the words still held uses (search/schema.py says why).

A fresh database gets it from 0005 and 0007, which run the current list of statements; this
migration adds it to databases migrated before it existed.
"""

from django.db import migrations

from meetings.search_schema import create_search_functions


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0029_search_refill"),
    ]

    operations = [
        # Backwards: the function stays (0005's SearchSchema drops them with the rest).
        migrations.RunPython(create_search_functions, migrations.RunPython.noop),
    ]
