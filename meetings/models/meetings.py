from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..addresses import detail_path
from ..publicity import PublicityQuerySet
from ..tallies import CountedQuerySet
from .base import SLUG_MAX_LENGTH, ChoiceLabels, TimeStampedModel, count_subquery, unique_slug
from .searchable import (
    Searchable,
    SearchableQuerySet,
    SearchDocument,
    SearchSourceQuerySet,
    related_objects,
    search_columns,
    translated,
)
from .workflow import MeetingWorkflow


class TagQuerySet(SearchSourceQuerySet):
    def published(self):
        """Tags of at least one published meeting: a tag seen only on drafts is not disclosed."""
        # Read from the summary rows (meetings/tallies.py): the rule itself, evaluated per tag,
        # walked the published meetings.
        from .tallies import Tally

        counted = Tally.objects.filter(
            subject=Tally.MEETINGS, scope="tag", key=Cast(OuterRef("pk"), models.CharField()), count__gt=0
        )
        return self.filter(Exists(counted))

    def names_by_meeting(self, meeting_ids):
        """``{meeting id: [its tags' names]}`` of these meetings, in the active language (with its
        fallback) and in the tags' order: one statement and no model instance (prefetching the
        tags of a calendar's 150 meetings as models took 43 ms, this 10 ms)."""
        names = {}
        for meeting, name in self.filter(meetings__in=meeting_ids).order_by("name", "pk").values_list("meetings", "name"):
            names.setdefault(meeting, []).append(name)
        return names

    def with_published_meeting_counts(self):
        return self.annotate(
            published_meeting_count=count_subquery(Meeting.objects.published().filter(tags=OuterRef("pk")))
        )


