"""``manage.py clear_page_cache``: every cached public page is out of date from now on.

Writes through Django clear it themselves (meetings/page_cache.py); this is for rows
changed outside Django (psql, COPY) when ``rebuild_search_index`` is not run."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from meetings.page_cache import bump_generation


class Command(BaseCommand):
    help = "Invalidate every cached public page (after changing rows outside Django)."

    def handle(self, *args, **options):
        bump_generation()
        self.stdout.write(_("Cached public pages invalidated."))
