from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import MonthlyTally, SearchHold, SearchRefill, SearchTerm, Tally
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


@admin.register(SearchRefill)
class SearchRefillAdmin(ReadOnlyModelAdmin):
    """Search documents a rename, or a person's protection, left for ``manage.py refill_search``
    (models/searchable.py), to look at only: a row that stays here means that command is not
    running. Those that "hide" are left out of every search until then."""

    list_display = ("model", "size", "hides", "created_at")
    list_filter = ("hides",)
    fields = ("model", "size", "hides", "created_at")

    @admin.display(description=_("records"))
    def size(self, obj):
        return len(obj.keys)


@admin.register(SearchHold)
class SearchHoldAdmin(ReadOnlyModelAdmin):
    """The meetings every search leaves out until ``refill_search`` refills them (a person's protection
    or rename past ``PERSON_REFILL_NOW`` meetings; models/searchable.py), to look at only."""

    list_display = ("meeting", "batch")
    list_select_related = ("meeting",)
    fields = ("meeting", "batch")

    @admin.display(description=_("search refill waiting"), ordering="refill")
    def batch(self, obj):
        return obj.refill_id  # a batch's keys are a thousand numbers: not read for each row
