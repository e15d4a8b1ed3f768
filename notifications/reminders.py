"""Reminders to staff: follow-up due or overdue, minutes still unpublished after the meeting.

``send_reminders()`` (run daily by cron: ``manage.py send_reminders``) mails:

- every member of an organisation to which an open recommendation of a published
  meeting is addressed, when its due date is within ``REMINDER_DUE_WITHIN_DAYS`` (30)
  days or past;
- every member of a meeting's organising organisations when the meeting took place
  3 and 7 days ago (``REMINDER_DRAFT_AFTER_DAYS``) and is still a draft or in review
  (meetings older than ``REMINDER_DRAFT_WINDOW_DAYS`` are left alone, so that importing
  old minutes does not mail about each of them).

Each fact is mailed once to each person (:class:`ReminderSent` remembers it; a new due
date is a new fact); a person gets at most one mail per ``REMINDER_PERIOD`` (a day by
default): all their new facts in one digest, in their language. The queries are a fixed
handful per run, whatever the number of records, plus the mails.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Meeting, MeetingOrganization, Membership, Recommendation

from . import mail
from .models import Preference, ReminderSent

ORGANISING = (MeetingOrganization.Role.ORGANISER, MeetingOrganization.Role.CO_ORGANISER)
UNPUBLISHED = (Meeting.Status.DRAFT, Meeting.Status.REVIEW)


@dataclass
class Digest:
    """What one person is reminded of in one mail."""

    user: object
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    drafts: list = field(default_factory=list)  # (meeting, days since it took place)
    keys: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.keys)


def _members_of(organization_ids):
    """``{organization_id: [user_id, ...]}`` of the active members with an address (one query)."""
    members = defaultdict(list)
    rows = (
        Membership.objects.filter(organization_id__in=organization_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("organization_id", "user_id")
    )
    for organization_id, user_id in rows:
        members[organization_id].append(user_id)
    return members


def _recommendation_facts(today):
    """``[(user_id, key, recommendation, overdue)]`` for the open addressed recommendations due soon or overdue."""
    horizon = today + timedelta(days=settings.REMINDER_DUE_WITHIN_DAYS)
    recommendations = {
        r.pk: r
        for r in Recommendation.objects.published()
        .open()
        .filter(due_date__isnull=False, due_date__lte=horizon)
        .select_related("meeting")
    }
    if not recommendations:
        return []
    through = Recommendation.addressees.through
    pairs = list(
        through.objects.filter(recommendation_id__in=recommendations).values_list("recommendation_id", "organization_id")
    )
    members = _members_of({organization_id for _, organization_id in pairs})
    facts = set()
    for recommendation_id, organization_id in pairs:
        recommendation = recommendations[recommendation_id]
        overdue = recommendation.due_date < today
        state = "overdue" if overdue else "due"
        key = f"recommendation:{recommendation.pk}:{state}:{recommendation.due_date.isoformat()}"
        for user_id in members.get(organization_id, ()):
            facts.add((user_id, key, recommendation_id, overdue))
    return [(user_id, key, recommendations[pk], overdue) for user_id, key, pk, overdue in facts]


def _draft_facts(today):
    """``[(user_id, key, meeting, days)]`` for unpublished meetings that took place 3 or 7 days ago or more."""
    milestones = sorted(settings.REMINDER_DRAFT_AFTER_DAYS)
    oldest = today - timedelta(days=settings.REMINDER_DRAFT_WINDOW_DAYS)
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(
            status__in=UNPUBLISHED, date__gte=oldest, date__lte=today - timedelta(days=milestones[0])
        )
    }
    if not meetings:
        return []
    pairs = list(
        MeetingOrganization.objects.filter(meeting_id__in=meetings, role__in=ORGANISING).values_list(
            "meeting_id", "organization_id"
        )
    )
    members = _members_of({organization_id for _, organization_id in pairs})
    facts = set()
    for meeting_id, organization_id in pairs:
        meeting = meetings[meeting_id]
        days = (today - meeting.date).days
        reached = max(m for m in milestones if m <= days)  # only the latest milestone is worth a mail
        for user_id in members.get(organization_id, ()):
            facts.add((user_id, f"meeting:{meeting_id}:unpublished:{reached}", meeting_id, days))
    return [(user_id, key, meetings[pk], days) for user_id, key, pk, days in facts]


def collect(today=None, now=None):
    """The digests to send now: ``[Digest]``, one per person with new facts and no mail this period."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    recommendation_facts = _recommendation_facts(today)
    draft_facts = _draft_facts(today)
    user_ids = {fact[0] for fact in recommendation_facts} | {fact[0] for fact in draft_facts}
    if not user_ids:
        return []
    already = set(ReminderSent.objects.filter(user_id__in=user_ids).values_list("user_id", "key"))
    recent = {
        user_id
        for user_id, last in ReminderSent.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(last=Max("sent_at"))
        .values_list("user_id", "last")
        if last > now - settings.REMINDER_PERIOD
    }
    users = get_user_model().objects.in_bulk(user_ids - recent)
    digests = {}

    def digest_of(user_id, key):
        if user_id not in users or (user_id, key) in already:
            return None
        digest = digests.setdefault(user_id, Digest(users[user_id]))
        digest.keys.append(key)
        return digest

    for user_id, key, recommendation, overdue in sorted(recommendation_facts, key=lambda f: (f[2].due_date, f[2].pk)):
        if digest := digest_of(user_id, key):
            (digest.overdue if overdue else digest.due_soon).append(recommendation)
    for user_id, key, meeting, days in sorted(draft_facts, key=lambda f: (f[2].date, f[2].pk)):
        if digest := digest_of(user_id, key):
            digest.drafts.append((meeting, days))
    return list(digests.values())


def _context(digest):
    return {
        "user": digest.user,
        "overdue": [(r, mail.absolute(reverse("staff:recommendation_follow_up", kwargs={"pk": r.pk}))) for r in digest.overdue],
        "due_soon": [
            (r, mail.absolute(reverse("staff:recommendation_follow_up", kwargs={"pk": r.pk}))) for r in digest.due_soon
        ],
        "drafts": [
            (m, days, mail.absolute(reverse("staff:meeting_detail", kwargs={"pk": m.pk}))) for m, days in digest.drafts
        ],
        "dashboard": mail.absolute(reverse("staff:dashboard")),
    }


def send_reminders(today=None, now=None, dry_run=False):
    """Collect and mail the digests; returns them. Each is recorded once its mail has gone."""
    now = now or timezone.now()
    digests = collect(today=today, now=now)
    if dry_run or not digests:
        return digests
    languages = dict(Preference.objects.filter(user__in=[d.user for d in digests]).values_list("user_id", "language"))
    with get_connection() as connection:
        for digest in digests:
            language = languages.get(digest.user.pk, settings.LANGUAGE_CODE)
            with translation.override(language):
                context = _context(digest)
            mail.send("reminder", context, to=digest.user.email, language=language, connection=connection)
            ReminderSent.objects.bulk_create(
                [ReminderSent(user=digest.user, key=key, sent_at=now) for key in digest.keys], ignore_conflicts=True
            )
    return digests
