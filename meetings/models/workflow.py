"""A meeting's way from draft to the public site, and who may move it.

    draft ──submit_for_review──▶ review ──publish──▶ published
      ▲                            │                    │
      └──────return_to_draft───────┘                    │
      └──────────────────────unpublish──────────────────┘

- ``submit_for_review(by=)``: a draft, by anyone with a role on the meeting.
- ``publish(by=)``: a meeting in review, by a reviewer. Only an administrator
  may publish a draft directly (skipping review) or republish an archived
  meeting: a reviewer's publication always follows a submission, so a second
  pair of eyes is the norm and the exception is visible in the review log.
- ``return_to_draft(by=, comment=)``: a meeting in review, by a reviewer; the
  comment is required (the editors read it on their dashboard).
- ``unpublish(by=)``: a published meeting, by a reviewer; it becomes a draft.

Every change is written to the review log (:class:`MeetingEvent`) and to the
meeting's history; publications and unpublications also to the security log. Illegal moves raise :class:`TransitionNotAllowed` with a
message for the user, and change nothing.

``publish(by=None)`` and ``unpublish(by=None)`` are the system's own calls (the
demo loader, data fixes): no role check, publish is idempotent, and they work
from any status, as before the workspace existed.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .security import SecurityEvent, record_security_event
from .workspace import RANK, MeetingEvent, Role, role_on_meeting

DRAFT, REVIEW, PUBLISHED, ARCHIVED = "draft", "review", "published", "archived"


class TransitionNotAllowed(ValidationError):
    """A state change that the meeting's status or the user's role does not allow."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    minimum_role: str
    wrong_status: Promise
    wrong_role: Promise
    administrator_sources: frozenset = frozenset()
    comment_required: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            MeetingEvent.Action.SUBMITTED,
            frozenset({DRAFT}),
            REVIEW,
            Role.EDITOR,
            wrong_status=_("Only a draft can be submitted for review."),
            wrong_role=_("You cannot submit this meeting for review."),
        ),
        Transition(
            MeetingEvent.Action.PUBLISHED,
            frozenset({REVIEW}),
            PUBLISHED,
            Role.REVIEWER,
            wrong_status=_("Only a meeting in review can be published: submit the draft for review first."),
            wrong_role=_("Only a reviewer of an organising organisation can publish this meeting."),
            administrator_sources=frozenset({DRAFT, ARCHIVED}),
        ),
        Transition(
            MeetingEvent.Action.RETURNED,
            frozenset({REVIEW}),
            DRAFT,
            Role.REVIEWER,
            wrong_status=_("Only a meeting in review can be returned to its editors."),
            wrong_role=_("Only a reviewer of an organising organisation can return this meeting."),
            comment_required=True,
        ),
        Transition(
            MeetingEvent.Action.UNPUBLISHED,
            frozenset({PUBLISHED}),
            DRAFT,
            Role.REVIEWER,
            wrong_status=_("Only a published meeting can be unpublished."),
            wrong_role=_("Only a reviewer of an organising organisation can unpublish this meeting."),
        ),
    ]
}

# Moves that also go to the security log (models/security.py).
_LOGGED_ACTIONS = {
    MeetingEvent.Action.PUBLISHED: SecurityEvent.Action.PUBLISHED,
    MeetingEvent.Action.UNPUBLISHED: SecurityEvent.Action.UNPUBLISHED,
}

# Which statuses each role may edit the content of.
EDITABLE_STATUSES = {
    Role.EDITOR: {DRAFT},
    Role.REVIEWER: {DRAFT, REVIEW, PUBLISHED},
    Role.ADMINISTRATOR: {DRAFT, REVIEW, PUBLISHED, ARCHIVED},
}


