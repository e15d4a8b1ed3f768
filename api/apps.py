from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only public API at /api/v1/ (docs/api.md). It reads the domain through the
    ``published()`` QuerySets of ``meetings``; ``meetings`` never imports from it."""

    name = "api"
    verbose_name = _("Public API")
