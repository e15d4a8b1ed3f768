from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Organization, StakeholderGroup
from ..deletion import PublishedReferenceAdminMixin
from .base import TranslatedModelAdmin
from .workspace import MembershipInline


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(TranslatedModelAdmin):
    list_display = ("name", "order", "slug")
    search_fields = ("name_ar", "name_en", "slug")
    fields = ("name", "slug", "description", "order")
    # The slug is ASCII: only the English name can seed it.
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Organization)
class OrganizationAdmin(PublishedReferenceAdminMixin, TranslatedModelAdmin):
    list_display = ("name", "acronym", "kind", "governorate", "parent", "is_published", "is_pending")
    list_filter = ("kind", "is_published", "is_pending", ("governorate", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("governorate", "parent")
    search_fields = ("name_ar", "name_en", "acronym_ar", "acronym_en", "slug")
    autocomplete_fields = ("governorate", "parent")
    # is_pending changes through the workspace's confirm and merge (they keep publicity right).
    readonly_fields = ("slug", "is_published", "is_pending", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "acronym", "kind", "governorate", "parent", "website", "description")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("slug", "is_published", "is_pending", "created_at", "updated_at")}),
    )
    inlines = (MembershipInline,)
