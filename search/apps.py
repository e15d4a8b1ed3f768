from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # The system checks of the database (search/checks.py), the receivers that keep
        # search documents in sync with the records they include, and the schema check
        # after each migrate of the app whose tables are searched (search/sync.py).
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from . import checks, sync  # noqa: F401 — registers the checks

        sync.connect()
        post_migrate.connect(sync.fill_search_index_after_migrate, sender=apps.get_app_config("meetings"))
