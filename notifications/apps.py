from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Mail that leaves the portal on a schedule: staff reminders and readers' digests.

    It stands on its own: it reads the domain through ``meetings``' public QuerySets
    (``published()``, ``public()``) and nothing in ``meetings`` imports from it.
    """

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (records each user's language at sign-in)
