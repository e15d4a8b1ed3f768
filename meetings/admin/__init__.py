"""The Django admin for every model of Sanad's domain, Arabic first and right to left.

One module per models module, so the admin of a model is where its model is.
Importing them registers the ModelAdmins with the default site.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401
    meetings,
    organizations,
    people,
    places,
    projects,
    protection,
    recommendations,
    search,
    security,
    workspace,
)

admin.site.site_header = _("Sanad administration")
admin.site.site_title = _("Sanad administration")
