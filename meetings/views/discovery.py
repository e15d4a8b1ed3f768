"""How the portal is found and followed from outside: calendars, the sitemap's sections
and robots.txt.

(The RSS/Atom feeds are views in ``meetings/feeds.py``; the sitemap index is Django's
view over ``meetings/sitemaps.py``, each section is written by that module.)
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .. import calendar, sitemaps
from ..absolute_urls import absolute_url, site_root
from ..models import Governorate, Meeting, Tag

# A calendar subscription is re-read in full on every poll: it holds the recent and
# coming meetings only — held from SANAD_CALENDAR_DAYS_BACK days ago (90) to
# SANAD_CALENDAR_DAYS_AHEAD days ahead (365) — and at most this many of them, the newest
# (an event costs about half a millisecond to write).
CALENDAR_LIMIT = 150


@require_safe
def meetings_calendar(request, slug=None):
    """Published meetings as iCalendar events, site-wide or in one governorate."""
    meetings = Meeting.objects.published()
    name = _("Sanad: meetings")
    filename = "sanad-meetings.ics"
    if slug is not None:
        governorate = get_object_or_404(Governorate, slug=slug)
        meetings = meetings.in_governorate(governorate)
        name = _("Sanad: meetings in %(governorate)s") % {"governorate": governorate.name}
        filename = f"sanad-meetings-{governorate.slug}.ics"
    today = timezone.localdate()
    meetings = meetings.between(
        today - datetime.timedelta(days=settings.SANAD_CALENDAR_DAYS_BACK),
        today + datetime.timedelta(days=settings.SANAD_CALENDAR_DAYS_AHEAD),
    )
    meetings = list(meetings.for_calendar().newest_first()[:CALENDAR_LIMIT])
    tags = Tag.objects.names_by_meeting([meeting.pk for meeting in meetings])

    root = site_root(request)
    uid_domain = urlsplit(root).hostname
    events = (
        calendar.meeting_event(
            meeting, url=f"{root}{meeting.get_absolute_url()}", uid_domain=uid_domain, tags=tags.get(meeting.pk, ())
        )
        for meeting in meetings
    )
    response = HttpResponse(
        calendar.calendar(name=name, language=get_language(), events=events),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def sitemap_section(request, section):
    """One section of the sitemap (``?p=N`` for the big ones): every public page of it in
    each language, naming the others."""
    if section not in sitemaps.SITEMAPS:
        raise Http404("No such sitemap section.")
    try:
        body = sitemaps.section_xml(section, request.GET.get("p", 1), request)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such sitemap page.") from error
    response = HttpResponse(body, content_type="application/xml")
    # As Django's sitemap views: the sitemap itself is not a page to index.
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
def robots_txt(request):
    """Crawl the portal in every language; keep out of the admin, the staff workspace, uploads
    and the filters' organisation look-up (a JSON endpoint, not a page)."""
    lines = ["User-agent: *", "Allow: /"]
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        with translation.override(code):
            lookup = reverse("meetings:organization_lookup")
        lines += [f"Disallow: {prefix}/admin/", f"Disallow: {prefix}/staff/", f"Disallow: {lookup}"]
    lines += [
        f"Disallow: {settings.MEDIA_URL}",
        f"Disallow: {reverse('set_language')}",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'), request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """/favicon.ico: the icon under its hashed static name (which changes with it, hence not a 301)."""
    response = redirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
