"""The staff workspace, under /staff/ (Arabic) and /en/staff/ (English).

Every view starts from ``request.user``: meetings come from
``Meeting.objects.for_user(request.user)``, recommendations from
``Recommendation.objects.followable_by(request.user)``, so a record of another
organisation answers 404 whatever id is put in the address. What a role may
do is decided by the models (``models/workspace.py``, ``models/workflow.py``);
the views parse the request, call a form, a QuerySet or a service, and render.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ..entry_page import entry_sections
from ..forms import FORMSETS, MAX_ROWS, FollowUpForm, MeetingEntry, ReviewCommentForm, oversized_formsets
from ..history import meeting_changes
from ..models import Meeting, MeetingEvent, Membership, Organization, Recommendation, RecommendationUpdate
from ..models.workflow import TRANSITIONS, TransitionNotAllowed
from ..models.workspace import RANK, Role, is_site_administrator, workspace_role
from .. import merge, protection, scheduling, services
from ..services import MeetingConflict, MeetingLocked

DUE_SOON_DAYS = 30
DASHBOARD_LIMIT = 20
ACTIVITY_LIMIT = 15
PER_PAGE = 25

TEMPLATE_DIR = "meetings/staff"


def staff_required(view):
    """Signed-in members of an organisation (or administrators) only; others are sent to log in."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.workspace_role = workspace_role(request.user)
        if request.workspace_role is None:
            raise PermissionDenied(_("Your account is not a member of any organisation yet. Ask an administrator."))
        return view(request, *args, **kwargs)

    return wrapper


def _my_meeting(request, pk):
    return get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)


def _render(request, template, context, status=200):
    context.setdefault("workspace_role", getattr(request, "workspace_role", None))
    return render(request, f"{TEMPLATE_DIR}/{template}", context, status=status)


# --- Dashboard and lists -----------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@staff_required
def dashboard(request):
    user = request.user
    if is_site_administrator(user) and not Organization.objects.exists():
        return redirect("staff:welcome")  # a fresh installation: the first organisation (views/onboarding.py)
    mine = Meeting.objects.for_user(user).with_latest_event()
    drafts = mine.filter(status=Meeting.Status.DRAFT).order_by("-updated_at", "-pk")
    returned = Q(latest_action=MeetingEvent.Action.RETURNED)
    today = timezone.localdate()
    context = {
        "memberships": Membership.objects.of(user).select_related("organization"),
        "returned": drafts.filter(returned)[:DASHBOARD_LIMIT],
        "drafts": drafts.filter(Q(latest_action__isnull=True) | ~returned)[:DASHBOARD_LIMIT],
        "in_review": mine.filter(status=Meeting.Status.REVIEW).order_by("latest_event_at", "pk")[:DASHBOARD_LIMIT],
        "due": Recommendation.objects.due_for(user, today + datetime.timedelta(days=DUE_SOON_DAYS), DASHBOARD_LIMIT),
        "activity": Meeting.history.filter(id__in=Meeting.objects.for_user(user).values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:ACTIVITY_LIMIT],
        "today": today,
        "due_soon_days": DUE_SOON_DAYS,
        **_review_queue(user),
    }
    return _render(request, "dashboard.html", context)


def _review_queue(user):
    from .review import review_queue  # review.py builds on this module's decorators

    return review_queue(user)


@require_http_methods(["GET", "HEAD"])
@staff_required
def meeting_list(request):
    meetings = Meeting.objects.for_user(request.user).with_latest_event().order_by("-date", "-pk")
    status = request.GET.get("status")
    if status in Meeting.Status.values:
        meetings = meetings.filter(status=status)
    else:
        status = None
    page = Paginator(meetings, PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request, "meeting_list.html", {"page": page, "status": status, "statuses": Meeting.Status.choices}
    )


