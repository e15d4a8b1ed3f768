from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.urls import include, path

from imports import urls as import_urls
from meetings import staff_urls
from meetings.sitemaps import SITEMAPS
from meetings.views import discovery

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # One sitemap index and one robots.txt for the whole site, at the root where
    # crawlers look; the index names a sitemap per section (big ones in pages), which
    # lists each page in both languages (meetings/sitemaps.py).
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", discovery.sitemap_section, name="sitemap_section"),
    path("robots.txt", discovery.robots_txt, name="robots_txt"),
    # Browsers and crawlers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", discovery.favicon, name="favicon"),
    # The read-only API, one address for every language: records carry both (docs/api.md).
    path("api/", include("api.urls")),
]

# Arabic, the default language, has no prefix (/meetings/…); English lives
# under /en/ so that every page has one stable, shareable URL per language.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    # The staff workspace (meetings/staff_urls.py, with the import pages of imports/urls.py)
    # and its sign-in pages (django.contrib.auth's views with the templates in templates/registration/).
    path("staff/", include((staff_urls.urlpatterns + import_urls.urlpatterns, "staff"))),
    path("accounts/", include("django.contrib.auth.urls")),
    # Two-factor enrolment and verification (accounts/urls.py).
    path("accounts/", include("accounts.urls")),
    # Readers follow a record by e-mail (notifications/urls.py).
    path("", include("notifications.urls")),
    # Search across the published records (search/, docs/search.md).
    path("", include("search.urls")),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)

# Error pages in the language of the address asked for (Arabic, or English under /en/).
handler404 = "meetings.views.errors.page_not_found"
handler500 = "meetings.views.errors.server_error"
