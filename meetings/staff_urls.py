"""URLs of the staff workspace, mounted at staff/ inside i18n_patterns (namespace "staff";
sanad/urls.py adds the import pages of imports/urls.py to it)."""

from django.urls import path

from .models import MeetingEvent
from .views import attachments, members, onboarding, pickers, preview, review, staff

app_name = "staff"

Action = MeetingEvent.Action

urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    # A superuser's first run: the first organisation and its members (views/onboarding.py).
    path("welcome/", onboarding.welcome, name="welcome"),
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
    # The public page of the meeting as it will be, and its publish button (views/preview.py).
    path("meetings/<int:pk>/preview/", preview.meeting_preview, name="meeting_preview"),
    path("meetings/<int:pk>/history/", staff.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/history/<int:history_id>/restore/", staff.meeting_restore, name="meeting_restore"),
    path("recommendations/<int:pk>/follow-up/", staff.recommendation_follow_up, name="recommendation_follow_up"),
    path("follow-up/<int:pk>/edit/", review.follow_up_edit, name="follow_up_edit"),
    path("follow-up/<int:pk>/approve/", review.follow_up_approve, name="follow_up_approve"),
    path("follow-up/<int:pk>/return/", review.follow_up_return, name="follow_up_return"),
    path("organizations/pending/", review.organization_review, name="organization_review"),
    path("organizations/<int:pk>/confirm/", review.organization_confirm, name="organization_confirm"),
    path("organizations/<int:pk>/merge/", review.organization_merge, name="organization_merge"),
    path("attachments/<uuid:key>/", attachments.staff_attachment, name="attachment"),
    # An organisation's members, managed by its administrators (views/members.py).
    # Organisation slugs may be Arabic: <str:…> takes them (a slug has no "/").
    path("organizations/<str:slug>/members/", members.organization_members, name="organization_members"),
    path("organizations/<str:slug>/members/invite/", members.member_invite, name="member_invite"),
    path("organizations/<str:slug>/members/<int:pk>/role/", members.member_change_role, name="member_change_role"),
    path("organizations/<str:slug>/members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    # The meeting form's searchable pickers (views/pickers.py).
    path("pick/organizations/", pickers.pick_organizations, name="pick_organizations"),
    path("pick/people/", pickers.pick_people, name="pick_people"),
    # The link in an invitation: the invitee chooses a password (no sign-in needed).
    path("invitation/<uidb64>/<token>/", members.invitation_accept, name="invitation_accept"),
]
