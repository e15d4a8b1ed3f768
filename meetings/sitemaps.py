"""sitemap.xml: every public page, in Arabic and English, each naming the other.

Each section starts from a ``published()`` rule, so a draft's page (or the page
of an organisation, project, governorate or tag known only from drafts) is
never announced to search engines.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery

from .models import Governorate, Meeting, Organization, Project, Recommendation, Tag


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    # No x-default: Django derives it by deleting "/ar/" from the URL, which
    # Arabic URLs do not have (Arabic is unprefixed) and a slug might.

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return settings.SITE_URL.split("://", 1)[0]
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        # Links are "<protocol>://<domain><path>": the domain is SITE_URL after the scheme.
        if settings.SITE_URL:
            return settings.SITE_URL.split("://", 1)[1]
        return super().get_domain(site)

    def lastmod(self, item):
        return item.updated_at


class MeetingSitemap(PortalSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Meeting.objects.published().order_by("-date", "-pk")


class RecommendationSitemap(PortalSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Recommendation.objects.published().order_by("pk")


class OrganizationSitemap(PortalSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Organization.objects.published().order_by("pk")


class ProjectSitemap(PortalSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Project.objects.published().order_by("pk")


def _latest_published_meeting(**link):
    """Subquery: when the newest published meeting linked by ``link`` was published."""
    return Subquery(
        Meeting.objects.published().filter(**link).order_by("-published_at").values("published_at")[:1]
    )


class GovernorateSitemap(PortalSitemap):
    """Governorates with at least one published meeting; changed when one was last published."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Governorate.objects.covered()
            .annotate(last_published_at=_latest_published_meeting(governorate=OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, governorate):
        return governorate.last_published_at


class TagSitemap(PortalSitemap):
    """Tags of published meetings; changed when a meeting with the tag was last published."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            Tag.objects.published()
            .annotate(last_published_at=_latest_published_meeting(tags=OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, tag):
        return tag.last_published_at


SITEMAPS = {
    "meetings": MeetingSitemap,
    "recommendations": RecommendationSitemap,
    "organisations": OrganizationSitemap,
    "projects": ProjectSitemap,
    "governorates": GovernorateSitemap,
    "tags": TagSitemap,
}
