from django.contrib import admin

from ..models import SearchTerm, Tally
from .base import SanadModelAdmin


@admin.register(SearchTerm)
class SearchTermAdmin(SanadModelAdmin):
    """The vocabulary of spelling suggestions, to look at only: it is derived from the
    records (models/searchable.py) and rebuilt by ``manage.py rebuild_search_index``."""

    list_display = ("term",)
    search_fields = ("term",)
    fields = ("term",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tally)
class TallyAdmin(SanadModelAdmin):
    """The summary counts of the public pages, to look at only: derived from the records
    (meetings/tallies.py), kept on every write and rebuilt by ``manage.py rebuild_search_index``."""

    list_display = ("subject", "scope", "key", "status", "count")
    list_filter = ("subject", "scope")
    fields = ("subject", "scope", "key", "status", "count")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
