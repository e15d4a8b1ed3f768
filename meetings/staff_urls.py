"""URLs of the staff workspace, mounted at staff/ inside i18n_patterns (namespace "staff")."""

from django.urls import path

from .models import MeetingEvent
from .views import attachments, staff

app_name = "staff"

Action = MeetingEvent.Action

urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("meetings/", staff.meeting_list, name="meeting_list"),
    path("meetings/new/", staff.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", staff.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", staff.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/submit/", staff.meeting_transition, {"action": Action.SUBMITTED}, name="meeting_submit"),
    path("meetings/<int:pk>/publish/", staff.meeting_transition, {"action": Action.PUBLISHED}, name="meeting_publish"),
    path("meetings/<int:pk>/return/", staff.meeting_transition, {"action": Action.RETURNED}, name="meeting_return"),
    path(
        "meetings/<int:pk>/unpublish/", staff.meeting_transition, {"action": Action.UNPUBLISHED}, name="meeting_unpublish"
    ),
    path("meetings/<int:pk>/publication-check/", staff.meeting_publication_check, name="meeting_publication_check"),
    path("meetings/<int:pk>/history/", staff.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/history/<int:history_id>/restore/", staff.meeting_restore, name="meeting_restore"),
    path("recommendations/<int:pk>/follow-up/", staff.recommendation_follow_up, name="recommendation_follow_up"),
    path("attachments/<uuid:key>/", attachments.staff_attachment, name="attachment"),
]
