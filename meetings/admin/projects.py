from django.contrib import admin
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import Meeting, Project
from ..models.base import count_subquery
from .base import TranslatedModelAdmin


@admin.register(Project)
class ProjectAdmin(TranslatedModelAdmin):
    list_display = ("name", "start_date", "end_date", "meeting_count")
    list_filter = (
        ("implementers", admin.RelatedOnlyFieldListFilter),
        ("donors", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "name_ar",
        "name_en",
        "description_ar",
        "description_en",
        "slug",
        "implementers__name_ar",
        "implementers__name_en",
        "donors__name_ar",
        "donors__name_en",
    )
    date_hierarchy = "start_date"
    autocomplete_fields = ("implementers", "donors")
    readonly_fields = ("slug", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "description", "implementers", "donors", "start_date", "end_date", "website")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("slug", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            meeting_count=count_subquery(Meeting.objects.filter(project=OuterRef("pk")))
        )

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count