# --- One meeting -----------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@staff_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user).for_detail(), pk=pk)
    role = meeting.role_of(request.user)
    context = {
        "meeting": meeting,
        "role": role,
        "can_edit": meeting.can_edit(request.user, role=role),
        "actions": meeting.allowed_actions(request.user, role=role),
        "events": meeting.events.select_related("by"),
        "attachments": meeting.attachments.all(),
        "comment_form": ReviewCommentForm(),
        "can_preview": role is not None and RANK[role] >= RANK[TRANSITIONS[MeetingEvent.Action.PUBLISHED].minimum_role],
    }
    return _render(request, "meeting_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def meeting_create(request):
    return _meeting_entry(request, Meeting())


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def meeting_edit(request, pk):
    meeting = _my_meeting(request, pk)
    if request.method == "POST" and oversized_formsets(request.POST):
        return _refuse_oversized(request, meeting)
    if not meeting.can_edit(request.user):
        if request.method == "POST":
            # The status changed while the form was open: refuse, but give back what was typed.
            entry = MeetingEntry(user=request.user, instance=meeting, data=request.POST, files=request.FILES)
            return _render_entry(request, entry, locked=meeting, status=409)
        return _render(request, "meeting_locked.html", {"meeting": meeting}, status=403)
    return _meeting_entry(request, meeting)


def _posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _refuse_oversized(request, meeting):
    """A form claiming thousands of rows (forged: the page's script stops at the maximum) is
    refused before any of its rows is read."""
    return _render(request, "meeting_too_big.html", {"meeting": meeting, "max_rows": MAX_ROWS}, status=400)


def _meeting_entry(request, meeting):
    if request.method != "POST":
        return _render_entry(request, MeetingEntry(user=request.user, instance=meeting))
    if oversized_formsets(request.POST):
        return _refuse_oversized(request, meeting)
    if meeting.pk and (_posted_version(request) != meeting.version or request.POST.get(merge.BASE_FIELD)):
        return _merge_and_save(request, meeting.pk, request.POST)
    stored_date = meeting.date if meeting.pk else None
    entry = MeetingEntry(user=request.user, instance=meeting, data=request.POST, files=request.FILES)
    valid = entry.is_valid()
    # A date in the future is asked about, never saved silently (meetings/scheduling.py).
    confirmed = scheduling.is_confirmed(request.POST)
    ask = scheduling.future_date_check(entry.form, stored_date=stored_date, confirmed=confirmed)
    if not valid or entry.form.errors:
        # Browsers cannot refill file inputs: say so, rather than let files go missing.
        return _render_entry(
            request, entry, lost_files=bool(request.FILES), ask_future_date=ask, future_date_confirmed=confirmed
        )
    try:
        saved = _save_entry(request, entry)
    except MeetingConflict:
        return _merge_and_save(request, meeting.pk, request.POST)
    except MeetingLocked as locked:
        return _render_entry(request, entry, locked=locked.meeting, status=409)
    except services.PendingOrganizations as refusal:
        # A published meeting may not name an organisation no reviewer confirmed: nothing was saved.
        entry.form.add_error(None, refusal)
        return _render_entry(request, entry, lost_files=bool(request.FILES))
    except protection.UnacceptedNames as refusal:
        return _render_entry(request, entry, **_names_context(request, meeting, refusal))
    return _saved(request, saved)


def _save_entry(request, entry):
    return protection.meeting_save_checked(
        **entry.save_kwargs(), by=request.user, accept_names=request.POST.getlist("accept_names")
    )


def _names_context(request, meeting, refusal):
    return {
        "unaccepted_names": refusal.findings,
        "can_accept_names": protection.can_accept(meeting, request.user),
        "status": 409,
    }


def _saved(request, saved, merged=None):
    if merged is not None:
        messages.success(
            request,
            _("Someone else saved this meeting while you were editing it: your changes and theirs were combined."),
        )
    else:
        messages.success(request, _("The meeting was saved."))
    if request.POST.get("then") == "submit" and saved.can_edit(request.user):
        return _move(request, saved, MeetingEvent.Action.SUBMITTED, comment="")
    return redirect("staff:meeting_detail", pk=saved.pk)


def _render_entry(request, entry, *, status=200, **extra):
    context = {
        "entry": entry,
        "meeting": entry.instance,
        "sections": entry_sections(entry),
        "today": timezone.localdate(),
        **extra,
    }
    return _render(request, "meeting_form.html", context, status=status)


MERGE_ATTEMPTS = 3


def _merge_and_save(request, pk, data, attempt=1):
    """The meeting was saved by someone else since this form was opened: merge (meetings/merge.py).

    Fields only one side changed are combined and saved at once; fields both changed
    are asked about on the conflict page (409), which comes back, against the newer
    record, if it changed yet again.
    """
    current = get_object_or_404(Meeting.objects.for_user(request.user).select_related("updated_by"), pk=pk)
    result = merge.meeting_merge(meeting=current, data=data, user=request.user)
    stored_date = current.date
    entry = MeetingEntry(user=request.user, instance=current, data=result.data, files=request.FILES)
    if not result.resolved or attempt > MERGE_ATTEMPTS:
        return _render_conflict(request, current, entry, result)
    valid = entry.is_valid()
    confirmed = scheduling.is_confirmed(request.POST)
    ask = scheduling.future_date_check(entry.form, stored_date=stored_date, confirmed=confirmed)
    if not valid or entry.form.errors:
        return _render_conflict(
            request, current, entry, result, ask_future_date=ask, future_date_confirmed=confirmed
        )
    try:
        saved = _save_entry(request, entry)
    except MeetingConflict:
        return _merge_and_save(request, pk, result.data, attempt + 1)
    except MeetingLocked as locked:
        return _render_entry(request, entry, locked=locked.meeting, status=409)
    except protection.UnacceptedNames as refusal:
        return _render_entry(request, entry, **_names_context(request, current, refusal))
    return _saved(request, saved, merged=result)


def _render_conflict(request, current, entry, result, **extra):
    """The conflict page: the fields both people changed, each with a choice, above the merged form.

    Nothing is saved until the user submits it; the rows (participants, recommendations...)
    are compared with the saved ones in a table, as before.
    """
    merge.preselect(result)
    stored = MeetingEntry(user=request.user, instance=Meeting.objects.get(pk=current.pk))
    differences = entry.differences(stored)[-len(FORMSETS) :]
    context = {
        "conflict": current,
        "merge": result,
        "merge_choices": merge.CHOICES,
        "differences": differences,
        "lost_files": bool(request.FILES),
        **extra,
    }
    return _render_entry(request, entry, status=409, **context)


@require_POST
@staff_required
def meeting_transition(request, pk, action):
    meeting = _my_meeting(request, pk)
    transition = TRANSITIONS[action]
    role = meeting.role_of(request.user)
    if role is None or RANK[role] < RANK[transition.minimum_role]:
        raise PermissionDenied(transition.wrong_role)
    form = ReviewCommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _move(request, meeting, action, comment=comment)


SUCCESS_MESSAGES = {
    MeetingEvent.Action.SUBMITTED: gettext_lazy("The meeting was submitted for review."),
    MeetingEvent.Action.PUBLISHED: gettext_lazy("The meeting is published."),
    MeetingEvent.Action.RETURNED: gettext_lazy("The meeting was returned to its editors with your comment."),
    MeetingEvent.Action.UNPUBLISHED: gettext_lazy("The meeting was withdrawn from the public site."),
}


def _move(request, meeting, action, *, comment):
    method = {
        MeetingEvent.Action.SUBMITTED: meeting.submit_for_review,
        MeetingEvent.Action.PUBLISHED: meeting.publish,
        MeetingEvent.Action.RETURNED: meeting.return_to_draft,
        MeetingEvent.Action.UNPUBLISHED: meeting.unpublish,
    }[action]
    try:
        method(by=request.user, comment=comment)
    except TransitionNotAllowed as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        if refusal.code == "protected_names":
            return redirect("staff:meeting_publication_check", pk=meeting.pk)
    else:
        messages.success(request, SUCCESS_MESSAGES[action])
    return redirect("staff:meeting_detail", pk=meeting.pk)


# --- Protected names before publication ----------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def meeting_publication_check(request, pk):
    """Every place where the public text names a protected person, and the publish button.

    Anyone with a role on the meeting sees the findings (an editor removes the names); a
    reviewer accepts occurrences (POST ``accept`` = fingerprints) and publishes once none
    is left unaccepted. ``Meeting.publish()`` enforces the same rule on every path.
    """
    meeting = _my_meeting(request, pk)
    role = meeting.role_of(request.user)
    if request.method == "POST":
        fingerprints = request.POST.getlist("accept")
        if not fingerprints:
            messages.error(request, _("Choose the occurrences you accept first."))
        else:
            accepted = protection.protected_names_accept(meeting=meeting, fingerprints=fingerprints, by=request.user)
            if accepted:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d occurrence was accepted.", "%(count)d occurrences were accepted.", len(accepted)
                    )
                    % {"count": len(accepted)},
                )
            else:
                messages.error(request, _("Nothing was accepted: the text changed since the page was opened. Check again."))
        return redirect("staff:meeting_publication_check", pk=meeting.pk)
    findings = protection.protected_name_findings(meeting)
    unaccepted = [finding for finding in findings if not finding.accepted]
    actions = meeting.allowed_actions(request.user, role=role)
    context = {
        "meeting": meeting,
        "role": role,
        "findings": findings,
        "unaccepted": unaccepted,
        "can_accept": role is not None and RANK[role] >= RANK[TRANSITIONS[MeetingEvent.Action.PUBLISHED].minimum_role],
        "can_publish": MeetingEvent.Action.PUBLISHED in actions and not unaccepted,
        "publishable_status": MeetingEvent.Action.PUBLISHED in actions,
        "can_edit": meeting.can_edit(request.user, role=role),
        "comment_form": ReviewCommentForm(),
    }
    return _render(request, "publication_check.html", context)


