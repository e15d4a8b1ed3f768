from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from ..addresses import detail_path
from .base import SLUG_MAX_LENGTH, TimeStampedModel, unique_slug


class ProjectQuerySet(models.QuerySet):
    def published(self):
        """Projects under which at least one published meeting was held."""
        from .meetings import Meeting

        return self.filter(Exists(Meeting.objects.published().filter(project=OuterRef("pk"))))

    def with_partners(self):
        """Each project's public implementers and donors (names and links: not their search
        columns), as the API and the exports name them: one awaiting a reviewer's confirmation is
        left out, even beside a published project."""
        from .organizations import Organization

        partners = Organization.objects.published().without_search_columns()
        return self.prefetch_related(
            Prefetch("implementers", queryset=partners), Prefetch("donors", queryset=partners)
        )

    def usable_by(self, user, organizations=None):
        """Projects ``user`` may choose in the workspace: published ones, those their
        organisations implement or fund, and those of meetings they may open.
        ``organizations``: ``organizations_of(user)`` when the caller has already read it."""
        from .meetings import Meeting
        from .workspace import is_site_administrator, organizations_of

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_site_administrator(user):
            return self.all()
        mine = organizations_of(user) if organizations is None else organizations
        return self.filter(
            Q(pk__in=Project.objects.published().values("pk"))
            | Q(Exists(Project.implementers.through.objects.filter(project=OuterRef("pk"), organization__in=mine)))
            | Q(Exists(Project.donors.through.objects.filter(project=OuterRef("pk"), organization__in=mine)))
            | Q(Exists(Meeting.objects.for_user(user, organizations=mine).filter(project=OuterRef("pk"))))
        )

    def with_published_meeting_counts(self):
        """How many published meetings each has (from the summary rows, meetings/tallies.py)."""
        from .tallies import Tally, tallied

        return self.annotate(published_meeting_count=tallied(Tally.MEETINGS, "project"))


class Project(TimeStampedModel):
    """A funded programme under which meetings are held (e.g. the Sanad project)."""

    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    implementers = models.ManyToManyField(
        "meetings.Organization", verbose_name=_("implementing organisations"), blank=True, related_name="implemented_projects"
    )
    donors = models.ManyToManyField(
        "meetings.Organization", verbose_name=_("donors"), blank=True, related_name="funded_projects"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name_ar or self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_path("meetings:project_detail", "slug", self.slug)
