from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bulk import of meetings and their records from CSV or XLSX (docs/import.md)."""

    name = "imports"
    verbose_name = _("Bulk import")
