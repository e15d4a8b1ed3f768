from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .searchable import SearchSourceQuerySet


class GovernorateQuerySet(SearchSourceQuerySet):
    def covered(self):
        """Governorates where at least one published meeting was held."""
        from .meetings import Meeting

        return self.filter(Exists(Meeting.objects.published().filter(governorate=OuterRef("pk"))))

    def with_published_meeting_counts(self):
        """How many published meetings each has (from the summary rows, meetings/tallies.py)."""
        from .tallies import Tally, tallied

        return self.annotate(published_meeting_count=tallied(Tally.MEETINGS, "governorate"))


class Governorate(models.Model):
    """One of Yemen's 22 governorates (created by a data migration)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)

    objects = GovernorateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from ..addresses import detail_path

        return detail_path("meetings:governorate_detail", "slug", self.slug)
