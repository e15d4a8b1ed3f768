"""PostgreSQL: the organisations of each recommendation (its addressees, ``addressee_ids``) and of
each meeting (those that took part, ``organization_ids``) copied onto its row by triggers and held
by its search indexes beside the words, so that a search filtered by an organisation is answered
by the index (search/schema.py, "The organisations beside the words").

A fresh database gets them from 0005, which runs the current list of statements; this migration
brings databases migrated before they existed to the same state: the copies filled and the two
tables' vector indexes built again with them (about seven minutes at 100,000 meetings and
1,000,000 recommendations: docs/performance.md, session 25).
"""

from django.db import migrations

from search.schema import add_organization_keys, remove_organization_keys

TABLES = ("meetings_meeting", "meetings_recommendation")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0025_search_capped_ids"),
    ]

    operations = [
        migrations.RunPython(add_organization_keys(TABLES), remove_organization_keys(TABLES)),
    ]