class Tag(models.Model):
    """A hashtag such as «مشروع_ساند», stored without the leading #."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True, blank=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return f"#{self.name}"

    def save(self, *args, **kwargs):
        # Strip every language's field directly: assigning ``self.name`` would
        # write the Arabic fallback into the active language's field.
        for language in settings.MODELTRANSLATION_LANGUAGES:
            field = f"name_{language}"
            if getattr(self, field):
                setattr(self, field, getattr(self, field).lstrip("#").strip())
        if not self.slug:
            self.slug = unique_slug(self, self.name_ar or self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_path("meetings:tag_detail", "slug", self.slug)


MINUTES_COLUMNS = ("minutes", *(f"minutes_{language}" for language in settings.MODELTRANSLATION_LANGUAGES))


def long_columns(prefix=""):
    """The columns of a meeting (reached through ``prefix``, ``"meeting__"``) that no card or
    link shows: its minutes and its search columns, several kilobytes a meeting in each
    language."""
    return (*search_columns(prefix), *(prefix + name for name in MINUTES_COLUMNS))


class MeetingQuerySet(CountedQuerySet, PublicityQuerySet, SearchableQuerySet):
    def published(self):
        """The one rule for what the public may see: published meetings only."""
        return self.filter(status=Meeting.Status.PUBLISHED)

    def in_governorate(self, governorate):
        return self.filter(governorate=governorate)

    def newest_first(self):
        return self.order_by("-date", "-start_time", "-pk")

    # --- Filters of the public lists (each takes an object or a value, never raw input)

    def in_project(self, project):
        return self.filter(project=project)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    # From this many meetings, an organisation's newest are found by walking the newest.
    BUSY_ORGANIZATION = 1000

    def with_organization(self, organization, *, count=None):
        """Meetings the organisation took part in, in any role: organiser, partner, funder,
        participant, or represented by a speaker.

        ``count``, its number of meetings if known (``Tally``), chooses how the newest few
        are found. A quiet organisation's meetings are a set of ids (one index look-up on
        each side): walking every published meeting for its few would read them all. A busy
        one's (``BUSY_ORGANIZATION`` or more) are checked against its ids, hashed, while the
        newest published meetings are walked in order, which stops at the end of the page:
        joining thousands of ids and sorting them by date took 100 ms and more at 100,000
        meetings.

        Without ``count``, the count an organisation found by the filters' look-up carries
        (``published_meeting_count``, meetings/lookup.py) is used: the lists filtered by the
        busiest organisation took 135-200 ms by the ids before it was.

        The search asks the same of a copy on each meeting's row, which its index holds beside
        the words (PostgreSQL; search/schema.py, "The organisations beside the words")."""
        if count is None:
            count = getattr(organization, "published_meeting_count", None)
        busy = count is not None and count >= self.BUSY_ORGANIZATION
        if busy and connections[self.db].vendor == "postgresql":
            # Each row's copy of its organisations' keys, checked as the newest are walked:
            # hashing the busiest one's 27,000 ids first took 2-4 ms of every such page.
            from search.engine import NamesOrganization
            from search.schema import MEETING_ORGANIZATION_IDS

            return self.filter(NamesOrganization(MEETING_ORGANIZATION_IDS, organization.pk))
        involved = MeetingOrganization.objects.filter(organization=organization).order_by().values("meeting_id")
        represented = Participation.objects.filter(organization=organization).order_by().values("meeting_id")
        if busy:
            return self.filter(Q(pk__in=involved) | Q(pk__in=represented))
        return self.filter(pk__in=involved.union(represented))

    def with_stakeholder_group(self, group):
        through = Meeting.stakeholder_groups.through
        return self.filter(Exists(through.objects.filter(meeting=OuterRef("pk"), stakeholdergroup=group)))

    def with_tag(self, tag):
        return self.filter(Exists(Meeting.tags.through.objects.filter(meeting=OuterRef("pk"), tag=tag)))

    def between(self, start=None, end=None):
        """Meetings held from ``start`` to ``end`` inclusive; either bound may be omitted."""
        queryset = self
        if start:
            queryset = queryset.filter(date__gte=start)
        if end:
            queryset = queryset.filter(date__lte=end)
        return queryset

    # --- What the public pages load with the meetings, in a fixed number of queries

    def without_long_text(self):
        """The meetings without the columns a card never shows (``long_columns()``)."""
        return self.defer(*long_columns())

    def for_print_listing(self):
        """A line of a printed report: title, date, place and the number of recommendations."""
        from .recommendations import Recommendation

        return (
            self.without_long_text()
            .select_related("governorate")
            .annotate(recommendation_count=count_subquery(Recommendation.objects.filter(meeting=OuterRef("pk"))))
        )

    def for_calendar(self):
        """An event of a calendar (meetings/calendar.py): its place, not its minutes (its tags:
        ``Tag.objects.names_by_meeting()``)."""
        return self.without_long_text().select_related("governorate")

    def for_listing(self):
        """A meeting card: place, project, organisers and the number of recommendations."""
        from .recommendations import Recommendation

        organisers = (
            MeetingOrganization.objects.filter(
                role__in=[MeetingOrganization.Role.ORGANISER, MeetingOrganization.Role.CO_ORGANISER]
            )
            .with_organization()
        )
        return (
            self.without_long_text()
            .select_related("governorate", "project")
            .prefetch_related(Prefetch("involvements", queryset=organisers, to_attr="organiser_involvements"))
            .annotate(recommendation_count=count_subquery(Recommendation.objects.filter(meeting=OuterRef("pk"))))
        )

    # --- The staff workspace (who may do what: models/workspace.py)

    def for_user(self, user, organizations=None):
        """Meetings ``user`` may open in the workspace: those their organisations organise
        or co-organise; all of them for a superuser (whatever
        their role, an organisation's members see only its meetings); none for anyone else.
        ``organizations``: ``organizations_of(user)`` when the caller has already read it."""
        from .workspace import ORGANISING_ROLES, is_site_administrator, organizations_of

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_site_administrator(user):
            return self.all()
        if organizations is None:
            organizations = organizations_of(user)
        organising = MeetingOrganization.objects.filter(
            meeting=OuterRef("pk"), role__in=ORGANISING_ROLES, organization__in=organizations
        )
        return self.filter(Exists(organising))

    def with_latest_event(self):
        """Annotate each meeting with its last review step: ``latest_action``, ``latest_comment``, ``latest_event_at``."""
        from django.db.models import Subquery

        from .workspace import MeetingEvent

        latest = MeetingEvent.objects.filter(meeting=OuterRef("pk")).order_by("-at", "-pk")
        return self.annotate(
            latest_action=Subquery(latest.values("action")[:1]),
            latest_comment=Subquery(latest.values("comment")[:1]),
            latest_event_at=Subquery(latest.values("at")[:1]),
        )

    def for_detail(self, *, preview=False):
        """Everything the meeting page shows. Participants come with their person only so
        that ``Participation.public_name`` can decide whether a name may be shown.

        ``preview``: the reviewer's preview of a meeting not published yet lists the files
        that will be public once it is (the public page lists them only while it is)."""
        from .recommendations import Recommendation
        from .workspace import Attachment

        attachments = Attachment.objects.public_once_published() if preview else Attachment.objects.public()
        return (
            self.without_search_columns()
            .defer(*long_columns("follows__"))
            .select_related("governorate", "project", "follows")
            .prefetch_related(
                Prefetch("involvements", queryset=MeetingOrganization.objects.with_organization()),
                "stakeholder_groups",
                Prefetch("participations", queryset=Participation.objects.for_meeting_page()),
                Prefetch(
                    "recommendations",
                    queryset=Recommendation.objects.without_search_columns()
                    .select_related("theme")
                    .with_addressees()
                    .order_by("order"),
                ),
                "tags",
                Prefetch(
                    "followed_by",
                    queryset=Meeting.objects.published().without_long_text().order_by("date", "pk"),
                    to_attr="published_followers",
                ),
                Prefetch("attachments", queryset=attachments.order_by("pk"), to_attr="public_attachment_list"),
            )
        )

    def for_print(self):
        """What the printed minutes show (meetings/printing.py): the meeting with its place and
        project, its organisations, speakers and recommendations (with their addressees), read
        as ``for_detail()`` reads them; not the tags, groups, follow-ups and files of the page."""
        from .recommendations import Recommendation

        return (
            self.without_search_columns()
            .select_related("governorate", "project")
            .prefetch_related(
                Prefetch("involvements", queryset=MeetingOrganization.objects.with_organization()),
                Prefetch("participations", queryset=Participation.objects.for_meeting_page()),
                Prefetch(
                    "recommendations",
                    queryset=Recommendation.objects.without_search_columns().with_addressees().order_by("order"),
                ),
            )
        )


def _meeting_search_related(meeting, language):
    """Beside its own text, a meeting is found by its governorate, its tags, what its
    participants said, and the names of those of them who are public (never the others)."""
    bodies = []
    if meeting.governorate_id:
        bodies.append(translated(meeting.governorate, "name", language))
    bodies += [translated(tag, "name", language) for tag in related_objects(meeting, "tags")]
    for participation in related_objects(meeting, "participations"):
        bodies.append(translated(participation, "statement", language))
        if participation.person_id and participation.person.is_public:
            bodies.append(translated(participation.person, "name", language))
    return [], bodies


class Meeting(ChoiceLabels, MeetingWorkflow, Searchable, TimeStampedModel):
    class Kind(models.TextChoices):
        CONSULTATIVE = "consultative", _("Consultative meeting")
        WORKSHOP = "workshop", _("Workshop")
        DIALOGUE = "dialogue", _("Dialogue session")
        TRAINING = "training", _("Training")
        HEARING = "hearing", _("Public hearing")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONSULTATIVE)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("Leave empty if unknown."))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    governorate = models.ForeignKey(
        "meetings.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    city = models.CharField(_("city or district"), max_length=150, blank=True)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    project = models.ForeignKey(
        "meetings.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save, so that an edit started from an older version cannot overwrite a newer one."),
    )
    organizations = models.ManyToManyField(
        "meetings.Organization",
        through="meetings.MeetingOrganization",
        verbose_name=_("organisations"),
        related_name="meetings",
        blank=True,
    )
    stakeholder_groups = models.ManyToManyField(
        "meetings.StakeholderGroup", verbose_name=_("stakeholder groups represented"), blank=True, related_name="meetings"
    )
    attendance_total = models.PositiveIntegerField(_("total attendance"), null=True, blank=True)
    attendance_women = models.PositiveIntegerField(_("women attending"), null=True, blank=True)
    attendance_men = models.PositiveIntegerField(_("men attending"), null=True, blank=True)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text=_("The earlier meeting this one continues."),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="meetings")
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    search_document = SearchDocument(
        title=("title",),
        body=("summary", "city", "venue", "minutes"),
        related=_meeting_search_related,
        extra_sources=("governorate", "governorate_id"),
        select=("governorate",),
        prefetch=("tags", "participations__person"),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["status", "-date"], name="meeting_status_date"),
            # Every meeting, newest first: the workspace's list and the admin's, and the
            # admin's meeting pickers when they open. Without it, each sorted all 100,000 rows
            # (0.3–0.4 s).
            models.Index(fields=["-date", "-id"], name="meeting_date"),
            # The published meetings, newest first: the public lists of meetings and
            # recommendations, and the pages that walk the newest (a busy organisation's, a
            # governorate's). On ``meeting_date`` they first stepped over every meeting not
            # published dated after the newest published one: 1,437 at 100,000 meetings, 0.9–1.2 ms
            # of each statement, and more with every draft of a meeting to come.
            models.Index(fields=["-date", "-id"], condition=Q(status="published"), name="meeting_published_date"),
            # The ids of published meetings, read alone: the "appears in a published meeting"
            # rules of organisations, people and tags join on it (an index-only scan instead
            # of reading every meeting's row; see docs/search.md). With the publication time,
            # a tag's newest publication (its sitemap lastmod) is read from the index alone too.
            models.Index(
                fields=["id"], include=["published_at"], condition=Q(status="published"), name="meeting_published"
            ),
            # The feeds: the newest published first.
            models.Index(
                fields=["-published_at", "-id"], condition=Q(status="published"), name="meeting_published_at"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(end_time__gt=models.F("start_time")),
                name="meeting_end_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(attendance_total__isnull=True)
                | Q(
                    attendance_total__gte=Coalesce(models.F("attendance_women"), 0)
                    + Coalesce(models.F("attendance_men"), 0)
                ),
                name="meeting_attendance_adds_up",
                violation_error_message=_("Women and men attending cannot exceed the total attendance."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="meeting_published_has_timestamp",
                violation_error_message=_("A published meeting must have a publication date."),
            ),
            models.CheckConstraint(condition=~Q(follows=models.F("pk")), name="meeting_not_following_itself"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, f"{self.date.isoformat() if self.date else ''} {self.title_ar or self.title}")
        if self.pk is not None and kwargs.get("update_fields") is None:
            # A full save (the admin, a restored version) is a new version, so a staff
            # form opened before it cannot silently overwrite it; services.meeting_save
            # raises the version itself, atomically, and saves named fields.
            self.version += 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The meeting must end after it starts.")
        if self.attendance_total is not None:
            if (self.attendance_women or 0) + (self.attendance_men or 0) > self.attendance_total:
                errors["attendance_total"] = _("Women and men attending cannot exceed the total attendance.")
        if self.follows_id and self.pk and self.follows_id == self.pk:
            errors["follows"] = _("A meeting cannot follow up on itself.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return detail_path("meetings:meeting_detail", "pk", self.pk)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_planned(self):
        """Dated after today: not held yet, so not publishable (meetings/scheduling.py)."""
        return self.date is not None and self.date > timezone.localdate()

    # publish(), unpublish(), submit_for_review() and return_to_draft() live in
    # models/workflow.py (MeetingWorkflow), with the rules of who may call them.

    def public_attachments(self):
        """Files anyone may download: marked public, and only while the meeting is published."""
        return self.attachments.public()


class MeetingOrganizationQuerySet(CountedQuerySet, PublicityQuerySet, SearchSourceQuerySet):
    def with_organization(self):
        """Each involvement with its organisation, read for a public page: without its search columns."""
        return self.select_related("organization").defer(*search_columns("organization__"))


class MeetingOrganization(ChoiceLabels, models.Model):
    """An organisation involved in a meeting, in a given role."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")
        PARTICIPANT = "participant", _("Participant")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="involvements")
    organization = models.ForeignKey(
        "meetings.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(_("role"), max_length=15, choices=Role.choices, default=Role.PARTICIPANT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MeetingOrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("organisation involved")
        verbose_name_plural = _("organisations involved")
        indexes = [
            # An organisation's meetings, from the index alone (Meeting.objects.with_organization).
            models.Index(fields=["organization", "meeting"], name="meeting_organization_meetings"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization", "role"],
                name="meeting_organization_role_unique",
                violation_error_message=_("This organisation is already listed in this role."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class ParticipationQuerySet(CountedQuerySet, PublicityQuerySet, SearchSourceQuerySet):
    def published(self):
        return self.filter(meeting__status=Meeting.Status.PUBLISHED)

    def for_meeting_page(self):
        """A meeting's participants as its page and minutes list them: each with the person
        (whose protection decides what is shown), post and organisation, not their search columns."""
        return self.select_related("person", "position__organization", "organization").defer(
            *search_columns("person__"), *search_columns("position__organization__"), *search_columns("organization__")
        )


class Participation(ChoiceLabels, models.Model):
    """Who took part in a meeting, in which post, and what they said."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        PARTICIPANT = "participant", _("Participant")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(
        "meetings.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    position = models.ForeignKey(
        "meetings.Position",
        verbose_name=_("post held that day"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    organization = models.ForeignKey(
        "meetings.Organization",
        verbose_name=_("organisation represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.SPEAKER)
    statement = models.TextField(_("what they said"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [
            # The meetings of an organisation's speakers, from the index alone (with_organization).
            models.Index(fields=["organization", "meeting"], name="participation_organizations"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organization__isnull=False) | Q(position__isnull=False),
                name="participation_has_someone",
                violation_error_message=_("Choose a person, a post or an organisation."),
            ),
        ]

    def __str__(self):
        return self.public_label()

    def clean(self):
        super().clean()
        if self.position_id and self.person_id and self.position.person_id != self.person_id:
            raise ValidationError({"position": _("This post belongs to another person.")})
        if self.position_id and self.meeting_id and not self.position.held_on(self.meeting.date):
            raise ValidationError({"position": _("This post was not held on the day of the meeting.")})

    @property
    def public_name(self):
        """The person's name if they are public, otherwise None (never the name)."""
        if self.person_id and self.person.is_public:
            return self.person.name
        return None

    def public_label(self):
        """How the participant may be shown publicly: their post or organisation, and the name only if public."""
        parts = []
        if self.public_name:
            parts.append(self.public_name)
        if self.position_id:
            parts.append(self.position.public_label())
        elif self.organization_id:
            parts.append(str(self.organization))
        return " — ".join(parts) or str(_("A participant"))
