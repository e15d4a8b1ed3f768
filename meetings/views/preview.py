"""The reviewer's preview: the public page of a meeting not published yet, exactly as it will be.

``staff:meeting_preview`` renders the public template (``meetings/meeting_detail.html``)
with the draft's own data, loaded the way the public page loads it (``for_detail``), so
that the rules of what the public sees apply exactly as they will: a protected person
is shown by their post, never by name (``Participation.public_name``), related meetings
only if published, files only those marked public. A band above the page says it is a
preview and holds the publish button: publication goes through this page.

Only those who may publish the meeting see it: reviewers and administrators of an
organisation organising it (and superusers); an editor of it gets 403, anyone else 404.
The answer is never cached and never indexed.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import protection
from ..models import Meeting, MeetingEvent
from ..models.workflow import TRANSITIONS
from ..models.workspace import RANK
from .staff import staff_required

PUBLISH = MeetingEvent.Action.PUBLISHED


def may_preview(role):
    """Whether ``role`` (on the meeting) may preview it: whoever may publish it."""
    return role is not None and RANK[role] >= RANK[TRANSITIONS[PUBLISH].minimum_role]


@never_cache
@require_safe
@staff_required
def meeting_preview(request, pk):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user).for_detail(preview=True), pk=pk)
    role = meeting.role_of(request.user)
    if not may_preview(role):
        raise PermissionDenied(_("Only a reviewer of an organising organisation can preview this meeting's public page."))
    unaccepted = [finding for finding in protection.protected_name_findings(meeting) if not finding.accepted]
    publishable_status = PUBLISH in meeting.allowed_actions(request.user, role=role)
    context = {
        "section": "meetings",
        "meeting": meeting,
        "preview": True,
        "unaccepted": unaccepted,
        "publishable_status": publishable_status,
        "pending_organizations": list(meeting.pending_organizations()) if publishable_status else [],
    }
    context["can_publish"] = (
        publishable_status and not unaccepted and not meeting.is_planned and not context["pending_organizations"]
    )
    response = render(request, "meetings/staff/meeting_preview.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
