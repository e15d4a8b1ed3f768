"""What every Sanad admin page shares."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models, router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import ngettext
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


# What a delete's confirmation page lists at most, one line per record: past that, a line says
# how many more, and the summary above the list still counts every one (admin_site.py caps how
# many rows «Delete selected» takes at once).
DELETE_LISTED = 100


def _listed(nested, budget):
    """``(kept, left, budget)``: ``nested`` (``NestedObjects.nested()``: records and lists of their
    dependents) cut to ``budget`` records, how many were left out, and the budget still unused."""
    kept, left = [], 0
    for item in nested:
        if isinstance(item, list):
            inner, inner_left, budget = _listed(item, budget)
            left += inner_left
            if inner:
                kept.append(inner)
        elif budget > 0:
            kept.append(item)
            budget -= 1
        else:
            left += 1
    return kept, left, budget


class SanadAdminMixin(LoggedDeletionsMixin):
    # The public pages (URL namespace ``meetings:``) do not exist yet, so a
    # "View on site" button would lead to an error; the lead enables it later.
    view_on_site = False
    list_per_page = 50

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes with it, or of what prevents it, with at most
        ``DELETE_LISTED`` lines each. Django writes one linked line per record: a governorate's
        page listed its 10,564 meetings (3 MB, 3.2 s at 100,000 meetings)."""
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        if protected := self._protected_by_relations(objs):
            # The delete is refused: no need to read everything it would have taken with it.
            return [], {}, set(), protected
        collector = NestedObjects(using=router.db_for_write(type(objs[0])), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        for related_model, instances in collector.model_objs.items():
            if self.admin_site.is_registered(related_model) and instances:
                related_admin = self.admin_site.get_model_admin(related_model)
                if not related_admin.has_delete_permission(request, next(iter(instances))):
                    perms_needed.add(related_model._meta.verbose_name)
        formatted = self._deleted_object_line
        to_delete, left, _unused = _listed(collector.nested(), DELETE_LISTED)
        to_delete = _formatted(to_delete, formatted)
        if left:
            to_delete.append(_more_line(left))
        protected = [formatted(obj) for obj in list(collector.protected)[:DELETE_LISTED]]
        if len(collector.protected) > DELETE_LISTED:
            protected.append(_more_line(len(collector.protected) - DELETE_LISTED))
        model_count = {
            related_model._meta.verbose_name_plural: len(instances)
            for related_model, instances in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected

    def _protected_by_relations(self, objs):
        """The lines of the records whose foreign keys protect ``objs`` from a delete
        (``on_delete=PROTECT``), read as a count and the first ``DELETE_LISTED`` per relation;
        empty when none does. Django's collector reads every one of them, whole: the theme of
        80,000 recommendations took 5.2 s to say it could not be deleted."""
        lines = []
        for relation in type(objs[0])._meta.related_objects:
            if not relation.one_to_many or relation.on_delete is not models.PROTECT:
                continue
            rows = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": objs}).order_by("pk")
            first = list(rows.select_related()[: DELETE_LISTED + 1])  # what a row's name reads
            if not first:
                continue
            lines += [self._deleted_object_line(row) for row in first[:DELETE_LISTED]]
            if len(first) > DELETE_LISTED:
                lines.append(_more_line(rows.count() - DELETE_LISTED))
        return lines

    def _deleted_object_line(self, obj):
        opts = obj._meta
        if self.admin_site.is_registered(obj.__class__):
            try:
                url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            except NoReverseMatch:
                pass
            else:
                return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)
        return f"{capfirst(opts.verbose_name)}: {obj}"

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


def _formatted(nested, line):
    return [_formatted(item, line) if isinstance(item, list) else line(item) for item in nested]


def _more_line(count):
    return ngettext("… and %(count)d more record.", "… and %(count)d more records.", count) % {"count": count}


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
