"""Summary rows: how many published meetings and recommendations there are, overall and
per governorate, project, organisation, tag, theme, kind and status (meetings/tallies.py
keeps them right on every write and rebuilds them)."""

from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _


class TallyQuerySet(models.QuerySet):
    def count_of(self, subject, scope="all", key=""):
        """The number of published ``subject`` in ``scope`` ``key`` (one query)."""
        found = self.filter(subject=subject, scope=scope, key=str(key)).aggregate(total=models.Sum("count"))
        return found["total"] or 0

    def status_summary(self, scope="all", key=""):
        """``[(status, count), ...]`` of published recommendations in ``scope`` ``key``, every status
        in its natural order, zeros included (one query) — what ``status_summary()`` of the
        published recommendations of that scope returns."""
        from .recommendations import Status

        counts = dict(
            self.filter(subject=Tally.RECOMMENDATIONS, scope=scope, key=str(key)).values_list("status", "count")
        )
        return [(status, counts.get(status.value, 0)) for status in Status]


class Tally(models.Model):
    """One count: published ``subject`` (meetings or recommendations) of ``scope`` ``key``
    (``all`` and an empty key for everything), of ``status`` (recommendations only)."""

    MEETINGS = "meetings"
    RECOMMENDATIONS = "recommendations"

    subject = models.CharField(_("subject"), max_length=16)
    scope = models.CharField(_("scope"), max_length=16)
    key = models.CharField(_("key"), max_length=40, blank=True, default="")
    status = models.CharField(_("status"), max_length=16, blank=True, default="")
    count = models.IntegerField(_("count"), default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary count")
        verbose_name_plural = _("summary counts")
        constraints = [models.UniqueConstraint(fields=["subject", "scope", "key", "status"], name="tally_unique")]

    def __str__(self):
        return f"{self.subject} {self.scope} {self.key} {self.status}: {self.count}"


def tallied(subject, scope, outer="pk"):
    """An annotation: the summary count of ``subject`` for the outer row's ``scope`` (one
    index look-up per row; every status summed for recommendations)."""
    rows = (
        Tally.objects.filter(subject=subject, scope=scope, key=Cast(OuterRef(outer), models.CharField()))
        .order_by()
        .values("scope")
        .annotate(total=models.Sum("count"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


class MonthlyTally(models.Model):
    """One figure of the statistics page (meetings/statistics.py keeps them): ``measure`` of
    published recommendations or meetings in ``scope`` ``key``, for the meetings of ``month``
    (``YYYY-MM``; empty for all time), of ``status``, in ``bucket`` (weeks of delay, or a due
    day, depending on the measure)."""

    measure = models.CharField(_("measure"), max_length=16)
    scope = models.CharField(_("scope"), max_length=16)
    key = models.CharField(_("key"), max_length=40, blank=True, default="")
    month = models.CharField(_("month"), max_length=7, blank=True, default="")
    status = models.CharField(_("status"), max_length=16, blank=True, default="")
    bucket = models.IntegerField(_("bucket"), default=0)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("statistics figure")
        verbose_name_plural = _("statistics figures")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "scope", "key", "month", "status", "bucket"], name="monthly_tally_unique"
            )
        ]
        indexes = [
            # The breakdowns: every key of a scope for a period, summed from the index alone
            # (status and count in it: an index-only scan, no table row read).
            models.Index(fields=["measure", "scope", "month", "key", "status", "count"], name="monthly_tally_period"),
            # One scope's key over time (a statistics page or a scorecard of one organisation,
            # governorate, project or theme), from the index alone. The unique index has the
            # same order but not the count, and the estimate of a key such as "1", shared by
            # every scope, is far too high at size: PostgreSQL preferred reading every key's
            # rows through the index above (60 ms for the busiest organisation at 100,000
            # meetings, 0.2 ms through this one). SQLite has no INCLUDE and builds the four
            # columns alone.
            models.Index(
                fields=["measure", "scope", "key", "month"], include=["status", "bucket", "count"], name="monthly_tally_key"
            ),
        ]

    def __str__(self):
        return f"{self.measure} {self.scope} {self.key} {self.month} {self.status} {self.bucket}: {self.count}"
