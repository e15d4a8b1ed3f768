from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ..addresses import detail_path
from ..publicity import StoredPublicity
from .base import SLUG_MAX_LENGTH, ChoiceLabels, TimeStampedModel, unique_slug
from .searchable import Searchable, SearchableQuerySet, SearchDocument


class StakeholderGroup(models.Model):
    """A kind of stakeholder represented at meetings (security agencies, youth, ...)."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")

    def __str__(self):
        return self.name


def published_condition(prefix=""):
    """The rule of ``OrganizationQuerySet.published()`` as a condition, on the organisation itself
    or (with ``prefix``, e.g. ``"organization__"``) on one reached through a relation, where a
    join is much cheaper than a subquery per row (the exports join the names of organisations)."""
    return Q(**{f"{prefix}is_published": True, f"{prefix}is_pending": False})


class OrganizationQuerySet(SearchableQuerySet):
    def delete(self):
        from ..deletion import check_deletable

        check_deletable(self)  # published records keep their organisations (meetings/deletion.py)
        return super().delete()

    def published(self):
        """Organisations that appear in at least one published record.

        An organisation known only from drafts is not disclosed: it may be a
        small group whose involvement is not public yet. Each organisation keeps the
        answer of ``appearing_in_published()`` in ``is_published`` (meetings/publicity.py).
        An organisation awaiting confirmation is never public.
        """
        return self.filter(published_condition())

    def pending(self):
        """Organisations typed into the workspace's form and not yet confirmed by a reviewer."""
        return self.filter(is_pending=True)

    def confirmed(self):
        return self.filter(is_pending=False)

    def confirmable_by(self, user):
        """Pending organisations ``user`` may confirm or merge: those named by a meeting that one
        of their organisations organises, where they are a reviewer or an administrator
        (every one for a site administrator). Named as ``Meeting.pending_organizations()``
        counts it — involved, a participant's organisation or an addressee — so that every
        pending organisation that blocks a meeting's publication can be confirmed by its reviewers
        (a bulk import creates them in all three places)."""
        from .meetings import MeetingOrganization, Participation
        from .recommendations import Recommendation
        from .workspace import ORGANISING_ROLES, Role, is_administrator, organizations_of

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_administrator(user):
            return self.pending()
        reviewed = MeetingOrganization.objects.filter(
            role__in=ORGANISING_ROLES,
            organization__in=organizations_of(user, roles=[Role.REVIEWER, Role.ADMINISTRATOR]),
        ).values("meeting")
        involved = MeetingOrganization.objects.filter(organization=OuterRef("pk"), meeting__in=reviewed)
        represented = Participation.objects.filter(organization=OuterRef("pk"), meeting__in=reviewed)
        addressed = Recommendation.addressees.through.objects.filter(
            organization=OuterRef("pk"), recommendation__meeting__in=reviewed
        )
        return self.pending().filter(Exists(involved) | Exists(represented) | Exists(addressed))

    def appearing_in_published(self):
        """The rule itself, evaluated from the records (what ``is_published`` stores)."""
        from .meetings import Meeting, MeetingOrganization, Participation
        from .recommendations import Recommendation

        published = Meeting.Status.PUBLISHED
        return self.filter(is_pending=False).filter(
            Exists(MeetingOrganization.objects.filter(organization=OuterRef("pk"), meeting__status=published))
            | Exists(Participation.objects.filter(organization=OuterRef("pk"), meeting__status=published))
            | Exists(
                Recommendation.addressees.through.objects.filter(
                    organization=OuterRef("pk"), recommendation__meeting__status=published
                )
            )
            | Exists(
                Meeting.objects.filter(status=published).filter(
                    Q(project__implementers=OuterRef("pk")) | Q(project__donors=OuterRef("pk"))
                )
            )
        )

    def in_governorate(self, governorate):
        return self.filter(governorate=governorate)

    def usable_by(self, user, organizations=None):
        """Organisations ``user`` may choose in the workspace's forms: their own, the published
        ones, and those already named in meetings they may open. An organisation known only
        from another organisation's drafts stays hidden. ``organizations``:
        ``organizations_of(user)`` when the caller has already read it."""
        from .meetings import Meeting, MeetingOrganization, Participation
        from .recommendations import Recommendation
        from .workspace import is_site_administrator, organizations_of

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_site_administrator(user):
            return self.all()
        mine = organizations_of(user) if organizations is None else organizations
        theirs = Meeting.objects.for_user(user, organizations=mine).values("pk")
        return self.filter(
            Q(pk__in=mine)
            | Q(pk__in=Organization.objects.published().values("pk"))
            | Exists(MeetingOrganization.objects.filter(organization=OuterRef("pk"), meeting__in=theirs))
            | Exists(Participation.objects.filter(organization=OuterRef("pk"), meeting__in=theirs))
            | Exists(
                Recommendation.addressees.through.objects.filter(
                    organization=OuterRef("pk"), recommendation__meeting__in=theirs
                )
            )
        )

    def with_published_counts(self):
        """Annotate how many published meetings each took part in and how many published
        recommendations were addressed to it (from the summary rows, meetings/tallies.py)."""
        from .tallies import Tally, tallied

        return self.annotate(
            published_meeting_count=tallied(Tally.MEETINGS, "organization"),
            published_recommendation_count=tallied(Tally.RECOMMENDATIONS, "addressee"),
        )


class Organization(ChoiceLabels, StoredPublicity, Searchable, TimeStampedModel):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        HUMAN_RIGHTS = "human_rights", _("Human-rights organisation")
        MEDIA = "media", _("Media organisation")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        SECURITY = "security", _("Security agency")
        GOVERNMENT = "government", _("Government body")
        DONOR = "donor", _("Donor or international organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    governorate = models.ForeignKey(
        "meetings.Governorate",
        verbose_name=_("governorate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(
        _("appears in a published record"),
        default=False,
        db_default=False,  # rows written without the application (COPY, raw SQL) start hidden
        editable=False,
        help_text=_("Kept up to date automatically: the organisation took part in a published meeting, "
                    "is addressed by one of its recommendations, or implements or funds its project."),
    )

    is_pending = models.BooleanField(
        _("awaiting confirmation"),
        default=False,
        db_default=False,
        help_text=_("Typed as a new organisation in a meeting's form: a reviewer confirms it, or merges it "
                    "into an existing organisation, before any meeting naming it can be published."),
    )

    objects = OrganizationQuerySet.as_manager()

    search_document = SearchDocument(title=("name", "acronym"), body=("description",))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # The public list, by keyset (kind, Arabic name, id) among the published.
            models.Index(fields=["kind", "name_ar", "id"], condition=Q(is_published=True), name="organization_public_list"),
            # The home page's count of published organisations, from this index alone: the table's
            # rows are wide (descriptions, search vectors), and reading them all took 4.7 ms at 5,000.
            models.Index(fields=["id"], condition=published_condition(), name="organization_published"),
            # The filters' look-up of an organisation by a name or an acronym in any case
            # (meetings/lookup.py): Django compares UPPER() of both sides.
            *(models.Index(Upper(field), name=f"organization_{field}_upper")
              for field in ("name_ar", "name_en", "acronym_ar", "acronym_en")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="organization_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name_ar or self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_path("meetings:organization_detail", "slug", self.slug)

    @property
    def is_public(self):
        """``published()`` for an organisation already loaded beside a record (a post's, a
        parent): the same two stored flags, without a query."""
        return self.is_published and not self.is_pending

    def delete(self, *args, **kwargs):
        from ..deletion import check_deletable

        check_deletable([self])  # published records keep their organisations (meetings/deletion.py)
        return super().delete(*args, **kwargs)
