from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import connections, models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..addresses import detail_path
from ..publicity import PublicityQuerySet
from ..tallies import CountedQuerySet, counting
from ..uploads import check_upload
from .base import ChoiceLabels
from .meetings import Meeting, long_columns
from .searchable import Searchable, SearchableQuerySet, SearchDocument, SearchSourceQuerySet, related_objects, translated
from .workspace import Attachment


class Status(models.TextChoices):
    """Where a recommendation stands on its way to implementation."""

    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIAL = "partial", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")


def progress_rules(prefix=""):
    """Constraints shared by a recommendation and each of its updates."""
    return [
        models.CheckConstraint(
            condition=Q(progress__gte=0) & Q(progress__lte=100),
            name=f"{prefix}progress_0_100",
            violation_error_message=_("Progress must be between 0 and 100."),
        ),
        models.CheckConstraint(
            condition=~Q(status=Status.IMPLEMENTED) | Q(progress=100),
            name=f"{prefix}implemented_is_100",
            # "%%": Django formats this message with the constraint name.
            violation_error_message=_("An implemented recommendation has 100%% progress."),
        ),
    ]


class ThemeQuerySet(SearchSourceQuerySet):
    def published(self):
        """Themes of at least one published recommendation (read from the summary rows,
        meetings/tallies.py: the rule itself reads every published recommendation)."""
        from .tallies import Tally

        counted = Tally.objects.filter(
            subject=Tally.RECOMMENDATIONS, scope="theme", key=Cast(OuterRef("pk"), models.CharField()), count__gt=0
        )
        return self.filter(Exists(counted))


class Theme(models.Model):
    """What a recommendation is about (coordination, capacity building, ...)."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class RecommendationQuerySet(CountedQuerySet, PublicityQuerySet, SearchableQuerySet):
    def published(self):
        """Recommendations of published meetings only."""
        return self.filter(meeting__status=Meeting.Status.PUBLISHED)

    def open(self):
        return self.exclude(status__in=[Status.IMPLEMENTED, Status.NOT_IMPLEMENTED])

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    # --- Filters of the public list (each takes an object or a value, never raw input)

    def with_status(self, status):
        return self.filter(status=status)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def about(self, theme):
        return self.filter(theme=theme)

    def addressed_to(self, organization):
        """Recommendations addressed to the organisation, among others or alone.

        On PostgreSQL, each row's copy of its addressees' keys (``addressee_ids``), which the
        search index holds beside the words and triggers keep in the same statement as the
        addressees (search/schema.py, "The organisations beside the words"). The index finds a
        quiet addressee's rows, and a busy one's newest are checked on the rows walked. At
        100,000 meetings, the first 10 or 21 rows of 28 organisations took 1.4–9.7 ms instead of
        2.0–24.3 ms; a few around 1,000 recommendations are walked to instead, up to twice as
        slow (docs/performance.md, session 28)."""
        if connections[self.db].vendor == "postgresql":
            from search.engine import NamesOrganization
            from search.schema import ADDRESSEE_IDS

            return self.filter(NamesOrganization(ADDRESSEE_IDS, organization.pk))
        through = Recommendation.addressees.through
        return self.filter(Exists(through.objects.filter(recommendation=OuterRef("pk"), organization=organization)))

    def in_governorate(self, governorate):
        return self.filter(meeting__governorate=governorate)

    def in_project(self, project):
        return self.filter(meeting__project=project)

    def between(self, start=None, end=None):
        """Recommendations of meetings held from ``start`` to ``end`` inclusive; either bound may be omitted."""
        queryset = self
        if start:
            queryset = queryset.filter(meeting__date__gte=start)
        if end:
            queryset = queryset.filter(meeting__date__lte=end)
        return queryset

    def newest_first(self):
        """Recommendations of the latest meetings first, in their order within the meeting."""
        return self.order_by("-meeting__date", "-meeting_id", "order")

    def with_addressees(self):
        from .organizations import Organization

        return self.prefetch_related(Prefetch("addressees", queryset=Organization.objects.without_search_columns()))

    def without_long_text(self):
        """Without the columns no page of a recommendation shows: its search columns, and its
        meeting's minutes and search columns (several kilobytes a row in each language)."""
        return self.without_search_columns().defer(*long_columns("meeting__"))

    def for_listing(self):
        return self.without_long_text().select_related("meeting", "meeting__governorate", "theme").with_addressees()

    def for_detail(self):
        """The recommendation page: its meeting, addressees and the follow-up timeline, oldest first."""
        return (
            self.without_long_text()
            .select_related("meeting", "meeting__governorate", "meeting__project", "theme")
            .with_addressees()
            .prefetch_related(
                Prefetch(
                    "updates",
                    # The public timeline: approved updates only (see RecommendationUpdate.Review).
                    queryset=RecommendationUpdate.objects.approved()
                    .select_related("meeting")
                    .defer(*long_columns("meeting__"))
                    .order_by("date", "pk"),
                    to_attr="timeline",
                ),
            )
        )

    def _followable_halves(self, user):
        """``followable_by``'s rule as a list of conditions, any of which admits a recommendation:
        none for an anonymous user, one admitting every row for a site administrator; else
        made at a meeting that one of their organisations organises, or addressed to one of
        them once the meeting is published."""
        from .workspace import is_site_administrator, organizations_of

        if not getattr(user, "is_authenticated", False):
            return []
        if is_site_administrator(user):
            return [Q()]
        mine = organizations_of(user)
        addressed = Recommendation.addressees.through.objects.filter(recommendation=OuterRef("pk"), organization__in=mine)
        return [
            Q(meeting__in=Meeting.objects.for_user(user, organizations=mine).values("pk")),
            Q(Exists(addressed), meeting__status=Meeting.Status.PUBLISHED),
        ]

    def followable_by(self, user):
        """Recommendations ``user`` may record follow-up on in the workspace: those made at
        meetings their organisations organise (see ``Meeting.objects.for_user``), and
        those addressed to their organisations once the meeting is published."""
        halves = self._followable_halves(user)
        if not halves:
            return self.none()
        condition = Q()
        for half in halves:
            condition |= half
        return self.filter(condition)

    def due_for(self, user, until, limit):
        """The first ``limit`` open recommendations ``user`` may follow up that are due by
        ``until`` (overdue ones included), soonest first, as a list.

        One statement per half of ``followable_by``, each stopping at ``limit`` rows, merged
        here. In one statement the two halves are joined by OR, and PostgreSQL can then only
        walk every recommendation due by then (a quarter of a million at 100,000 meetings),
        testing each: 0.8 s for an organisation with few of them. Apart, each half takes the
        plan that suits the organisation: a few milliseconds for the smallest and the busiest."""
        due = self.open().filter(due_date__lte=until).select_related("meeting").order_by("due_date", "pk")
        found = {}
        for half in self._followable_halves(user):
            for recommendation in due.filter(half)[:limit]:
                found.setdefault(recommendation.pk, recommendation)
        return sorted(found.values(), key=lambda recommendation: (recommendation.due_date, recommendation.pk))[:limit]

    def status_summary(self):
        """``[(status, count), ...]`` for every status in its natural order, zeros included (one query)."""
        counts = dict(self.order_by().values_list("status").annotate(count=Count("pk")))
        return [(status, counts.get(status.value, 0)) for status in Status]


