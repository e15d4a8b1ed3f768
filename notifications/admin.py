"""Readers' subscriptions in the admin: to look at, and to delete on a reader's request."""

from django.contrib import admin

from meetings.admin.base import ReadOnlyModelAdmin

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyModelAdmin):
    list_display = ["email", "kind", "target_id", "language", "created_at", "confirmed_at", "ended_at", "last_sent_at"]
    list_filter = ["kind", "language"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    exclude = ["token"]

    def has_delete_permission(self, request, obj=None):
        # A reader may ask for their address to be forgotten.
        return request.user.is_active and request.user.is_superuser
