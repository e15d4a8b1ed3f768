"""What every Sanad admin page shares."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin


class SanadAdminMixin:
    # The public pages (URL namespace ``meetings:``) do not exist yet, so a
    # "View on site" button would lead to an error; the lead enables it later.
    view_on_site = False
    list_per_page = 50


class SanadModelAdmin(SanadAdminMixin, admin.ModelAdmin):
    """For models without translated fields."""


class TranslatedModelAdmin(SanadAdminMixin, TabbedTranslationAdmin):
    """For models with translated fields: one tab per language (Arabic first).

    The tabs need jQuery UI, served from our own static files
    (``settings.JQUERY_UI_URL``), never from a CDN.
    """