# The roles whose organisations a recommendation is also found by (its meeting's organisers).
SEARCH_CONTEXT_ROLES = ("organiser", "co_organiser")


def _recommendation_search_related(recommendation, language):
    """A recommendation is also found by the name of its theme, and by where and at which
    meeting it was made: the meeting's title, city and governorate and the names of its
    organisers (never a pending organisation); and by its kind. All in the body column, so they weigh below
    the recommendation's own text (docs/search.md, "Context")."""
    theme = recommendation.theme if recommendation.theme_id else None
    bodies = [translated(theme, "name", language)] if theme else []
    # Its kind («توصية», «التزام»…), so that «توصيات مأرب» finds the recommendations of Marib.
    with translation.override(language):
        bodies.append(str(Recommendation.Kind(recommendation.kind).label))
    meeting = recommendation.meeting if recommendation.meeting_id else None
    if meeting is not None:
        bodies += [translated(meeting, "title", language), translated(meeting, "city", language)]
        if meeting.governorate_id:
            bodies.append(translated(meeting.governorate, "name", language))
        for involvement in related_objects(meeting, "involvements"):
            organization = involvement.organization
            if involvement.role in SEARCH_CONTEXT_ROLES and not organization.is_pending:
                bodies += [translated(organization, "name", language), organization.acronym]
    return [], bodies


