from django.apps import AppConfig
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
