from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from ..models import Meeting, Participation, Person, Position
from ..models.base import count_subquery
from ..models.searchable import compared_fields
from ..deletion import PublishedReferenceAdminMixin
from .base import SharedPickersInlineMixin, TranslatedModelAdmin


class PositionInline(SharedPickersInlineMixin, TranslationTabularInline):
    model = Position
    fields = ("title", "organization", "start_date", "end_date")
    autocomplete_fields = ("organization",)
    extra = 1


class PersonForm(forms.ModelForm):
    """A change of a person's name or visibility refills, within the save, the search documents of
    every meeting they took part in: it cannot wait, or a search would find the meetings by a name
    no longer shown. Past ``settings.PERSON_REFILL_NOW`` meetings that outlasts a page's time limit
    (6,156 meetings: 37 s at 100,000), the save would be killed with nothing changed: the form says
    so, and ``manage.py change_person`` does it on the server."""

    def clean(self):
        cleaned = super().clean()
        person = self.instance
        if person.pk and set(self.changed_data) & set(compared_fields(Person)):
            meetings = Meeting._base_manager.filter(participations__person=person).distinct().count()
            if meetings > settings.PERSON_REFILL_NOW:
                raise forms.ValidationError(
                    _(
                        "%(name)s took part in %(count)s meetings: changing their name or visibility "
                        "re-indexes every one of them, which takes longer than a page may wait. Nothing "
                        "was changed. On the server, run: manage.py change_person %(pk)s --protect "
                        "(or --name-ar, --name-en)."
                    ),
                    code="person_too_widely_named",
                    params={"name": person.name_ar, "count": number_format(meetings, force_grouping=True), "pk": person.pk},
                )
        return cleaned


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
    form = PersonForm

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
