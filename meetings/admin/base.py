"""What every Sanad admin page shares."""

import json

from django.contrib import admin
from django.contrib.admin import helpers
from modeltranslation.admin import TabbedTranslationAdmin

from ..models.security import SecurityEvent, record_security_event
from .phrases import phrases_for


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

    # Whole phrases per model rather than Django's "Add another %s" (see admin/phrases.py).

    def changelist_view(self, request, extra_context=None):
        phrases = phrases_for(self.opts)
        if phrases and self.has_change_permission(request):
            extra_context = {"title": phrases.select_to_change, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        phrases = phrases_for(self.opts)
        if phrases:
            extra_context = {"title": phrases.add, **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_admin_formset in inline_admin_formsets:
            phrases = phrases_for(inline_admin_formset.formset.model._meta)
            if phrases and type(inline_admin_formset) is helpers.InlineAdminFormSet:
                inline_admin_formset.__class__ = PhrasedInlineAdminFormSet
                inline_admin_formset.add_another = phrases.add_another
        return inline_admin_formsets


class PhrasedInlineAdminFormSet(helpers.InlineAdminFormSet):
    """Django's inline formset wrapper, with the model's own "add another" phrase."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = str(self.add_another)
        return json.dumps(data)


class SanadModelAdmin(SanadAdminMixin, admin.ModelAdmin):
    """For models without translated fields."""


class ReadOnlyModelAdmin(SanadModelAdmin):
    """Records the system writes (logs, derived counts): to look at, never to add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TranslatedModelAdmin(SanadAdminMixin, TabbedTranslationAdmin):
    """For models with translated fields: one tab per language (Arabic first).

    The tabs need jQuery UI, served from our own static files
    (``settings.JQUERY_UI_URL``), never from a CDN.
    """