class Recommendation(ChoiceLabels, Searchable, models.Model):
    Status = Status

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        COMMITMENT = "commitment", _("Commitment")
        MECHANISM = "mechanism", _("Agreed mechanism")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="recommendations"
    )
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.RECOMMENDATION)
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    addressees = models.ManyToManyField(
        "meetings.Organization",
        verbose_name=_("addressed to"),
        blank=True,
        related_name="addressed_recommendations",
        help_text=_("The organisations responsible for acting on it."),
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RecommendationQuerySet.as_manager()

    search_document = SearchDocument(
        title=("text",),
        related=_recommendation_search_related,
        extra_sources=("theme", "theme_id", "meeting", "meeting_id", "kind"),
        select=("theme", "meeting", "meeting__governorate"),
        prefetch=("meeting__involvements__organization",),
    )

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [
            # The recommendations due soonest: the workspace's dashboard ("due in the next
            # days"), and the admin's list sorted by due date. Without it, a superuser's
            # dashboard read the million recommendations (1.4 s).
            models.Index(fields=["due_date", "id"], condition=Q(due_date__isnull=False), name="recommendation_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="recommendation_order_unique",
                violation_error_message=_("Another recommendation of this meeting has this number."),
            ),
            *progress_rules("recommendation_"),
        ]

    def __str__(self):
        return f"{self.order}. {self.text[:80]}"

    def get_absolute_url(self):
        return detail_path("meetings:recommendation_detail", "pk", self.pk)

    def latest_update(self):
        """The latest *approved* update: what status and progress mirror.

        An update waiting for review (or returned) changes nothing the public sees;
        it takes effect when a reviewer approves it."""
        return self.updates.approved().order_by("-date", "-pk").first()

    def save(self, *args, **kwargs):
        # Status and progress mirror the latest approved update once there is one: no
        # save path can make them disagree with the public timeline.
        if self.pk:
            latest = self.latest_update()
            if latest is not None:
                self.status, self.progress = latest.status, latest.progress
        super().save(*args, **kwargs)

    def sync_status(self, *, touch=True, emptied=False):
        """Copy status and progress from the latest approved update (after the timeline changed).
        ``emptied``: an approved update left the timeline (deleted, or withdrawn because it names
        someone protected since, meetings/protection.py); with none left, the initial state returns.

        ``touch=False``: an update that no reviewer approved was saved, so the public timeline
        has not changed: the row is written only if its status or progress differ, and then its
        modification time (the sitemap's ``lastmod``) moves; otherwise a reviewer returning an
        update would show the public that something unreviewed happened."""
        latest = self.latest_update()
        if latest is None:
            if emptied:
                # The timeline is empty again: back to the initial state, in the instance at
                # hand too, so that saving it cannot restore the old status.
                self.status, self.progress = Status.PROPOSED, 0
                Recommendation.objects.filter(pk=self.pk).update(status=Status.PROPOSED, progress=0)
            return
        self.status, self.progress = latest.status, latest.progress
        row = Recommendation.objects.filter(pk=self.pk)
        if not touch:
            row = row.exclude(status=self.status, progress=self.progress)
        row.update(status=self.status, progress=self.progress, updated_at=timezone.now())

    def set_status(
        self,
        status,
        *,
        progress=None,
        note="",
        on=None,
        by=None,
        evidence_url="",
        meeting=None,
        note_en="",
        evidence_file=None,
        evidence_public=False,
        pending=False,
    ):
        """Record a follow-up update and move the recommendation to ``status``.

        This is the only way status and progress change once a recommendation
        exists; the update is the timeline entry that explains the change.
        ``evidence_file`` (an uploaded PDF or image) is kept as an attachment of
        the recommendation's meeting, public only if ``evidence_public`` and once
        the update is approved.

        With ``pending=True`` (what the staff workspace records, see
        ``services.recommendation_follow_up_record``) the update waits for a
        reviewer: nothing public changes until it is approved. Without it the
        update is recorded as already approved: the system's own call (the demo
        loader, data fixes, tests of the timeline rules).
        """
        if status not in Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        if progress is None:
            progress = 100 if status == Status.IMPLEMENTED else self.progress
        with transaction.atomic():
            update = RecommendationUpdate(
                recommendation=self,
                date=on or timezone.localdate(),
                status=status,
                progress=progress,
                note_ar=note,  # the required language, whatever language the caller is using
                evidence_url=evidence_url,
                author=by,
                meeting=meeting,
                review_state=RecommendationUpdate.Review.PENDING if pending else RecommendationUpdate.Review.APPROVED,
                reviewed_at=None if pending else timezone.now(),
            )
            if note_en:
                update.note_en = note_en
            update.full_clean(exclude=["recommendation"])
            if evidence_file is not None:
                update.evidence = Attachment.objects.create(
                    meeting=self.meeting,
                    kind=Attachment.Kind.EVIDENCE,
                    title=(note or str(_("Evidence of follow-up")))[:200],
                    file=evidence_file,
                    is_public=evidence_public,
                    content_type=check_upload(evidence_file),
                    size=evidence_file.size,
                    uploaded_by=by,
                )
            update.save()
        return update


class RecommendationUpdateQuerySet(models.QuerySet):
    def approved(self):
        """Updates a reviewer approved: the only ones the public site shows."""
        return self.filter(review_state=RecommendationUpdate.Review.APPROVED)

    def public(self):
        """What anyone may read: approved updates of recommendations of published meetings."""
        return self.approved().filter(recommendation__in=Recommendation.objects.published())

    def pending(self):
        return self.filter(review_state=RecommendationUpdate.Review.PENDING)

    def returned(self):
        return self.filter(review_state=RecommendationUpdate.Review.RETURNED)

    def reviewable_by(self, user):
        """Updates ``user`` may approve or return: those on recommendations of meetings that one
        of their organisations organises or co-organises, where they are a reviewer or an
        administrator (everything for a site administrator, see ``is_administrator``)."""
        from .meetings import MeetingOrganization
        from .workspace import ORGANISING_ROLES, Role, is_administrator, organizations_of

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_administrator(user):
            return self.all()
        organising = MeetingOrganization.objects.filter(
            meeting=OuterRef("recommendation__meeting"),
            role__in=ORGANISING_ROLES,
            organization__in=organizations_of(user, roles=[Role.REVIEWER, Role.ADMINISTRATOR]),
        )
        return self.filter(Exists(organising))

    def for_review_list(self):
        return self.select_related("recommendation__meeting", "author", "evidence", "meeting")

    def on_timeline_of(self, recommendation, user):
        """The updates of ``recommendation`` that ``user``, who may follow it up, reads on its
        timeline in the workspace. Members of an organisation that organises its meeting read
        them all. An addressee reads the approved ones and those its own members wrote: another
        addressee's unreviewed note, and the comment a reviewer returned it with, are that
        organisation's draft."""
        from .meetings import Meeting
        from .workspace import Membership, organizations_of

        updates = self.filter(recommendation=recommendation)
        mine = organizations_of(user)
        if Meeting.objects.for_user(user, organizations=mine).filter(pk=recommendation.meeting_id).exists():
            return updates
        colleagues = Membership.objects.filter(user=OuterRef("author"), organization__in=mine)
        return updates.filter(
            Q(review_state=RecommendationUpdate.Review.APPROVED) | Q(author=user) | Exists(colleagues)
        )


class RecommendationUpdate(ChoiceLabels, models.Model):
    """One entry of a recommendation's follow-up timeline.

    Entered in the workspace, an update waits for a reviewer of the recommendation's
    meeting (``Review.PENDING``); it is public (timeline, feeds, its evidence file) and
    moves the recommendation's status only once approved. A returned update goes back
    to its author with the reviewer's comment, to be corrected and submitted again.
    """

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned with comments")

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(_("new status"), max_length=16, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence = models.ForeignKey(
        "meetings.Attachment",
        verbose_name=_("evidence file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendation_updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("follow-up meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendation_updates",
        help_text=_("The meeting where this progress was discussed, if any."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    review_state = models.CharField(
        _("review"),
        max_length=10,
        choices=Review.choices,
        default=Review.PENDING,
        db_default=Review.PENDING,  # rows written without the application start unreviewed
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    objects = RecommendationUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        get_latest_by = ["date", "pk"]
        verbose_name = _("recommendation update")
        verbose_name_plural = _("recommendation updates")
        constraints = progress_rules("update_")
        indexes = [
            # The review queue: pending updates, oldest first (with the id, the order is the index's own).
            models.Index(fields=["review_state", "created_at", "id"], name="update_review_queue"),
            # The follow-up feed: the newest first.
            models.Index(fields=["-date", "-created_at", "-id"], name="update_newest"),
            # The subscribers' digests: what was approved in a period, newest first. Without it
            # each followed organisation or governorate read every update: 29-47 ms a record at
            # 150,000-175,000 updates, 0.6-1.8 ms with it (docs/notifications.md).
            models.Index(
                fields=["-reviewed_at", "-id"], condition=models.Q(review_state="approved"), name="update_reviewed"
            ),
        ]

    def __str__(self):
        return f"{self.date}: {self.get_status_display()} ({self.progress}%)"

    @property
    def is_approved(self):
        return self.review_state == self.Review.APPROVED

    def can_review(self, user):
        """Whether ``user`` may approve or return this update: a reviewer (or administrator)
        of an organisation that organises the recommendation's meeting."""
        from .workspace import Role, at_least, role_on_meeting

        return at_least(role_on_meeting(user, self.recommendation.meeting), Role.REVIEWER)

    def save(self, *args, **kwargs):
        adding = self._state.adding
        # The statistics count approved follow-up (its dates): the whole write, the status it
        # moves included, is one change of the meeting's summary rows (meetings/tallies.py).
        with transaction.atomic(), counting([self.recommendation.meeting_id]):
            super().save(*args, **kwargs)
            # A new update waiting for review changes nothing the public sees, not
            # even the recommendation's modification time.
            if self.is_approved or not adding:
                self.recommendation.sync_status(touch=self.is_approved)

    def delete(self, *args, **kwargs):
        recommendation = self.recommendation
        with transaction.atomic(), counting([recommendation.meeting_id]):
            result = super().delete(*args, **kwargs)
            recommendation.sync_status(emptied=True)
        return result
