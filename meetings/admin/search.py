from django.contrib import admin

from ..models import MonthlyTally, SearchTerm, Tally
from .base import ReadOnlyModelAdmin


@admin.register(SearchTerm)
class SearchTermAdmin(ReadOnlyModelAdmin):
    """The vocabulary of spelling suggestions, to look at only: it is derived from the
    records (models/searchable.py) and rebuilt by ``manage.py rebuild_search_index``."""

    list_display = ("term",)
    search_fields = ("term",)
    fields = ("term",)


@admin.register(Tally)
class TallyAdmin(ReadOnlyModelAdmin):
    """The summary counts of the public pages, to look at only: derived from the records
    (meetings/tallies.py), kept on every write and rebuilt by ``manage.py rebuild_search_index``."""

    list_display = ("subject", "scope", "key", "status", "count")
    list_filter = ("subject", "scope")
    fields = ("subject", "scope", "key", "status", "count")


@admin.register(MonthlyTally)
class MonthlyTallyAdmin(ReadOnlyModelAdmin):
    """The figures of the statistics page, to look at only: derived from the records
    (meetings/statistics.py), kept on every write with the summary counts and rebuilt with them."""

    list_display = ("measure", "scope", "key", "month", "status", "bucket", "count")
    list_filter = ("measure", "scope")
    fields = ("measure", "scope", "key", "month", "status", "bucket", "count")
