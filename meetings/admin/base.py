"""What every Sanad admin page shares."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models
from modeltranslation.admin import TabbedTranslationAdmin

from ..models.searchable import hides_while_waiting
from ..models.security import SecurityEvent, record_security_event
from ..search_refills import refills_waiting
from .phrases import phrases_for


class LoggedDeletionsMixin:
    """Every deletion made in the admin also goes to the security log, one line per object."""

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        label = self.model._meta.verbose_name
        for obj in queryset:
            record_security_event(SecurityEvent.Action.ADMIN_DELETION, request=request, target=f"{label}: {obj} (#{obj.pk})")
        return entries


# --- Pickers whose chosen records are read once for every row --------------------------------


class SharedChosenMixin:
    """Django's autocomplete widget reads the record each row has chosen with a query of its
    own: a meeting with 20 participants and 20 recommendations took 80 of them. Given
    ``chosen`` (``{key: record}``, read for every row at once by :func:`share_chosen_records`),
    it renders from there; without it, or for a key it lacks, it reads as Django does."""

    chosen = None

    def optgroups(self, name, value, attr=None):
        keys = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.chosen is None or any(key not in self.chosen for key in keys):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in keys if self.allow_multiple_selected else keys[:1]:
            record = self.chosen[key]
            label = self.choices.field.label_from_instance(record)
            options.append(self.create_option(name, record.pk, label, True, len(options)))
        return [(None, options, 0)]


class SharedAutocompleteSelect(SharedChosenMixin, AutocompleteSelect):
    pass


class SharedAutocompleteSelectMultiple(SharedChosenMixin, AutocompleteSelectMultiple):
    pass


class SharedPickersInlineMixin:
    """For an inline with autocomplete fields: its pickers share their chosen records."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SharedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SharedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _picker(field):
    widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
    return widget if isinstance(widget, SharedChosenMixin) else None


def share_chosen_records(formset):
    """Read the records that the rows of ``formset`` have chosen in each picker: one query per
    picker (and one per relation their labels read), whatever the number of rows."""
    forms = formset.forms
    if not forms:
        return
    for name, field in forms[0].fields.items():
        if _picker(field) is None:
            continue
        keys = set()
        for form in forms:
            value = form[name].value()
            for key in value if isinstance(value, (list, tuple)) else [value]:
                if key not in field.empty_values:
                    keys.add(str(key.pk if isinstance(key, models.Model) else key))
        records = list(field.queryset.filter(pk__in=keys)) if keys else []
        # A label may name related records (a post names its organisation): read them together.
        relations = [f.name for f in field.queryset.model._meta.concrete_fields if f.many_to_one]
        models.prefetch_related_objects(records, *relations)
        chosen = {str(record.pk): record for record in records}
        for form in forms:
            _picker(form.fields[name]).chosen = chosen


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        waiting = obj.__dict__.pop("_search_refills_waiting", 0)
        if waiting:
            messages.info(request, refills_waiting(waiting, hidden=hides_while_waiting(type(obj))))

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for formset in formsets:
            share_chosen_records(formset)
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
