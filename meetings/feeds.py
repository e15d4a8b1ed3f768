"""RSS and Atom feeds of the public portal.

Every feed starts from a ``published()`` QuerySet, so nothing unpublished can
reach a feed reader. Items carry no participant names at all (a meeting is
described by its summary only), so a protected person is never named by a feed.
The feeds are mounted under the i18n URL patterns: /en/feeds/… serves the
English fields (falling back to Arabic) and says so in its language tag.
"""

import copy
import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .absolute_urls import absolute_url
from .calendar import meeting_location
from .models import (
    Governorate,
    Meeting,
    Organization,
    Project,
    RecommendationUpdate,
    Tally,
)

# Feed readers poll often; the newest entries are all they need.
FEED_LIMIT = 50


class PortalFeed(Feed):
    """Absolute links from ``SITE_URL`` (or the request), and a feed author for Atom."""

    author_name = _("Sanad")

    def __call__(self, request, *args, **kwargs):
        # The URLconf holds one instance for every request: answer on a copy
        # that knows its request, so concurrent requests never share state.
        feed = copy.copy(self)
        feed.request = request
        return super(PortalFeed, feed).__call__(request, *args, **kwargs)

    def absolute(self, path):
        return absolute_url(path, self.request)

    def feed_url(self, obj):
        return self.absolute(self.request.path)

    def feed_guid(self, obj):
        # Atom's feed id; the default (the page link) would be shared by feeds of one page.
        return self.feed_url(obj)


class AtomFeed:
    """Mixed into an RSS feed class to serve the same items as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)


# --- Newly published meetings ------------------------------------------------


class MeetingsFeed(PortalFeed):
    """Meetings in the order they were published, newest first."""

    def title(self, obj):
        return _("Sanad: newly published meetings")

    def description(self, obj):
        return _("Consultation meetings newly published on Sanad, with their summaries.")

    def link(self, obj):
        return self.absolute(reverse("meetings:home"))

    def meetings(self, obj):
        return Meeting.objects.published()

    def items(self, obj):
        return (
            self.meetings(obj)
            .select_related("governorate")
            .prefetch_related("tags")
            .order_by("-published_at", "-pk")[:FEED_LIMIT]
        )

    def item_title(self, meeting):
        return meeting.title

    def item_link(self, meeting):
        return self.absolute(meeting.get_absolute_url())

    def item_description(self, meeting):
        # Summary only: participants are deliberately left out (see module docstring).
        when_and_where = format_html(
            "<p>{}</p>", " — ".join(part for part in [date_format(meeting.date), meeting_location(meeting)] if part)
        )
        if not meeting.summary.strip():
            return when_and_where
        return when_and_where + linebreaks(meeting.summary, autoescape=True)

    def item_pubdate(self, meeting):
        return meeting.published_at

    def item_categories(self, meeting):
        return [tag.name for tag in meeting.tags.all()]


class GovernorateMeetingsFeed(MeetingsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Governorate, slug=slug)

    def title(self, governorate):
        return _("Sanad: meetings in %(governorate)s") % {"governorate": governorate.name}

    def description(self, governorate):
        return _("Consultation meetings held in %(governorate)s, newly published on Sanad.") % {
            "governorate": governorate.name
        }

    def link(self, governorate):
        return self.absolute(governorate.get_absolute_url())

    def meetings(self, governorate):
        return Meeting.objects.published().in_governorate(governorate)


class OrganizationMeetingsFeed(MeetingsFeed):
    """Meetings an organisation took part in, in any role (organiser, partner, funder, represented)."""

    def get_object(self, request, slug):
        # An organisation known only from unpublished records is not disclosed: 404.
        return get_object_or_404(Organization.objects.published(), slug=slug)

    def title(self, organization):
        return _("Sanad: meetings of %(organization)s") % {"organization": organization.name}

    def description(self, organization):
        return _("Consultation meetings %(organization)s took part in, newly published on Sanad.") % {
            "organization": organization.name
        }

    def link(self, organization):
        return self.absolute(organization.get_absolute_url())

    def meetings(self, organization):
        count = Tally.objects.count_of(Tally.MEETINGS, "organization", organization.pk)
        return Meeting.objects.published().with_organization(organization, count=count)


class ProjectMeetingsFeed(MeetingsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Project.objects.published(), slug=slug)

    def title(self, project):
        return _("Sanad: meetings of the project %(project)s") % {"project": project.name}

    def description(self, project):
        return _("Consultation meetings held under the project %(project)s, newly published on Sanad.") % {
            "project": project.name
        }

    def link(self, project):
        return self.absolute(project.get_absolute_url())

    def meetings(self, project):
        return Meeting.objects.published().in_project(project)


class MeetingsAtomFeed(AtomFeed, MeetingsFeed):
    pass


class GovernorateMeetingsAtomFeed(AtomFeed, GovernorateMeetingsFeed):
    pass


class OrganizationMeetingsAtomFeed(AtomFeed, OrganizationMeetingsFeed):
    pass


class ProjectMeetingsAtomFeed(AtomFeed, ProjectMeetingsFeed):
    pass


# --- Recommendation follow-up --------------------------------------------------


class RecommendationUpdatesFeed(PortalFeed):
    """Each approved follow-up update of a recommendation from a published meeting."""

    def title(self, obj):
        return _("Sanad: recommendation follow-up")

    def description(self, obj):
        return _("Status changes of the recommendations made at meetings published on Sanad.")

    def link(self, obj):
        return self.absolute(reverse("meetings:home"))

    def items(self, obj):
        return (
            RecommendationUpdate.objects.public()
            .select_related("recommendation__meeting", "recommendation__theme")
            .order_by("-date", "-created_at", "-pk")[:FEED_LIMIT]
        )

    def item_title(self, update):
        return _("%(status)s (%(progress)s%%): %(recommendation)s") % {
            "status": update.get_status_display(),
            "progress": update.progress,
            "recommendation": Truncator(update.recommendation.text).words(14),
        }

    def item_link(self, update):
        return self.absolute(update.recommendation.get_absolute_url())

    def item_guid(self, update):
        # The link is the recommendation's page, shared by all its updates.
        return f"{self.item_link(update)}#update-{update.pk}"

    def item_guid_is_permalink(self, update):
        return False

    def item_description(self, update):
        # Only the recommendation's own meeting is named: it is published by
        # construction. The update's follow-up meeting may not be.
        facts = [
            (_("Recommendation"), update.recommendation.text),
            (_("New status"), update.get_status_display()),
            (_("Progress"), f"{update.progress}%"),
            (_("Date"), date_format(update.date)),
            (_("Meeting"), update.recommendation.meeting.title),
        ]
        if update.note:
            facts.append((_("Note"), update.note))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts))

    def item_pubdate(self, update):
        return timezone.make_aware(datetime.datetime.combine(update.date, datetime.time.min))

    def item_categories(self, update):
        theme = update.recommendation.theme
        return [theme.name] if theme else []


class RecommendationUpdatesAtomFeed(AtomFeed, RecommendationUpdatesFeed):
    pass
