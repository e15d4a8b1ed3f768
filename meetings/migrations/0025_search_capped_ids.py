"""PostgreSQL: ``sanad_capped_ids``, the keys of a search's matches up to the count's cap, which
the search page counts by and then ranks (search/schema.py says why).

A fresh database gets it from 0005 and 0007, which run the current list of statements; this
migration adds it to databases migrated before it existed.
"""

from django.db import migrations

from meetings.search_schema import create_search_functions


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0024_organization_trigram_indexes"),
    ]

    operations = [
        # Backwards: the function stays (0005's SearchSchema drops them with the rest).
        migrations.RunPython(create_search_functions, migrations.RunPython.noop),
    ]
