from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..publicity import StoredPublicity
from .base import ChoiceLabels, TimeStampedModel
from .searchable import Searchable, SearchableQuerySet, SearchDocument


class PersonQuerySet(SearchableQuerySet):
    def delete(self):
        from ..deletion import check_deletable

        check_deletable(self)  # published records keep their participants (meetings/deletion.py)
        return super().delete()

    def public(self):
        """People explicitly marked public; everyone else is protected."""
        return self.filter(visibility=Person.Visibility.PUBLIC)

    def published(self):
        """Public people who took part in at least one published meeting.

        Visibility is checked here, always; whether they took part in a published meeting
        is stored on each person (``is_published``, meetings/publicity.py)."""
        return self.public().filter(is_published=True)

    def taking_part_in_published(self):
        """People who took part in at least one published meeting (what ``is_published`` stores)."""
        from .meetings import Meeting, Participation

        return self.filter(
            Exists(
                Participation.objects.filter(person=OuterRef("pk"), meeting__status=Meeting.Status.PUBLISHED)
            )
        )


    def usable_by(self, user, organizations=None):
        """People ``user`` may choose in the workspace's forms: public people, and the protected
        people of meetings they may open. Another organisation's protected people stay hidden.
        ``organizations``: ``organizations_of(user)`` when the caller has already read it."""
        from .meetings import Meeting, Participation
        from .workspace import is_site_administrator

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_site_administrator(user):
            return self.all()
        theirs = Meeting.objects.for_user(user, organizations=organizations).values("pk")
        return self.filter(
            Q(visibility=Person.Visibility.PUBLIC)
            | Exists(Participation.objects.filter(person=OuterRef("pk"), meeting__in=theirs))
        )


class Person(ChoiceLabels, StoredPublicity, Searchable, TimeStampedModel):
    """Someone who took part in a meeting.

    People are *protected* by default: human-rights defenders in conflict
    zones can be endangered by being named. Only people marked public (for
    example officials who speak publicly) are ever named on public pages;
    for everyone else only their post or organisation may be shown.
    """

    class Visibility(models.TextChoices):
        PROTECTED = "protected", _("Protected (never named publicly)")
        PUBLIC = "public", _("Public")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PROTECTED,
        help_text=_("Protected people are never named on public pages, feeds or exports."),
    )
    notes = models.TextField(_("internal notes"), blank=True)
    is_published = models.BooleanField(
        _("took part in a published meeting"),
        default=False,
        db_default=False,  # rows written without the application (COPY, raw SQL) start hidden
        editable=False,
        help_text=_("Kept up to date automatically. Only public people are ever shown, whatever this says."),
    )

    objects = PersonQuerySet.as_manager()

    # A protected person has no search terms at all: their name cannot be found.
    search_document = SearchDocument(
        title=("name",), public=lambda person: person.is_public, extra_sources=("visibility",)
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC


class PositionQuerySet(models.QuerySet):
    def published(self):
        """Posts the public may see: of a published (public) person, held at a published
        meeting. A post known only from drafts is not disclosed."""
        from .meetings import Meeting, Participation

        held = Participation.objects.filter(position=OuterRef("pk"), meeting__status=Meeting.Status.PUBLISHED)
        return self.filter(person__in=Person.objects.published()).filter(Exists(held))

    def usable_by(self, user, organizations=None):
        """Posts ``user`` may choose in the workspace's forms and pickers: the published ones,
        those held at meetings they may open, and a public person's posts held at no meeting
        (entered in the admin). A post known only from another organisation's drafts stays
        hidden: its title, and the organisation it names, are that organisation's draft (that
        organisation may even await a reviewer's confirmation). ``organizations``:
        ``organizations_of(user)`` when the caller has already read it."""
        from .meetings import Meeting, Participation
        from .workspace import is_site_administrator

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_site_administrator(user):
            return self.all()
        theirs = Meeting.objects.for_user(user, organizations=organizations).values("pk")
        held_published = Participation.objects.filter(position=OuterRef("pk"), meeting__status=Meeting.Status.PUBLISHED)
        held_theirs = Participation.objects.filter(position=OuterRef("pk"), meeting__in=theirs)
        held = Participation.objects.filter(position=OuterRef("pk"))
        return self.filter(
            (Q(person__in=Person.objects.public()) & (Exists(held_published) | ~Exists(held))) | Exists(held_theirs)
        )


class Position(models.Model):
    """A post a person holds, e.g. «مدير عام المعلومات والإحصاء» at the governorate office.

    A participation points at the post held on the day of the meeting, so a
    later change of post (a new Position) does not rewrite old minutes.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(pgettext_lazy("post held by a person", "title"), max_length=250)
    organization = models.ForeignKey(
        "meetings.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["person__name", "-start_date"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.organization}" if self.organization_id else self.title

    def public_label(self):
        """The post as it may be shown publicly: title and organisation, never the name."""
        return str(self)

    def held_on(self, day):
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or day <= self.end_date)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must not be before the start date.")})
