"""Absolute links for feeds, calendars, sitemaps and robots.txt.

Readers take these links out of the site (into feed readers, calendars, search
engines), so they must name the public address: ``settings.SITE_URL`` when it is
set (behind a proxy the request may carry an internal host), otherwise the
scheme and host of the request being answered.
"""

from django.conf import settings


def site_root(request):
    """``https://host`` without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(path, request):
    """``path`` (as returned by ``reverse()`` or ``get_absolute_url()``) made absolute."""
    return f"{site_root(request)}{path}"
