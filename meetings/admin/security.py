"""The security log (read-only), and deletions of accounts logged like every other admin deletion."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models.security import SecurityEvent
from .base import LoggedDeletionsMixin, ReadOnlyModelAdmin


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return SecurityEvent.Action.choices

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyModelAdmin):
    """Read by superusers (the only users of the admin); written only by record_security_event()."""

    list_display = ("at", "action_label", "username", "target", "ip_address", "short_user_agent")
    list_filter = (ActionFilter, "at")
    search_fields = ("username", "target", "detail")
    date_hierarchy = "at"
    fields = ("at", "action_label", "user", "username", "target", "detail", "ip_address", "user_agent")
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return obj.get_action_display()

    @admin.display(description=_("browser"))
    def short_user_agent(self, obj):
        return Truncator(obj.user_agent).chars(60)


User = get_user_model()
for model, model_admin in ((User, UserAdmin), (Group, GroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"Sanad{model_admin.__name__}", (LoggedDeletionsMixin, model_admin), {}))
