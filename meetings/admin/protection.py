from django.contrib import admin

from ..models import ProtectedNameAcceptance
from .base import SanadModelAdmin


@admin.register(ProtectedNameAcceptance)
class ProtectedNameAcceptanceAdmin(SanadModelAdmin):
    """Who accepted which mention of a protected name before publication: a record, read-only
    (acceptances are made on the workspace's publication check page, meetings/protection.py)."""

    list_display = ("meeting", "person", "place", "accepted_by", "accepted_at")
    list_select_related = ("meeting", "person", "accepted_by")
    search_fields = ("meeting__title_ar", "excerpt", "accepted_by__username")
    date_hierarchy = "accepted_at"
    fields = ("meeting", "person", "place", "excerpt", "accepted_by", "accepted_at", "fingerprint")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