class MeetingWorkflow:
    """State changes and workspace permissions of :class:`Meeting` (mixed into the model)."""

    def role_of(self, user):
        """``user``'s role on this meeting: administrator, reviewer, editor or None."""
        return role_on_meeting(user, self)

    def can_edit(self, user, *, role=None):
        role = role or self.role_of(user)
        return role is not None and self.status in EDITABLE_STATUSES[role]

    def allowed_actions(self, user, *, role=None):
        """The transitions ``user`` may make now (for the buttons of the staff page)."""
        role = role or self.role_of(user)
        return [action for action, transition in TRANSITIONS.items() if self._refusal(transition, role) is None]

    def pending_organizations(self):
        """The organisations awaiting confirmation that this meeting names: organising or
        involved, a speaker's organisation or their post's, an addressee of one of its recommendations,
        or an implementer or donor of its project. While there is one, it cannot be published."""
        from .organizations import Organization

        if self.pk is None:
            return Organization.objects.none()
        named = (
            Q(involvements__meeting=self.pk)
            | Q(participations__meeting=self.pk)
            | Q(positions__participations__meeting=self.pk)
            | Q(addressed_recommendations__meeting=self.pk)
        )
        if self.project_id:
            named |= Q(implemented_projects=self.project_id) | Q(funded_projects=self.project_id)
        return Organization.objects.pending().filter(
            pk__in=Organization.objects.filter(named).values("pk")
        ).order_by("name", "pk")

    def submit_for_review(self, *, by, comment=""):
        return self._move(MeetingEvent.Action.SUBMITTED, by=by, comment=comment)

    def publish(self, *, by=None, comment=""):
        """Make the meeting public (by a reviewer, from review; see the module docstring)."""
        if by is None and self.status == PUBLISHED:
            return None  # the system's call is idempotent
        return self._move(MeetingEvent.Action.PUBLISHED, by=by, comment=comment)

    def return_to_draft(self, *, by, comment):
        return self._move(MeetingEvent.Action.RETURNED, by=by, comment=comment)

    def unpublish(self, *, by=None, comment=""):
        """Withdraw the meeting from the public site; it returns to draft."""
        return self._move(MeetingEvent.Action.UNPUBLISHED, by=by, comment=comment)

    # --- internals

    def _refusal(self, transition, role, *, comment=None):
        """Why ``role`` may not make ``transition`` now, or None if it may."""
        if role is None or RANK[role] < RANK[transition.minimum_role]:
            return transition.wrong_role
        sources = transition.sources | (transition.administrator_sources if role == Role.ADMINISTRATOR else set())
        if self.status not in sources:
            if transition.action == MeetingEvent.Action.PUBLISHED and self.status == PUBLISHED:
                return _("This meeting is already published.")
            return transition.wrong_status
        if transition.comment_required and comment is not None and not comment.strip():
            return _("Say what needs to change: the editors will read your comment.")
        return None

    def _move(self, action, *, by, comment):
        transition = TRANSITIONS[action]
        with transaction.atomic():
            # Re-read the status under a row lock: two reviewers clicking at once
            # cannot both publish, and a stale instance cannot undo a newer move.
            self.status = type(self).objects.select_for_update().values_list("status", flat=True).get(pk=self.pk)
            if by is not None:
                refusal = self._refusal(transition, self.role_of(by), comment=comment)
                if refusal is not None:
                    raise TransitionNotAllowed(refusal, code="transition")
                if action == MeetingEvent.Action.PUBLISHED:
                    _refuse_planned(self)
                    _refuse_unaccepted_names(self)
            if transition.target == PUBLISHED:
                pending = [str(organization) for organization in self.pending_organizations()]
                if pending:
                    raise TransitionNotAllowed(
                        ngettext(
                            "This meeting names an organisation that a reviewer has not confirmed yet: %(names)s. "
                            "Confirm it, or merge it into an existing organisation, before publishing.",
                            "This meeting names organisations that a reviewer has not confirmed yet: %(names)s. "
                            "Confirm them, or merge them into existing organisations, before publishing.",
                            len(pending),
                        )
                        % {"names": get_text_list(pending, _("and"))},
                        code="pending_organization",
                    )
            was_published = self.status == PUBLISHED
            self.status = transition.target
            if transition.target == PUBLISHED:
                self.published_at = self.published_at or timezone.now()
            elif transition.target == DRAFT:
                self.published_at = None
            if by is not None:
                self.updated_by = by
                self._history_user = by
            self._change_reason = action
            try:
                self.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
            finally:
                self.__dict__.pop("_history_user", None)
                self.__dict__.pop("_change_reason", None)
            event = MeetingEvent.objects.create(meeting=self, action=action, by=by, comment=comment.strip())
            if action in _LOGGED_ACTIONS:
                record_security_event(_LOGGED_ACTIONS[action], user=by, target=f"{self} (#{self.pk})")
            if was_published or transition.target == PUBLISHED:
                _after_publicity_change(self, transition.target)
            return event


