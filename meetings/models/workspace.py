"""The staff workspace: who works for which organisation, the review log, uploaded files.

Who may do what
---------------
A user belongs to organisations through :class:`Membership`, each with a role:

- **editor** — creates meetings that one of their organisations organises or
  co-organises, edits them while they are drafts, submits them for review, and
  records follow-up on recommendations made at those meetings or (once
  published) addressed to their organisations;
- **reviewer** — everything an editor may, plus publish, return with a comment
  and unpublish; may also correct meetings in review or published;
- **administrator** — everything a reviewer may on the organisation's meetings,
  plus publish a draft directly, restore earlier versions, and manage the
  organisation's members (invite, change roles, remove).

Every role is held in *one* organisation and counts only there: an
administrator of one organisation has no power over another's records.
Site-wide powers (every organisation, the Django admin) belong to superusers
only.

A meeting *belongs* to the organisations that organise or co-organise it. A
user's role on a meeting is their highest role in those organisations; someone
with no role on a meeting cannot see it in the workspace at all (the views
answer 404, as if it did not exist).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..uploads import extension_for
from .base import ChoiceLabels


class MembershipQuerySet(models.QuerySet):
    def of(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class Membership(ChoiceLabels, models.Model):
    """A user works for an organisation in a role."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editor")
        REVIEWER = "reviewer", _("Reviewer")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "meetings.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=15, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="membership_user_organization_unique",
                violation_error_message=_("This user is already a member of this organisation."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


Role = Membership.Role
RANK = {Role.EDITOR: 1, Role.REVIEWER: 2, Role.ADMINISTRATOR: 3}

# The organisation roles in a meeting that make it "theirs" for the workspace.
ORGANISING_ROLES = ("organiser", "co_organiser")


def highest_role(roles):
    """The strongest of ``roles`` (strings), or None."""
    roles = [role for role in roles if role in RANK]
    return max(roles, key=RANK.__getitem__) if roles else None


def at_least(role, minimum):
    return role is not None and RANK[role] >= RANK[minimum]


def is_site_administrator(user):
    """Whether ``user`` has site-wide powers: superusers only.

    An organisation's administrator role is *not* site-wide: it is checked
    against the organisation of the record at hand (:func:`role_on_meeting`).
    """
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


# The old name, kept for callers written before roles were scoped: it means site-wide powers.
is_administrator = is_site_administrator


def organizations_of(user, roles=None):
    """The ids of ``user``'s organisations (optionally only those where they hold one of
    ``roles``), read now (one small query) and written into the statements that use them.

    As a list, not a subquery: PostgreSQL then plans each statement knowing *which*
    organisations it filters by, from its statistics of how many meetings, recommendations
    and addressees each one has. Through a subquery it could only assume an average one,
    and chose a plan that suits a small organisation for the busiest too, or the reverse: a
    member's dashboard took 0.8-1.3 s at 100,000 meetings (docs/performance.md, Session 21)."""
    memberships = Membership.objects.of(user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return list(memberships.order_by().values_list("organization", flat=True).distinct())


def role_on_meeting(user, meeting):
    """``user``'s role on ``meeting`` (one query): administrator, reviewer, editor or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_site_administrator(user):
        return Role.ADMINISTRATOR
    if meeting.pk is None:
        return None  # a meeting not yet saved belongs to no organisation
    from .meetings import MeetingOrganization

    organising = MeetingOrganization.objects.filter(
        meeting=meeting, role__in=ORGANISING_ROLES, organization=OuterRef("organization")
    )
    roles = Membership.objects.filter(user=user).filter(Exists(organising))
    return highest_role(roles.values_list("role", flat=True))


def organisers_change_refusals(user, meeting, after):
    """Why ``user`` may not make the organisations ``after`` (ids) the ones that organise
    ``meeting`` (a stored meeting), as messages; empty when they may.

    Organising a meeting is what gives an organisation's members their role on it
    (:func:`role_on_meeting`), so a change of its organisers is a change of who may review,
    publish and restore it. Two rules keep a role held in one organisation from reaching
    into another's record:

    - taking an organisation that has members off the organisers takes the meeting away
      from them: only one of its own members may do that;
    - adding organisers must not raise ``user``'s own role on the meeting: an editor of the
      meeting's organisations who is a reviewer elsewhere does not become its reviewer by
      naming that other organisation as a co-organiser.

    One statement when the organisers do not change; four at most when they do."""
    from django.utils.text import format_lazy, get_text_list

    from .meetings import MeetingOrganization
    from .organizations import Organization

    if is_site_administrator(user):
        return []
    before = set(
        MeetingOrganization.objects.filter(meeting=meeting, role__in=ORGANISING_ROLES).values_list(
            "organization", flat=True
        )
    )
    after = set(after)
    if before == after:
        return []
    mine = dict(Membership.objects.of(user).values_list("organization", "role"))
    removed = before - after
    lost = set(
        Membership.objects.filter(organization__in=removed - mine.keys()).values_list("organization", flat=True)
    )
    role_before = highest_role(mine.get(pk) for pk in before)
    role_after = highest_role(mine.get(pk) for pk in after)
    raising = set()
    if role_after is not None and (role_before is None or RANK[role_after] > RANK[role_before]):
        raising = {pk for pk in after - before if mine.get(pk) == role_after}
    names = dict(Organization.objects.filter(pk__in=lost | raising).values_list("pk", "name")) if lost | raising else {}
    rules = (
        (
            _(
                "Only a member of {names} can take it off this meeting's organisers: its members would "
                "lose the meeting."
            ),
            lost,
        ),
        (
            _(
                "Naming {names} as organiser would give you a higher role on this meeting than you hold in "
                "its organisers now. Ask a reviewer of the meeting's organisations to add it."
            ),
            raising,
        ),
    )
    return [
        format_lazy(message, names=get_text_list([f"«{names[pk]}»" for pk in sorted(ids)], _("and")))
        for message, ids in rules
        if ids
    ]


def organizations_administered_by(user):
    """The organisations whose members ``user`` manages: those they administer; every one for a superuser."""
    from .organizations import Organization

    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    if is_site_administrator(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=organizations_of(user, roles=[Role.ADMINISTRATOR]))


def workspace_role(user):
    """The highest role ``user`` holds anywhere (None: not a staff member)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_site_administrator(user):
        return Role.ADMINISTRATOR
    return highest_role(Membership.objects.filter(user=user).values_list("role", flat=True))


class MeetingEvent(ChoiceLabels, models.Model):
    """One step of a meeting's review: who submitted, published, returned or unpublished it, and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", pgettext_lazy("review log action", "Published")
        RETURNED = "returned", _("Returned with comments")
        UNPUBLISHED = "unpublished", _("Unpublished")
        RESTORED = "restored", _("Earlier version restored")

    meeting = models.ForeignKey("meetings.Meeting", verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = ["at", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        indexes = [
            models.Index(fields=["meeting", "-at"], name="meetingevent_meeting_at"),
            # The unpublications since a time (the open-data zip's check, meetings/exports/dataset.py).
            models.Index(fields=["at"], name="meetingevent_unpublished_at", condition=Q(action="unpublished")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    """A generated name: the uploader's file name never reaches the disk."""
    return f"attachments/{instance.key.hex}{extension_for(instance.content_type)}"


class AttachmentQuerySet(models.QuerySet):
    def public(self):
        """What anyone may download: files marked public of published meetings, nothing else.

        The evidence file of a follow-up update is public only once a reviewer approved
        the update: until then (and if it is returned) it is not listed nor served."""
        from .meetings import Meeting

        return self.public_once_published().filter(meeting__status=Meeting.Status.PUBLISHED)

    def public_once_published(self):
        """The files ``public()`` will list once their meeting is published (the reviewer's preview)."""
        from .recommendations import RecommendationUpdate

        unreviewed = RecommendationUpdate.objects.filter(evidence=OuterRef("pk")).exclude(
            review_state=RecommendationUpdate.Review.APPROVED
        )
        return self.filter(is_public=True).exclude(Exists(unreviewed))

    def for_user(self, user):
        """Files ``user`` may download in the workspace: those of meetings they may open, and their own uploads."""
        from .meetings import Meeting

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(meeting__in=Meeting.objects.for_user(user).values("pk")) | Q(uploaded_by=user))


class Attachment(ChoiceLabels, models.Model):
    """A file kept with a meeting: the minutes as PDF, the attendance sheet, photos, evidence of follow-up."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Minutes")
        ATTENDANCE = "attendance", _("Attendance sheet")
        PHOTO = "photo", _("Photo")
        EVIDENCE = "evidence", _("Evidence of follow-up")
        OTHER = "other", _("Other document")

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MINUTES)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown on the public site once the meeting is published. Attendance sheets and photos can identify people."),
    )
    content_type = models.CharField(_("content type"), max_length=50, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    @property
    def download_name(self):
        """The name offered to the browser: the title with the extension of the real content."""
        return f"{self.title}{extension_for(self.content_type)}"

    def get_absolute_url(self):
        """The public address; it answers only while :meth:`AttachmentQuerySet.public` includes the file."""
        return reverse("meetings:attachment", kwargs={"key": self.key})

    def get_staff_url(self):
        return reverse("staff:attachment", kwargs={"key": self.key})
