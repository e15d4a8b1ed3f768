"""PostgreSQL: the functions that count and pick matches through the GIN indexes
(meetings/search_schema.py says why).

Databases migrated from 0005 on get them from the SearchSchema operation, which reads the
current list of statements; this migration adds them to databases migrated before they existed.
"""

from django.db import migrations

from meetings.search_schema import create_search_functions


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_published_flags"),
    ]

    operations = [
        # Backwards: the functions stay (0005's SearchSchema drops them with the rest).
        migrations.RunPython(create_search_functions, migrations.RunPython.noop),
    ]