def withdraw_meetings(comments, *, by=None):
    """Unpublish many published meetings at once, whatever ``by``'s role on them: the site's answer
    when a person their public texts name becomes protected (meetings/protection.py,
    :func:`withhold_texts_naming`). ``comments``: the reason for each meeting's review log, by its
    primary key. A meeting no longer published is left alone. Returns the meetings withdrawn.

    What ``unpublish()`` writes for one meeting, written for all of them in a fixed number of
    statements: their status, versions, review log and security log, the publicity and summary
    counts (through ``Meeting.objects.update()``). Not the vocabulary's prune
    (meetings/vocabulary.py), which took 1.9–4.0 s a meeting at 100,000 meetings and three minutes
    for a thousand: a word left in the vocabulary is only ever suggested if it finds published
    records (search/engine.py, ``suggest``), so it waits for ``manage.py rebuild_search_index``."""
    from ..history import record_in_bulk
    from .meetings import Meeting
    from .searchable import search_columns
    from .security import record_security_events

    with transaction.atomic():
        meetings = list(
            Meeting.objects.select_for_update()
            .filter(pk__in=list(comments), status=PUBLISHED)
            .defer(*search_columns())
            .order_by("pk")
        )
        if not meetings:
            return []
        changes = {"status": DRAFT, "published_at": None, "updated_at": timezone.now()}
        if by is not None:
            changes["updated_by"] = by
        Meeting.objects.filter(pk__in=[meeting.pk for meeting in meetings]).update(**changes)
        for meeting in meetings:
            for name, value in changes.items():
                setattr(meeting, name, value)
        record_in_bulk(Meeting, meetings, by=by, reason=MeetingEvent.Action.UNPUBLISHED)
        MeetingEvent.objects.bulk_create(
            [
                MeetingEvent(meeting=meeting, action=MeetingEvent.Action.UNPUBLISHED, by=by, comment=comments[meeting.pk])
                for meeting in meetings
            ]
        )
        record_security_events(
            SecurityEvent.Action.UNPUBLISHED, [(f"{meeting} (#{meeting.pk})", "") for meeting in meetings], user=by
        )
    return meetings


def _refuse_planned(meeting):
    """A meeting dated in the future has not been held: its record waits for its day
    (meetings/scheduling.py), so that nothing public counts it as held."""
    if meeting.is_planned:
        raise TransitionNotAllowed(
            _("This meeting is planned for %(date)s: it can be published once it has taken place.")
            % {"date": date_format(meeting.date, "j F Y")},
            code="planned",
        )


def _refuse_unaccepted_names(meeting):
    """Refuse a person's publication while a protected name in the public text is neither
    removed nor accepted (meetings/protection.py). The system's own ``publish(by=None)`` is
    not checked: it is the demo loader's and data fixes'."""
    from ..protection import unaccepted_findings

    waiting = len(unaccepted_findings(meeting))
    if waiting:
        raise TransitionNotAllowed(
            ngettext(
                "The public text names a protected person in %(count)d place. Remove the name or accept it "
                "on the publication check page before publishing.",
                "The public text names a protected person in %(count)d places. Remove the names or accept them "
                "on the publication check page before publishing.",
                waiting,
            )
            % {"count": waiting},
            code="protected_names",
        )


def _after_publicity_change(meeting, target):
    """Keep the search vocabulary to published records (meetings/vocabulary.py)."""
    from ..vocabulary import vocabulary_meeting_moved

    vocabulary_meeting_moved(meeting, published=target == PUBLISHED)
