from django.contrib import admin, messages
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.text import get_text_list
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationTabularInline

from ..models import Participation, Person, Position
from ..models.base import count_subquery
from ..deletion import PublishedReferenceAdminMixin
from ..protection import NAMING_CHECKED, published_meetings_naming
from .base import SharedPickersInlineMixin, TranslatedModelAdmin


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

    def save_model(self, request, obj, form, change):
        protecting = (
            change
            and form.initial.get("visibility") == Person.Visibility.PUBLIC
            and obj.visibility != Person.Visibility.PUBLIC
        )
        super().save_model(request, obj, form, change)
        if protecting:
            self._warn_of_texts_naming(request, obj)

    def _warn_of_texts_naming(self, request, person):
        """The published texts written while ``person`` was public still name them: say which."""
        naming, taken_part = published_meetings_naming(person)
        if naming:
            messages.warning(
                request,
                ngettext(
                    "“%(name)s” is protected now, but the public text of %(count)d published meeting still "
                    "names them: %(meetings)s. Take the name out of it, or unpublish it.",
                    "“%(name)s” is protected now, but the public texts of %(count)d published meetings still "
                    "name them: %(meetings)s. Take the name out of them, or unpublish them.",
                    len(naming),
                )
                % {"name": person, "count": len(naming), "meetings": get_text_list([f"«{m}»" for m in naming], _("and"))},
            )
        if taken_part > NAMING_CHECKED:
            messages.warning(
                request,
                _(
                    "They took part in %(count)d published meetings; only the %(checked)d newest were read "
                    "for their name."
                )
                % {"count": taken_part, "checked": NAMING_CHECKED},
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
