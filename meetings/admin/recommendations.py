from django.contrib import admin
from django.db.models import OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from ..history import recorded_once
from ..models import Meeting, Organization, Recommendation, RecommendationUpdate, Theme
from ..models.base import count_subquery
from .base import SharedPickersInlineMixin, TranslatedModelAdmin
from .searching import IndexedSearchMixin, containing, indexed, numbered, pointing_at


@admin.register(Theme)
class ThemeAdmin(TranslatedModelAdmin):
    list_display = ("name", "slug", "recommendation_count")
    search_fields = ("name_ar", "name_en", "slug")
    fields = ("name", "slug")
    # The slug is ASCII: only the English name can seed it.
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            recommendation_count=count_subquery(Recommendation.objects.filter(theme=OuterRef("pk")))
        )

    @admin.display(description=_("recommendations"), ordering="recommendation_count")
    def recommendation_count(self, obj):
        return obj.recommendation_count


class NumberedRecommendationFormSet(BaseInlineFormSet):
    """Numbers the blank rows after the meeting's last recommendation, so staff need not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial_extra is None:
            last = max((recommendation.order for recommendation in self.get_queryset()), default=0)
            self.initial_extra = [{"order": last + n} for n in range(1, self.extra + 1)]


class RecommendationInline(SharedPickersInlineMixin, TranslationStackedInline):
    """The recommendations of a meeting, on the meeting's page.

    Status and progress are only shown here: they change through the
    follow-up timeline on the recommendation's own page.
    """

    model = Recommendation
    formset = NumberedRecommendationFormSet
    fields = ("order", "text", "kind", "theme", "addressees", "priority", "due_date", "status", "progress")
    readonly_fields = ("status", "progress")
    autocomplete_fields = ("addressees",)
    show_change_link = True

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 1

    def get_queryset(self, request):
        # Each row's addressees are its form's initial value: read for all the rows at once.
        return super().get_queryset(request).prefetch_related("addressees")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "theme":
            # The themes' menu, read once for every row rather than once per row.
            field.choices = list(field.choices)
        return field


def _approved_by(update, user):
    """An update entered in the admin is approved by whoever entered it (the admin is for
    site administrators: they are the reviewers there); the workspace's wait for review."""
    update.review_state = RecommendationUpdate.Review.APPROVED
    update.reviewed_by, update.reviewed_at = user, timezone.now()


class RecommendationUpdateInline(SharedPickersInlineMixin, TranslationStackedInline):
    """The follow-up timeline, newest first (stacked: the note and links need room)."""

    model = RecommendationUpdate
    fk_name = "recommendation"
    fields = ("date", "status", "progress", "note", "evidence_url", "evidence", "meeting", "author", "review_state")
    readonly_fields = ("author", "review_state")
    autocomplete_fields = ("evidence", "meeting")
    extra = 1


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return (("open", _("Open")), ("overdue", _("Overdue")))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue()
        return queryset


class MeetingStatusFilter(admin.SimpleListFilter):
    """The status of the recommendation's meeting, titled apart from the recommendation's own status."""

    title = _("meeting status")
    parameter_name = "meeting_status"

    def lookups(self, request, model_admin):
        return Meeting.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Meeting.Status.values:
            return queryset.filter(meeting__status=self.value())
        return queryset


def recommendations_found(text):
    """The recommendations a search for ``text`` finds (admin/searching.py): by their own search
    terms (their text and theme; their meeting's title, place and organisers), by the names of
    their addressees, by their number."""
    recommendations = Recommendation.objects.all()
    return [
        indexed(recommendations, text),
        pointing_at(
            Recommendation.addressees.through.objects.all(),
            "organization",
            indexed(Organization.objects.all(), text),
            "recommendation",
        ),
        numbered(recommendations, text),
    ]


