"""The Django admin is for superusers only.

Organisations' staff work in the workspace (/staff/), where every record is
scoped to their organisation; the admin sees every organisation at once, so a
staff flag or model permissions are not enough to enter it. The login form
refuses anyone else before signing them in.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "superuser_only": _(
            "Only site administrators may use the administration. Staff of an organisation work in the workspace."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(self.error_messages["superuser_only"], code="superuser_only")


# How many rows «Delete selected» takes at once. Its confirmation page reads every record the
# delete would take with it: "select all" on the meetings' list (100,000 of them, a million
# recommendations) did not answer in five minutes. The delete itself runs once per row, with
# everything a published meeting's delete keeps up to date: at 100,000 meetings, 10 published
# meetings took 5.3-5.5 s and 100 took 55-78 s, past gunicorn's timeout (docs/performance.md,
# Session 32); 20 took 8.6 s.
DELETE_SELECTED_LIMIT = 20


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_within_limit(modeladmin, request, queryset):
    """Django's «Delete selected», refused past ``DELETE_SELECTED_LIMIT`` rows with a message."""
    count = queryset.count()
    if count > DELETE_SELECTED_LIMIT:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d row was selected; select at most %(limit)d to delete at once. Nothing was deleted.",
                "%(count)d rows were selected; select at most %(limit)d to delete at once. Nothing was deleted.",
                count,
            )
            % {"count": count, "limit": DELETE_SELECTED_LIMIT},
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


class SanadAdminSite(admin.AdminSite):
    login_form = SuperuserAuthenticationForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_action(delete_selected_within_limit, "delete_selected")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)
