from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as translation_override
from modeltranslation.admin import TranslationStackedInline

from ..history import recorded_once
from ..models import (
    Meeting,
    MeetingEvent,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Position,
    Recommendation,
    Tag,
    TransitionNotAllowed,
)
from ..models.base import count_subquery
from .base import SanadModelAdmin, SharedPickersInlineMixin, TranslatedModelAdmin
from .recommendations import RecommendationInline
from .searching import IndexedSearchMixin, containing, indexed, numbered, pointing_at


@admin.register(Tag)
class TagAdmin(TranslatedModelAdmin):
    list_display = ("name", "slug", "meeting_count")
    search_fields = ("name_ar", "name_en", "slug")
    fields = ("name", "slug")
    readonly_fields = ("slug",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            meeting_count=count_subquery(Meeting.objects.filter(tags=OuterRef("pk")))
        )

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count


class MeetingOrganizationInline(SharedPickersInlineMixin, admin.TabularInline):
    model = MeetingOrganization
    fields = ("organization", "role", "order")
    autocomplete_fields = ("organization",)
    extra = 1


class ParticipationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Participation.clean() checks the post against the meeting's date,
        # but a meeting being added has no id yet, so check it here.
        day = self.instance.date
        if not day:
            return
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            position = getattr(form, "cleaned_data", {}).get("position")
            if position and "position" not in form.errors and not position.held_on(day):
                form.add_error("position", _("This post was not held on the day of the meeting."))


class ParticipationInline(SharedPickersInlineMixin, TranslationStackedInline):
    model = Participation
    formset = ParticipationFormSet
    fields = ("person", "position", "organization", "role", "statement", "order")
    autocomplete_fields = ("person", "position", "organization")
    extra = 1

    def get_queryset(self, request):
        # Each row's title names the participant: read with the rows, not one query per row.
        return super().get_queryset(request).select_related("person", "position__organization", "organization")


