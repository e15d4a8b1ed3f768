"""sitemap.xml: every public page, in Arabic and English, each naming the other.

``/sitemap.xml`` is a sitemap index: it names one sitemap per section
(``/sitemap-<section>.xml``), and the big sections (meetings, recommendations,
organisations) are cut into pages of ``IDS_PER_PAGE`` consecutive ids
(``?p=2``...): each page is one range scan of the primary key, whatever the size of
the site, and the index only needs each table's highest id (no count, no OFFSET).
A page may list fewer items than ids (drafts leave gaps) or none.

Each section starts from a ``published()`` rule, so a draft's page (or the page
of an organisation, project, governorate or tag known only from drafts) is
never announced to search engines.

A section page is written by :func:`section_xml`, not by Django's sitemap view and
template: a page of 500 ids is 1,000 URLs, each with two alternates, and Django would
reverse 3,000 addresses (switching the language for each) and render 1,000 template
blocks — 150–200 ms. Here each detail page's address is reversed once per language and
request (:class:`AddressPattern`); the rows carry only the columns the entries show.
"""

import datetime
import math

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape

from .addresses import AddressPattern
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

    def get_latest_lastmod(self):
        # The index would read every item of every section for it: it leaves it out.
        return None


# Each page of a big section covers this many consecutive ids (two URLs per item: ar and en).
IDS_PER_PAGE = 500


class IdRangePaginator:
    """Pages of a sitemap by ranges of primary keys: page n holds the items with ids in
    ``((n - 1) * per_page, n * per_page]``."""

    def __init__(self, sitemap, per_page):
        self.sitemap, self.per_page = sitemap, per_page

    @cached_property
    def num_pages(self):
        model = self.sitemap.items().model
        top = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
        return max(1, math.ceil(top / self.per_page))

    def id_range(self, number):
        """``(low, high)``: page ``number`` holds the ids in ``(low, high]``."""
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(str(error)) from error
        if number < 1 or number > self.num_pages:
            raise EmptyPage(number)
        return (number - 1) * self.per_page, number * self.per_page


def _day(value):
    """A lastmod as the day it falls on in the portal's time zone (as Django's template wrote it)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


class IdRangeSitemap(PortalSitemap):
    """A big section, paged by id ranges (see the module docstring)."""

    # The detail page: its URL name, the keyword it takes and the field that fills it.
    url_name, url_kwarg, url_field = "", "pk", "pk"
    # The columns a sitemap entry needs (the rest of a row is never read).
    columns = ("pk", "updated_at")

    # Ids a page covers when its entries cost more than a row each (None: IDS_PER_PAGE).
    ids_per_page = None

    @property
    def paginator(self):
        return IdRangePaginator(self, self.ids_per_page or IDS_PER_PAGE)

    def rows(self):
        return self.items().only(*self.columns)

    def entries_xml(self, page, root):
        """The ``<url>`` entries of one page, each language with its alternates, as text."""
        low, high = self.paginator.id_range(page)
        rows = self.rows().filter(pk__gt=low, pk__lte=high)
        languages = [code for code, _name in settings.LANGUAGES]
        patterns = {code: AddressPattern(self.url_name, self.url_kwarg, code) for code in languages}
        tail = f"<changefreq>{self.changefreq}</changefreq><priority>{self.priority}</priority>"
        for row in rows:
            value = getattr(row, self.url_field)
            addresses = {code: escape(root + patterns[code](value)) for code in languages}
            day = _day(self.lastmod(row))
            lastmod = f"<lastmod>{day}</lastmod>" if day else ""
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{address}"/>'
                for code, address in addresses.items()
            )
            for code in languages:
                yield f"<url><loc>{addresses[code]}</loc>{lastmod}{tail}{links}</url>\n"

    def get_latest_lastmod(self):
        # Would read every item; the index leaves it out for these sections.
        return None


class MeetingSitemap(IdRangeSitemap):
    changefreq = "weekly"
    priority = 0.8
    url_name = "meetings:meeting_detail"

    def items(self):
        return Meeting.objects.published().order_by("pk")


class RecommendationSitemap(IdRangeSitemap):
    changefreq = "weekly"
    priority = 0.6
    url_name = "meetings:recommendation_detail"

    def items(self):
        return Recommendation.objects.published().order_by("pk")


class OrganizationSitemap(IdRangeSitemap):
    changefreq = "monthly"
    priority = 0.5
    url_name, url_kwarg, url_field = "meetings:organization_detail", "slug", "slug"
    columns = ("pk", "slug", "updated_at")

    def items(self):
        return Organization.objects.published().order_by("pk")


class ProjectSitemap(IdRangeSitemap):
    changefreq = "monthly"
    priority = 0.5
    url_name, url_kwarg, url_field = "meetings:project_detail", "slug", "slug"
    columns = ("pk", "slug", "updated_at")

    def items(self):
        return Project.objects.published().order_by("pk")


def _latest_published_meeting(**link):
    """Subquery: when the newest published meeting linked by ``link`` was published."""
    return Subquery(
        Meeting.objects.published().filter(**link).order_by("-published_at").values("published_at")[:1]
    )


class GovernorateSitemap(IdRangeSitemap):
    """Governorates with at least one published meeting; changed when one was last published."""

    changefreq = "weekly"
    priority = 0.5
    url_name, url_kwarg, url_field = "meetings:governorate_detail", "slug", "slug"
    columns = ("pk", "slug")

    def items(self):
        return (
            Governorate.objects.covered()
            .annotate(last_published_at=_latest_published_meeting(governorate=OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, governorate):
        return governorate.last_published_at


class TagSitemap(IdRangeSitemap):
    """Tags of published meetings; changed when a meeting with the tag was last published."""

    changefreq = "weekly"
    priority = 0.4
    url_name, url_kwarg, url_field = "meetings:tag_detail", "slug", "slug"
    columns = ("pk", "slug")
    # A tag's lastmod reads the publication time of each of its meetings (about a millisecond
    # for a tag of 700 meetings): 50 tags a page keep a page within its time at 100,000 meetings.
    ids_per_page = 50

    def items(self):
        return (
            Tag.objects.published()
            .annotate(
                # From the tag's own rows (the newest of its meetings), not by walking every
                # published meeting until one has the tag.
                last_published_at=Subquery(
                    Meeting.tags.through.objects.filter(tag=OuterRef("pk"), meeting__status=Meeting.Status.PUBLISHED)
                    .order_by()
                    .values("tag_id")
                    .annotate(last=Max("meeting__published_at"))
                    .values("last")[:1]
                )
            )
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


def section_xml(section, page, request):
    """One section's page of the sitemap as an XML document. Raises ``EmptyPage`` or
    ``PageNotAnInteger`` for a page that does not exist (the view answers 404)."""
    sitemap = SITEMAPS[section]()
    site = get_current_site(request)
    root = f"{sitemap.get_protocol(request.scheme)}://{sitemap.get_domain(site)}"
    entries = "".join(sitemap.entries_xml(page, root))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{entries}</urlset>\n"
    )
