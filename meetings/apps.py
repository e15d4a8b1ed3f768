from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and recommendations")

    def ready(self):
        # History is registered here, after modeltranslation's own ready() (it is
        # listed first in INSTALLED_APPS) has added the per-language fields, so
        # that the historical tables keep title_ar, title_en and the rest.
        from .history import register_models

        register_models()

        # Search's receivers and checks are connected by the search app (search/apps.py).
        from django.db.models.signals import post_migrate

        from . import deletion, publicity  # noqa: F401 — registers the receivers

        # Which organisations the public may see (meetings/publicity.py).
        publicity.connect()
        post_migrate.connect(publicity.refresh_after_migrate, sender=self)
        # Sign-ins and failed sign-ins go to the security log (meetings/auth_log.py).
        from . import auth_log

        auth_log.connect()

        # Public pages cached for anonymous readers, invalidated by every write (meetings/page_cache.py).
        from . import page_cache

        page_cache.connect()

        # The summary counts the public pages show (meetings/tallies.py).
        from . import tallies

        tallies.connect()
        post_migrate.connect(tallies.rebuild_after_migrate, sender=self)


class SanadAdminConfig(admin_apps.AdminConfig):
    """The admin with Sanad's site: superusers only (meetings/admin_site.py)."""

    default = False  # MeetingsConfig stays this module's default

    default_site = "meetings.admin_site.SanadAdminSite"
