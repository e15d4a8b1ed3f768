from django.contrib import admin
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _

from ..models import Governorate, Meeting
from ..models.base import count_subquery
from .base import TranslatedModelAdmin


@admin.register(Governorate)
class GovernorateAdmin(TranslatedModelAdmin):
    list_display = ("name", "code", "slug", "meeting_count")
    search_fields = ("name_ar", "name_en", "code", "slug")
    fields = ("name", "code", "slug")
    # The slug is ASCII: only the English name can seed it.
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            meeting_count=count_subquery(Meeting.objects.filter(governorate=OuterRef("pk")))
        )

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count
