from django.contrib import admin

from ..models import SearchTerm
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
