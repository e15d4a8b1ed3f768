"""The figures of the statistics page and of organisation scorecards, read from summary rows.

At 100,000 meetings a chart cannot count a million recommendations per request. So, like the
counts of meetings/tallies.py (and by the same machinery: a published meeting *contributes*
rows, recomputed before and after every write that can change them, and ``tallies.rebuild()``
recomputes everything), ``MonthlyTally`` rows keep, per month of the meetings and for all time
(an empty month, for the delays only: the all-time counts by status are the ``Tally`` rows),
overall and per governorate, project, theme and organisation:

* ``made`` — recommendations by current status (organisation: addressee), per month;
* ``first`` — recommendations with an approved update, by weeks from the meeting to the first;
* ``done`` — implemented recommendations, by weeks from the meeting to the approved update
  that said so;
* ``due`` — open recommendations with a due date, by due month and day (overdue is read
  against today; no meeting month, no status);
* ``attendance`` — people attending published meetings, by sex, per month (organisation:
  the organisations involved; no theme).

``made``, ``first`` and ``done`` are also kept per *year* of the meetings (measures
``made-y``, ``first-y``, ``done-y``, month ``YYYY``): a period of whole years (the usual
date range) then reads one row where it read twelve; meetings/figures.py reads the whole
years of a period from them and the months at its ends from the monthly rows. ``due`` is
kept per year it falls due too (``due-y``): what is overdue today is the past years' rows and
this year's past months and days.

Only published meetings contribute; only approved follow-up counts. See docs/statistics.md.
"""

import datetime
from collections import Counter

from django.db.models import Count, Min, Q

MADE, FIRST, DONE, DUE, ATTENDANCE = "made", "first", "done", "due", "attendance"
ALL_TIME = ""
# The measures also kept per year of the meetings (month "YYYY").
YEARLY = {MADE: "made-y", FIRST: "first-y", DONE: "done-y", DUE: "due-y"}
# The medians of all organisations (meetings/figures.py), cached; a rebuild forgets them.
BENCHMARK_CACHE_KEY = "statistics:organisation-medians"
# Delays are kept in weeks, up to about five years (longer ones in the last bucket).
MAX_WEEKS = 260
FEMALE, MALE, UNSPECIFIED = "female", "male", "unspecified"


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"


def year_of(day):
    return f"{day.year:04d}"