class MeetingEventInline(admin.TabularInline):
    """The meeting's review log, read-only: only the workflow writes it."""

    model = MeetingEvent
    fields = ("at", "action", "by", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _change_message(*field_names):
    # Stored like the admin's own change messages: field labels in the default
    # language, translated when the history page is shown.
    with translation_override(None):
        labels = [str(capfirst(Meeting._meta.get_field(name).verbose_name)) for name in field_names]
    return [{"changed": {"fields": labels}}]


class MeetingAdminForm(forms.ModelForm):
    """The meeting's admin form, with the version check of the workspace (services.meeting_save).

    ``base_version`` is the version the form was opened at. If someone saved the
    meeting since (in the workspace or here), the form is refused with an error
    and nothing is written: an admin edit never silently overwrites a newer one.
    """

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            saved = Meeting.objects.filter(pk=self.instance.pk)
            if connection.in_atomic_block:
                # The admin's change view runs in a transaction: lock the row until the
                # save commits, so that a workspace save cannot slip in between.
                saved = saved.select_for_update()
            current = saved.values_list("version", flat=True).first()
            if cleaned.get("base_version") != current:
                raise ValidationError(
                    _(
                        "Someone saved this meeting after you opened it. Nothing was saved: "
                        "open the meeting again to see their changes, then make yours."
                    ),
                    code="conflict",
                )
        return cleaned


def meetings_found(text):
    """The meetings a search for ``text`` finds (admin/searching.py): by their own search terms
    (title, summary, place, minutes, governorate, tags, what was said, public participants),
    by their organisations' names, by their number or their slug."""
    meetings = Meeting.objects.all()
    return [
        indexed(meetings, text),
        pointing_at(MeetingOrganization.objects.all(), "organization", indexed(Organization.objects.all(), text), "meeting"),
        numbered(meetings, text),
        meetings.order_by().filter(slug=text).values("pk"),
    ]


@admin.register(Meeting)
class MeetingAdmin(IndexedSearchMixin, TranslatedModelAdmin):
    form = MeetingAdminForm
    list_display = (
        "title",
        "date",
        "governorate",
        "status",
        "participation_count",
        "recommendation_count",
    )
    list_filter = (
        "status",
        "kind",
        ("governorate", admin.RelatedOnlyFieldListFilter),
        ("project", admin.RelatedOnlyFieldListFilter),
        "stakeholder_groups",
    )
    list_select_related = ("governorate",)
    # What the search finds (meetings_found(); Django's own search is not used: admin/searching.py).
    search_fields = (
        "title",
        "summary",
        "city",
        "venue",
        "minutes",
        "slug",
        "organizations__name",
        "tags__name",
    )
    date_hierarchy = "date"
    autocomplete_fields = ("governorate", "project", "follows", "tags")
    # Status and publication change only through the workflow (the actions
    # below call Meeting.publish() and friends), which checks the user's role
    # and writes the review log. The slug is made once from the date and
    # Arabic title and then kept, so shared links survive a corrected title.
    readonly_fields = (
        "status",
        "published_at",
        "slug",
        "version",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "kind", "status", "published_at", "date", "start_time", "end_time", "base_version")}),
        (_("Place"), {"fields": ("governorate", "city", "venue")}),
        (_("Context"), {"fields": ("project", "follows", "stakeholder_groups", "tags", "source_url")}),
        (_("Attendance"), {"fields": ("attendance_total", "attendance_women", "attendance_men")}),
        (_("Content"), {"fields": ("summary", "minutes")}),
        (
            _("Record"),
            {
                "classes": ("collapse",),
                "fields": ("slug", "version", "created_by", "created_at", "updated_by", "updated_at"),
            },
        ),
    )
    inlines = (MeetingOrganizationInline, ParticipationInline, RecommendationInline, MeetingEventInline)
    actions = ("publish_meetings", "unpublish_meetings", "submit_meetings_for_review")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                participation_count=count_subquery(Participation.objects.filter(meeting=OuterRef("pk"))),
                recommendation_count=count_subquery(Recommendation.objects.filter(meeting=OuterRef("pk"))),
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "stakeholder_groups":
            # A short, fixed list: tick boxes work without JavaScript.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def search_sets(self, text):
        return meetings_found(text)

    @admin.display(description=_("participants"), ordering="participation_count")
    def participation_count(self, obj):
        return obj.participation_count

    @admin.display(description=_("recommendations"), ordering="recommendation_count")
    def recommendation_count(self, obj):
        return obj.recommendation_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # A full save raises the version (Meeting.save()); the form checked that it started from the current one.
        obj.updated_by = request.user
        # One version in the history per admin save, written in save_related()
        # once the tags and stakeholder groups are saved too.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with recorded_once(form.instance, by=request.user, created=not change):
            super().save_related(request, form, formsets, change)

    # --- Workflow actions

    def _move(self, request, queryset, *, sources, move, done_message):
        """Apply the workflow method ``move`` to the meetings of ``queryset`` in ``sources``.

        Each meeting is moved on its own: one the user may not move is
        reported by name with the workflow's reason, and the others go ahead.
        """
        moved, refusals = 0, []
        for meeting in queryset.filter(status__in=sources):
            try:
                with transaction.atomic():
                    move(meeting)
            except TransitionNotAllowed as refusal:
                refusals.append((meeting, refusal))
                continue
            self.log_change(request, meeting, _change_message("status", "published_at"))
            moved += 1
        level = messages.SUCCESS if moved else messages.WARNING
        self.message_user(request, done_message(moved) % {"count": moved}, level)
        for meeting, refusal in refusals:
            self.message_user(
                request,
                gettext("“%(meeting)s” was not changed: %(reason)s")
                % {"meeting": meeting, "reason": " ".join(refusal.messages)},
                messages.ERROR,
            )

    @admin.action(description=_("Publish the selected meetings"), permissions=["change"])
    def publish_meetings(self, request, queryset):
        self._move(
            request,
            queryset,
            sources=[Meeting.Status.DRAFT, Meeting.Status.REVIEW, Meeting.Status.ARCHIVED],
            move=lambda meeting: meeting.publish(by=request.user),
            done_message=lambda n: ngettext(
                "%(count)d meeting was published.", "%(count)d meetings were published.", n
            ),
        )

    @admin.action(description=_("Unpublish the selected meetings"), permissions=["change"])
    def unpublish_meetings(self, request, queryset):
        self._move(
            request,
            queryset,
            sources=[Meeting.Status.PUBLISHED],
            move=lambda meeting: meeting.unpublish(by=request.user),
            done_message=lambda n: ngettext(
                "%(count)d meeting was unpublished.", "%(count)d meetings were unpublished.", n
            ),
        )

    @admin.action(description=_("Submit the selected drafts for review"), permissions=["change"])
    def submit_meetings_for_review(self, request, queryset):
        self._move(
            request,
            queryset,
            sources=[Meeting.Status.DRAFT],
            move=lambda meeting: meeting.submit_for_review(by=request.user),
            done_message=lambda n: ngettext(
                "%(count)d meeting was submitted for review.", "%(count)d meetings were submitted for review.", n
            ),
        )


