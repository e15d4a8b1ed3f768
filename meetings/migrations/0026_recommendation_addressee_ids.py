"""PostgreSQL: each recommendation's addressees copied onto its row (``addressee_ids``, kept by
triggers) and held by its search index beside the words, so that a search filtered by an
organisation is answered by the index (search/schema.py, "The addressees beside the words").

A fresh database gets them from 0005, which runs the current list of statements; this
migration brings databases migrated before they existed to the same state: the copy filled and
the recommendations' two vector indexes built again with it (minutes at 1,000,000
recommendations).
"""

from django.db import migrations

from search.schema import add_addressee_ids, remove_addressee_ids


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0025_search_capped_ids"),
    ]

    operations = [
        migrations.RunPython(add_addressee_ids, remove_addressee_ids),
    ]