@admin.register(Recommendation)
class RecommendationAdmin(IndexedSearchMixin, TranslatedModelAdmin):
    list_display = ("__str__", "meeting", "status", "progress_display", "priority", "due_date")
    list_filter = (FollowUpFilter, "status", "priority", "kind", "theme", MeetingStatusFilter, "meeting__governorate")
    list_select_related = ("meeting", "theme")
    # What the search finds (recommendations_found(); admin/searching.py).
    search_fields = ("text", "theme__name", "meeting__title", "addressees__name")
    # The newest meetings' first, along the index of (meeting, order): the model's own order
    # (by the meeting's date) sorts a million rows joined with their meetings (0.8 s).
    ordering = ("-meeting_id", "order")
    # No date drill-down: by the meeting's date, it read a million rows joined with their
    # meetings for every list (0.4 s; 1.2 s more with a search). The meetings' list has one.
    autocomplete_fields = ("meeting", "addressees")
    fieldsets = (
        (None, {"fields": ("meeting", "order", "text", "kind", "theme", "addressees", "priority", "due_date")}),
        (
            _("Follow-up"),
            {
                "fields": ("status", "progress"),
                "description": _(
                    "Once the recommendation has follow-up updates, its status and progress are "
                    "those of the latest update: add an update below to change them."
                ),
            },
        ),
        (_("Record"), {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )
    inlines = (RecommendationUpdateInline,)

    def search_sets(self, text):
        return recommendations_found(text)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "created_at", "updated_at"]
        if obj is not None and obj.updates.exists():
            fields += ["status", "progress"]
        return fields

    @admin.display(description=_("progress (%)"), ordering="progress")
    def progress_display(self, obj):
        return f"{obj.progress}%"

    def save_model(self, request, obj, form, change):
        # One version in the history per admin save, written in save_related()
        # once the addressees are saved too.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RecommendationUpdate:
            return super().save_formset(request, form, formset, change)
        updates = formset.save(commit=False)
        for update in formset.deleted_objects:
            update.delete()
        for update in updates:
            if update._state.adding and update.author_id is None:
                update.author = request.user
            if update._state.adding:
                _approved_by(update, request.user)
            update.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        with recorded_once(form.instance, by=request.user, created=not change):
            super().save_related(request, form, formsets, change)
            # The timeline may have changed after the recommendation itself was
            # saved: its status and progress follow the latest update.
            form.instance.sync_status()


@admin.register(RecommendationUpdate)
class RecommendationUpdateAdmin(IndexedSearchMixin, TranslatedModelAdmin):
    list_display = ("recommendation", "date", "status", "progress_display", "author", "meeting", "review_state")
    list_filter = ("review_state", "status", "recommendation__meeting__governorate")
    list_select_related = ("recommendation", "author", "meeting")
    search_fields = ("note", "recommendation__text", "recommendation__meeting__title")
    date_hierarchy = "date"
    autocomplete_fields = ("recommendation", "evidence", "meeting")
    readonly_fields = ("author", "created_at", "review_state", "reviewed_by", "reviewed_at", "review_comment")
    fields = (
        "recommendation",
        "date",
        "status",
        "progress",
        "note",
        "evidence_url",
        "evidence",
        "meeting",
        "author",
        "created_at",
        "review_state",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    )

    def search_sets(self, text):
        updates = RecommendationUpdate.objects.all()
        return [
            containing(updates, ("note_ar", "note_en"), text),
            *(pointing_at(updates, "recommendation", found) for found in recommendations_found(text)),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # An update belongs to one timeline; moving it would leave the old
            # recommendation's status stale.
            fields.append("recommendation")
        return fields

    @admin.display(description=_("progress (%)"), ordering="progress")
    def progress_display(self, obj):
        return f"{obj.progress}%"

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        if not change:
            _approved_by(obj, request.user)
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        # One by one: each deletion re-syncs its recommendation's status,
        # which a bulk QuerySet.delete() would skip.
        for update in queryset.select_related("recommendation"):
            update.delete()