@admin.register(MeetingOrganization)
class MeetingOrganizationAdmin(IndexedSearchMixin, SanadModelAdmin):
    list_display = ("organization", "meeting", "role", "order")
    list_filter = ("role", "organization__kind", "meeting__status")
    list_select_related = ("organization", "meeting")
    search_fields = ("organization__name", "organization__acronym", "meeting__title")
    # The newest meetings' first, along the index of the meeting (not every row sorted).
    ordering = ("-meeting_id", "order")
    date_hierarchy = "meeting__date"
    autocomplete_fields = ("meeting", "organization")
    fields = ("meeting", "organization", "role", "order")

    def search_sets(self, text):
        involvements = MeetingOrganization.objects.all()
        return [
            pointing_at(involvements, "organization", indexed(Organization.objects.all(), text)),
            *(pointing_at(involvements, "meeting", meetings) for meetings in meetings_found(text)),
        ]


@admin.register(Participation)
class ParticipationAdmin(IndexedSearchMixin, TranslatedModelAdmin):
    list_display = ("person", "person_visibility", "position", "organization", "meeting")
    list_filter = ("role", "person__visibility", "meeting__status")
    search_fields = ("person__name", "position__title", "organization__name", "statement", "meeting__title")
    ordering = ("-meeting_id", "order")
    date_hierarchy = "meeting__date"
    autocomplete_fields = ("meeting", "person", "position", "organization")
    fields = ("meeting", "person", "position", "organization", "role", "statement", "order")

    def search_sets(self, text):
        participations = Participation.objects.all()
        # People by their names, protected ones too: only public people have search terms.
        people = containing(Person.objects.all(), ("name_ar", "name_en"), text)
        posts = containing(Position.objects.all(), ("title_ar", "title_en"), text)
        return [
            pointing_at(participations, "person", people),
            pointing_at(participations, "position", posts),
            pointing_at(participations, "organization", indexed(Organization.objects.all(), text)),
            # The participations of the meetings found, whose search terms hold their titles
            # and what was said in them.
            *(pointing_at(participations, "meeting", meetings) for meetings in meetings_found(text)),
        ]

    def get_queryset(self, request):
        # The participant's label names the post and its organisation. (The
        # changelist ignores list_select_related once this is set.)
        return (
            super()
            .get_queryset(request)
            .select_related("meeting", "person", "position__organization", "organization")
        )

    @admin.display(description=_("visibility"), ordering="person__visibility")
    def person_visibility(self, obj):
        return obj.person.get_visibility_display() if obj.person_id else "—"
