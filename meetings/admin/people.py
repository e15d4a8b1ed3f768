from django.contrib import admin
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from ..models import Participation, Person, Position
from ..models.base import count_subquery
from ..deletion import PublishedReferenceAdminMixin
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