# --- History -----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@staff_required
def meeting_history(request, pk):
    meeting = _my_meeting(request, pk)
    context = {
        "meeting": meeting,
        "entries": meeting_changes(meeting),
        "can_restore": meeting.role_of(request.user) == Role.ADMINISTRATOR,
    }
    return _render(request, "meeting_history.html", context)


@require_POST
@staff_required
def meeting_restore(request, pk, history_id):
    meeting = _my_meeting(request, pk)
    if meeting.role_of(request.user) != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Only an administrator can restore an earlier version."))
    record = get_object_or_404(meeting.history.all(), history_id=history_id)
    try:
        services.meeting_restore(meeting=meeting, record=record, by=request.user)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The earlier version was restored. The restore is itself a new version."))
    return redirect("staff:meeting_history", pk=meeting.pk)


# --- Follow-up of recommendations --------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def recommendation_follow_up(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.followable_by(request.user).select_related("meeting"), pk=pk
    )
    form = FollowUpForm(
        request.POST or None, request.FILES or None, user=request.user, recommendation=recommendation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_follow_up_record(
                recommendation=recommendation, by=request.user, **form.follow_up_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up was recorded. It will be public once a reviewer approves it."))
            if Meeting.objects.for_user(request.user).filter(pk=recommendation.meeting_id).exists():
                return redirect("staff:meeting_detail", pk=recommendation.meeting_id)
            return redirect("staff:dashboard")
    context = {
        "recommendation": recommendation,
        "form": form,
        "timeline": RecommendationUpdate.objects.on_timeline_of(recommendation, request.user)
        .select_related("author", "meeting", "evidence", "reviewed_by")
        .order_by("-date", "-pk"),
    }
    return _render(request, "follow_up.html", context)