def weeks_between(start, end):
    return min(max((end - start).days, 0) // 7, MAX_WEEKS)


def involved_organizations(pks, *, using="default"):
    """The ``(meeting id, organisation id)`` pairs of meetings ``pks``: each organisation that
    organised a meeting or spoke at it, once per meeting."""
    from .models import MeetingOrganization, Participation

    organisers = MeetingOrganization._base_manager.using(using).filter(meeting_id__in=pks).values_list(
        "meeting_id", "organization_id"
    )
    speakers = (
        Participation._base_manager.using(using)
        .filter(meeting_id__in=pks)
        .exclude(organization=None)
        .values_list("meeting_id", "organization_id")
    )
    return set(organisers) | set(speakers)


class Facts:
    """What published meetings contribute to the summary rows, read once for both kinds of
    row (``tallies.contribution`` and ``contribution`` below): one statement when none of the
    meetings is published, at most eight otherwise.

    * ``meetings``: ``{pk: (date, governorate, project, kind, total, women, men)}``;
    * ``tags``, ``groups``: ``[(tag or group, meetings tagged)]``;
    * ``involved``: ``{(meeting, organisation)}`` (``involved_organizations``);
    * ``recommendations``: ``[(pk, meeting, theme, kind, status, due date)]``;
    * ``addressees``: ``{recommendation: [organisation, ...]}``;
    * ``dates``: ``{recommendation: (first approved update, first approved "implemented")}``.
    """

    def __init__(self, meeting_ids, *, using="default"):
        from .models import Meeting, Recommendation, RecommendationUpdate

        self.meetings = {
            row[0]: row[1:]
            for row in Meeting._base_manager.using(using)
            .filter(pk__in=meeting_ids, status=Meeting.Status.PUBLISHED)
            .values_list(
                "pk", "date", "governorate_id", "project_id", "kind", "attendance_total", "attendance_women", "attendance_men"
            )
        }
        self.tags, self.groups, self.involved, self.recommendations, self.addressees, self.dates = [], [], set(), [], {}, {}
        pks = list(self.meetings)
        if not pks:
            return
        self.tags, self.groups = (
            list(
                through._base_manager.using(using)
                .filter(meeting_id__in=pks)
                .values_list(column)
                .annotate(n=Count("pk"))
                .order_by()
            )
            for through, column in (
                (Meeting.tags.through, "tag_id"),
                (Meeting.stakeholder_groups.through, "stakeholdergroup_id"),
            )
        )
        self.involved = involved_organizations(pks, using=using)
        self.recommendations = list(
            Recommendation._base_manager.using(using)
            .filter(meeting_id__in=pks)
            .values_list("pk", "meeting_id", "theme_id", "kind", "status", "due_date")
        )
        if not self.recommendations:
            return
        for recommendation, organization in (
            Recommendation.addressees.through._base_manager.using(using)
            .filter(recommendation__meeting_id__in=pks)
            .values_list("recommendation_id", "organization_id")
        ):
            self.addressees.setdefault(recommendation, []).append(organization)
        self.dates = {
            row[0]: row[1:]
            for row in RecommendationUpdate._base_manager.using(using)
            .filter(recommendation__meeting_id__in=pks, review_state=RecommendationUpdate.Review.APPROVED)
            .values_list("recommendation_id")
            .annotate(first=Min("date"), done=Min("date", filter=Q(status="implemented")))
            .order_by()
        }


def contribution(facts):
    """``Counter{(measure, scope, key, month, status, bucket): count}`` of the published meetings
    of ``facts`` (a ``Facts``)."""
    counts = Counter()
    meetings = facts.meetings
    involved = {}
    for meeting, organization in facts.involved:
        involved.setdefault(meeting, []).append(organization)

    def scopes_of(meeting):
        _date, governorate, project = meetings[meeting][:3]
        scopes = [("all", "")]
        if governorate is not None:
            scopes.append(("governorate", str(governorate)))
        if project is not None:
            scopes.append(("project", str(project)))
        return scopes

    for pk, (date, _governorate, _project, _kind, total, women, men) in meetings.items():
        sexes = {FEMALE: women or 0, MALE: men or 0}
        sexes[UNSPECIFIED] = max((total or 0) - sexes[FEMALE] - sexes[MALE], 0)
        scopes = scopes_of(pk) + [("organization", str(organization)) for organization in involved.get(pk, ())]
        for sex, number in sexes.items():
            if number:
                for scope, key in scopes:
                    counts[(ATTENDANCE, scope, key, month_of(date), sex, 0)] += number

    open_statuses = {"proposed", "accepted", "in_progress", "partial"}
    for pk, meeting, theme, _kind, status, due in facts.recommendations:
        date = meetings[meeting][0]
        scopes = scopes_of(meeting)
        if theme is not None:
            scopes.append(("theme", str(theme)))
        scopes += [("organization", str(organization)) for organization in facts.addressees.get(pk, ())]
        first, done = facts.dates.get(pk, (None, None))
        month, year = month_of(date), year_of(date)
        periods = ((MADE, month), (YEARLY[MADE], year))
        delays = []
        if first is not None:
            delays += [(FIRST, weeks_between(date, first))]
        if done is not None and status == "implemented":
            delays += [(DONE, weeks_between(date, done))]
        for scope, key in scopes:
            for measure, each in periods:
                counts[(measure, scope, key, each, status, 0)] += 1
            for measure, weeks in delays:
                for kept, each in ((measure, month), (measure, ALL_TIME), (YEARLY[measure], year)):
                    counts[(kept, scope, key, each, "", weeks)] += 1
            if due is not None and status in open_statuses:
                counts[(DUE, scope, key, month_of(due), "", due.day)] += 1
                counts[(YEARLY[DUE], scope, key, year_of(due), "", 0)] += 1
    return counts


# --- Reading ------------------------------------------------------------------------------


def median_weeks(histogram):
    """The median of a ``{weeks: count}`` histogram, in days (weeks' middles), or None."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for weeks in sorted(histogram):
        seen += histogram[weeks]
        if seen * 2 >= total:
            return weeks * 7 + 3
    return None  # pragma: no cover


def overdue_count(rows, today=None):
    """How many of ``rows`` (``(month, bucket, count)`` of ``due``) fell due before ``today``."""
    today = today or datetime.date.today()
    current = month_of(today)
    return sum(count for month, day, count in rows if month < current or (month == current and day < today.day))
