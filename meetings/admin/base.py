"""What every Sanad admin page shares."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from ..models.security import SecurityEvent, record_security_event


class LoggedDeletionsMixin:
    """Every deletion made in the admin also goes to the security log, one line per object."""

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        label = self.model._meta.verbose_name
        for obj in queryset:
            record_security_event(SecurityEvent.Action.ADMIN_DELETION, request=request, target=f"{label}: {obj} (#{obj.pk})")
        return entries


class SanadAdminMixin(LoggedDeletionsMixin):
    # The public pages (URL namespace ``meetings:``) do not exist yet, so a
    # "View on site" button would lead to an error; the lead enables it later.
    view_on_site = False
    list_per_page = 50


class SanadModelAdmin(SanadAdminMixin, admin.ModelAdmin):
    """For models without translated fields."""


class TranslatedModelAdmin(SanadAdminMixin, TabbedTranslationAdmin):
    """For models with translated fields: one tab per language (Arabic first).

    The tabs need jQuery UI, served from our own static files
    (``settings.JQUERY_UI_URL``), never from a CDN.
    """
