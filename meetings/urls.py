"""Public URLs of the portal (mounted under i18n_patterns: Arabic at /, English at /en/)."""

from django.urls import path, register_converter

from .converters import ExportFormatConverter, UnicodeSlugConverter
from .feeds import (
    GovernorateMeetingsAtomFeed,
    GovernorateMeetingsFeed,
    MeetingsAtomFeed,
    MeetingsFeed,
    OrganizationMeetingsAtomFeed,
    OrganizationMeetingsFeed,
    ProjectMeetingsAtomFeed,
    ProjectMeetingsFeed,
    RecommendationUpdatesAtomFeed,
    RecommendationUpdatesFeed,
)
from .views import attachments, discovery, exports, lookup, public
from .views import printing
from .views import statistics as statistics_views

register_converter(UnicodeSlugConverter, "uslug")
register_converter(ExportFormatConverter, "exportformat")

app_name = "meetings"

urlpatterns = [
    # --- Public pages (every URL shareable and stable; filters are GET parameters)
    path("", public.home, name="home"),
    path("meetings/", public.meeting_list, name="meeting_list"),
    # A meeting's address is its id: short enough to share in a message, stable when the title
    # is corrected. The long title-based addresses of the first release redirect to it (301).
    path("meetings/<int:pk>/", public.meeting_detail, name="meeting_detail"),
    path("meetings/<uslug:slug>/", public.meeting_by_slug, name="meeting_by_slug"),
    path("recommendations/", public.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", public.recommendation_detail, name="recommendation_detail"),
    path("organizations/", public.organization_list, name="organization_list"),
    path("organizations/<uslug:slug>/", public.organization_detail, name="organization_detail"),
    path("projects/", public.project_list, name="project_list"),
    path("projects/<uslug:slug>/", public.project_detail, name="project_detail"),
    path("governorates/", public.governorate_list, name="governorate_list"),
    path("governorates/<slug:slug>/", public.governorate_detail, name="governorate_detail"),
    path("tags/<uslug:slug>/", public.tag_detail, name="tag_detail"),
]

# Statistics from the summary rows (meetings/figures.py), each chart's figures also as CSV.
urlpatterns += [
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("statistics/<slug:chart>.csv", statistics_views.statistics_csv, name="statistics_csv"),
]

# Printable PDFs of the public record (meetings/printing.py).
urlpatterns += [
    path("meetings/<int:pk>/minutes.pdf", printing.meeting_minutes_pdf, name="meeting_pdf"),
    path("projects/<uslug:slug>/report.pdf", printing.project_report_pdf, name="project_pdf"),
]

# Feeds and calendars: subscribe to what is newly published (see meetings/feeds.py).
urlpatterns += [
    path("feeds/meetings/rss/", MeetingsFeed(), name="feed_meetings_rss"),
    path("feeds/meetings/atom/", MeetingsAtomFeed(), name="feed_meetings_atom"),
    path("feeds/governorates/<slug:slug>/rss/", GovernorateMeetingsFeed(), name="feed_governorate_rss"),
    path("feeds/governorates/<slug:slug>/atom/", GovernorateMeetingsAtomFeed(), name="feed_governorate_atom"),
    path("feeds/organizations/<uslug:slug>/rss/", OrganizationMeetingsFeed(), name="feed_organization_rss"),
    path("feeds/organizations/<uslug:slug>/atom/", OrganizationMeetingsAtomFeed(), name="feed_organization_atom"),
    path("feeds/projects/<uslug:slug>/rss/", ProjectMeetingsFeed(), name="feed_project_rss"),
    path("feeds/projects/<uslug:slug>/atom/", ProjectMeetingsAtomFeed(), name="feed_project_atom"),
    path("feeds/recommendation-updates/rss/", RecommendationUpdatesFeed(), name="feed_recommendation_updates_rss"),
    path("feeds/recommendation-updates/atom/", RecommendationUpdatesAtomFeed(), name="feed_recommendation_updates_atom"),
    path("calendar/meetings.ics", discovery.meetings_calendar, name="calendar_meetings"),
    path("calendar/governorates/<slug:slug>.ics", discovery.meetings_calendar, name="calendar_governorate"),
]

# Search across the published records is its own app (search/urls.py, included in sanad/urls.py).
urlpatterns += [
    # The filter forms' organisation autocomplete (outside organizations/, where any word may be a slug).
    path("lookup/organizations/", lookup.organization_lookup, name="organization_lookup"),
]

# Files of published meetings marked public (everything else answers 404): see views/attachments.py.
urlpatterns += [
    path("attachments/<uuid:key>/", attachments.public_attachment, name="attachment"),
]

# Downloads: each list with the reader's filters, and the whole dataset (see meetings/exports/).
urlpatterns += [
    path("meetings/export.<exportformat:file_format>", exports.meeting_export, name="meeting_export"),
    path("recommendations/export.<exportformat:file_format>", exports.recommendation_export,
         name="recommendation_export"),
    path("organizations/export.<exportformat:file_format>", exports.organization_export, name="organization_export"),
    path("open-data/", exports.open_data, name="open_data"),
    path("open-data/sanad-dataset.zip", exports.dataset_download, name="dataset_download"),
]
