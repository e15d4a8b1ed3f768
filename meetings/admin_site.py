"""The Django admin is for superusers only.

Organisations' staff work in the workspace (/staff/), where every record is
scoped to their organisation; the admin sees every organisation at once, so a
staff flag or model permissions are not enough to enter it. The login form
refuses anyone else before signing them in.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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


class SanadAdminSite(admin.AdminSite):
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)
