# The yearly rows (measures made-y, first-y, done-y) need no schema change: every migrate
# rebuilds the summary rows (meetings/tallies.py), which adds them. The breakdowns' index
# now holds the status and count, so that a period's sum reads the index alone; an
# organisation's meetings are read from indexes on (organization, meeting).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0014_stats_monthly_tallies"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="monthlytally", name="monthly_tally_breakdown"),
        migrations.AddIndex(
            model_name="monthlytally",
            index=models.Index(
                fields=["measure", "scope", "month", "key", "status", "count"], name="monthly_tally_period"
            ),
        ),
        migrations.AddIndex(
            model_name="meetingorganization",
            index=models.Index(fields=["organization", "meeting"], name="meeting_organization_meetings"),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(fields=["organization", "meeting"], name="participation_organizations"),
        ),
    ]
