from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.text import get_text_list
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationTabularInline

from ..models import Participation, Person, Position
from ..models.base import count_subquery
from ..deletion import PublishedReferenceAdminMixin
from ..protection import TooMuchToWithhold, published_meetings_naming, withhold_texts_naming
from .base import SharedPickersInlineMixin, TranslatedModelAdmin


# How many withdrawn meetings the admin's message names.
WITHHELD_LISTED = 10


class PersonAdminForm(forms.ModelForm):
    """Texts published while the person was public, or under another name, were never checked for
    this name: a person protected now, added as protected, or renamed while protected has them
    withdrawn when saved (``withholding``: what will be, read here so that a person named in more
    published meetings than a page may withdraw is refused with the form's message, nothing saved)."""

    NAMES = ("name_ar", "name_en")

    def clean(self):
        cleaned = super().clean()
        self.withholding = None
        visibility = cleaned.get("visibility")
        if not visibility or visibility == Person.Visibility.PUBLIC:
            return cleaned
        names = {name: cleaned.get(name, getattr(self.instance, name)) for name in self.NAMES}
        renamed = any((names[name] or "") != (getattr(self.instance, name) or "") for name in self.NAMES)
        if self.instance.pk is None or self.instance.is_public or renamed:
            person = Person(pk=self.instance.pk, visibility=visibility, **names)
            try:
                self.withholding = published_meetings_naming([person], limit=settings.WITHHOLD_NOW)
            except TooMuchToWithhold as refusal:
                self.add_error(None, refusal)
        return cleaned


class PositionInline(SharedPickersInlineMixin, TranslationTabularInline):
    model = Position
    fields = ("title", "organization", "start_date", "end_date")
    autocomplete_fields = ("organization",)
    extra = 1


@admin.register(Person)
class PersonAdmin(PublishedReferenceAdminMixin, TranslatedModelAdmin):
    # Visibility comes first everywhere: a protected person must never be
    # named publicly, so staff should see at a glance who is public.
    list_display = ("name", "visibility", "gender", "position_count", "participation_count")
    list_filter = ("visibility", "is_published", "gender")
    search_fields = ("name_ar", "name_en", "positions__title_ar", "positions__title_en")
    radio_fields = {"visibility": admin.HORIZONTAL}
    readonly_fields = ("is_published", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("visibility", "name", "gender", "notes")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("is_published", "created_at", "updated_at")}),
    )
    inlines = (PositionInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                position_count=count_subquery(Position.objects.filter(person=OuterRef("pk"))),
                participation_count=count_subquery(Participation.objects.filter(person=OuterRef("pk"))),
            )
        )

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, form=PersonAdminForm, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.withholding is not None:
            withheld = withhold_texts_naming([obj], by=request.user, naming=form.withholding)
            self._report_withheld(request, obj, withheld)

    def _report_withheld(self, request, person, withheld):
        """Say what protecting ``person`` took off the public site."""
        if withheld.meetings:
            titles = [f"«{meeting}»" for meeting in withheld.meetings[:WITHHELD_LISTED]]
            if len(withheld.meetings) > WITHHELD_LISTED:
                more = len(withheld.meetings) - WITHHELD_LISTED
                titles.append(ngettext("%(count)d more", "%(count)d more", more) % {"count": more})
            messages.warning(
                request,
                ngettext(
                    "The public text of %(count)d published meeting named “%(name)s”: it was withdrawn to draft, "
                    "and its review log tells its editors why: %(meetings)s.",
                    "The public texts of %(count)d published meetings named “%(name)s”: they were withdrawn to "
                    "draft, and their review logs tell their editors why: %(meetings)s.",
                    len(withheld.meetings),
                )
                % {"name": person, "count": len(withheld.meetings), "meetings": get_text_list(titles, _("and"))},
            )
        if withheld.updates:
            messages.warning(
                request,
                ngettext(
                    "%(count)d approved follow-up update named “%(name)s”: it was returned to its author.",
                    "%(count)d approved follow-up updates named “%(name)s”: they were returned to their authors.",
                    len(withheld.updates),
                )
                % {"name": person, "count": len(withheld.updates)},
            )

    @admin.display(description=_("positions"), ordering="position_count")
    def position_count(self, obj):
        return obj.position_count

    @admin.display(description=_("participations"), ordering="participation_count")
    def participation_count(self, obj):
        return obj.participation_count


@admin.register(Position)
class PositionAdmin(TranslatedModelAdmin):
    list_display = ("title", "person", "person_visibility", "organization", "start_date", "end_date")
    list_filter = ("person__visibility", "organization__kind")
    search_fields = (
        "title_ar",
        "title_en",
        "person__name_ar",
        "person__name_en",
        "organization__name_ar",
        "organization__name_en",
        "organization__acronym_ar",
        "organization__acronym_en",
    )
    date_hierarchy = "start_date"
    autocomplete_fields = ("person", "organization")
    fields = ("person", "title", "organization", "start_date", "end_date")

    def get_queryset(self, request):
        # A post's name includes its organisation, also in autocomplete results.
        return super().get_queryset(request).select_related("person", "organization")

    @admin.display(description=_("visibility"), ordering="person__visibility")
    def person_visibility(self, obj):
        return obj.person.get_visibility_display()
