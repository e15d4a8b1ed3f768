"""The charts of the statistics page and the organisation scorecard, from the summary rows.

Every function reads ``MonthlyTally``/``Tally`` rows (meetings/statistics.py keeps them on
write), a fixed number of queries whatever the amount of data; nothing here counts records.
"""

from collections import Counter, defaultdict
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import CharField, F, Q, Sum, Value
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from .charts import Chart, Series
from .models import Governorate, MonthlyTally, Organization, Project, Tally, Theme
from .models.recommendations import Status
from .statistics import (
    ALL_TIME, ATTENDANCE, BENCHMARK_CACHE_KEY, DONE, DUE, FEMALE, FIRST, MADE, MALE, UNSPECIFIED, YEARLY, median_weeks,
    month_of,
)

STATUS_CSS = {
    Status.PROPOSED: "status-proposed",
    Status.ACCEPTED: "status-accepted",
    Status.IN_PROGRESS: "status-in-progress",
    Status.PARTIAL: "status-partial",
    Status.IMPLEMENTED: "status-implemented",
    Status.NOT_IMPLEMENTED: "status-not-implemented",
}
# A breakdown shows at most this many organisations or projects (those with most recommendations).
TOP = 15
# Over more months than this, a time chart shows years.
MONTHLY_UP_TO = 36
# Delays shown as ranges of days: (upper bound in days or None, label).
DELAY_RANGES = ((30, "≤ 30"), (90, "31–90"), (180, "91–180"), (365, "181–365"), (730, "366–730"), (None, "> 730"))


def _rows(measure, scope, key, months, **extra):
    """``MonthlyTally`` rows of ``measure`` in the period: per month when ``months`` is
    (start, end) (either None for open), or the all-time rows when ``months`` is None."""
    rows = MonthlyTally.objects.filter(measure=measure, scope=scope, key=key, **extra)
    if months is None:
        return rows.filter(month=ALL_TIME)
    start, end = months
    rows = rows.filter(month__gt=ALL_TIME)
    if start:
        rows = rows.filter(month__gte=start)
    if end:
        rows = rows.filter(month__lte=end)
    return rows


def _periods(by_month):
    """Group ``{month: value-dict}`` by month, or by year over a long span; returns the
    period labels in order and the summed value dicts."""
    months = sorted(by_month)
    if not months:
        return [], []
    yearly = len(months) > MONTHLY_UP_TO or (months and _span(months[0], months[-1]) > MONTHLY_UP_TO)
    grouped = defaultdict(Counter)
    for month, values in by_month.items():
        grouped[month[:4] if yearly else month].update(values)
    if yearly:
        labels = [str(year) for year in range(int(months[0][:4]), int(months[-1][:4]) + 1)]
    else:
        labels, (year, number) = [], map(int, months[0].split("-"))
        while f"{year:04d}-{number:02d}" <= months[-1]:
            labels.append(f"{year:04d}-{number:02d}")
            year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return labels, [grouped[label] for label in labels]


def _span(first, last):
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1


def status_over_time(scope, key, months):
    by_month = defaultdict(Counter)
    for month, status, count in _rows(MADE, scope, key, months or (None, None)).values_list("month", "status", "count"):
        by_month[month][status] += count
    labels, values = _periods(by_month)
    series = [Series(str(status.label), STATUS_CSS[status], [v[status.value] for v in values]) for status in Status]
    chart = Chart(
        "status-over-time",
        _("Recommendations by status over time"),
        _("Stacked columns: for each period, the recommendations made at the meetings held in it, by their current status."),
        labels,
        series,
        table_header=[_("Period"), *[s.name for s in series], _("Total")],
    )
    chart.table_rows = [[label, *[s.values[i] for s in series], sum(v.values())] for i, (label, v) in
                        enumerate(zip(labels, values))]
    return chart


def _share(counts):
    total = sum(counts.values())
    return round(100 * counts.get(Status.IMPLEMENTED.value, 0) / total, 1) if total else 0


def implemented_by(dimension, months):
    """The share implemented of the recommendations of each governorate, project, theme or
    organisation (the ``TOP`` with most recommendations), summed by the database."""
    rows = _breakdown_rows(dimension, months)
    model = {"governorate": Governorate, "project": Project, "theme": Theme, "organization": Organization}[dimension]
    objects = model.objects.filter(pk__in=[int(key) for key, _total, _done in rows]).only("pk", "name", "name_ar", "name_en")
    if dimension == "organization":
        objects = objects.filter(is_pending=False, is_published=True)
    names = {str(obj.pk): str(obj) for obj in objects}
    rows = [(key, total, done, round(100 * done / total, 1) if total else 0) for key, total, done in rows
            if key in names][:TOP]
    rows.sort(key=lambda row: (-row[3], names[row[0]]))
    titles = {
        "governorate": _("Share implemented by governorate"),
        "project": _("Share implemented by project"),
        "theme": _("Share implemented by theme"),
        "organization": _("Share implemented by addressee organisation"),
    }
    chart = Chart(
        f"implemented-by-{dimension}",
        titles[dimension],
        _("Horizontal bars: the percentage of recommendations whose current status is implemented; "
          "the table gives the numbers."),
        [names[key] for key, *_rest in rows],
        [Series(_("Implemented (%)"), STATUS_CSS[Status.IMPLEMENTED], [share for *_rest, share in rows])],
        table_header=[_("Name"), _("Recommendations"), _("Implemented"), _("Implemented (%)")],
        horizontal=True,
        percent=True,
    )
    chart.table_rows = [[names[key], total, done, share] for key, total, done, share in rows]
    return chart


# The scopes of the ``Tally`` rows (meetings/tallies.py) that count all time.
TALLY_SCOPES = {"organization": "addressee", "governorate": "governorate", "project": "project", "theme": "theme"}


def _breakdown_rows(dimension, months):
    """``[(key, total, implemented)]`` of the governorates, projects, ... with most
    recommendations (twice ``TOP``: some may not be public): for all time from the ``Tally``
    rows, for a period from the monthly rows; summed and ordered by the database."""
    implemented = Sum("count", filter=Q(status=Status.IMPLEMENTED.value))
    if months is None:
        found = Tally.objects.filter(subject=Tally.RECOMMENDATIONS, scope=TALLY_SCOPES[dimension])
    else:
        found = MonthlyTally.objects.filter(_in_period(MADE, months), scope=dimension)
    found = found.values("key").annotate(total=Sum("count"), done=implemented).order_by("-total", "key")
    return [(row["key"], row["total"], row["done"] or 0) for row in found[: TOP * 2]]


def delays(scope, key, months):
    """How long recommendations waited for their first approved update and for implementation."""
    histograms = {FIRST: Counter(), DONE: Counter()}
    if months is None:
        queryset = MonthlyTally.objects.filter(measure__in=[FIRST, DONE], month=ALL_TIME)
    else:
        queryset = MonthlyTally.objects.filter(_in_period(FIRST, months) | _in_period(DONE, months))
    queryset = queryset.filter(scope=scope, key=key)
    measures = {FIRST: FIRST, DONE: DONE, YEARLY[FIRST]: FIRST, YEARLY[DONE]: DONE}
    for measure, bucket, count in queryset.values_list("measure", "bucket").annotate(n=Sum("count")).order_by():
        histograms[measures[measure]][bucket] += count
    ranged = {measure: _ranges(histogram) for measure, histogram in histograms.items()}
    labels = [f"{label} {_('days')}" for _bound, label in DELAY_RANGES]
    series = [
        Series(_("To the first update"), "delay-first", ranged[FIRST]),
        Series(_("To implementation"), "delay-done", ranged[DONE]),
    ]
    medians = {measure: median_weeks(histogram) for measure, histogram in histograms.items()}
    chart = Chart(
        "delays",
        _("Time from recommendation to first update and to implementation"),
        _("Columns by number of days from the meeting: recommendations whose first approved update came that "
          "late, and implemented recommendations that took that long."),
        labels,
        series,
        table_header=[_("Days"), series[0].name, series[1].name],
        grouped=True,
    )
    chart.table_rows = [[label, a, b] for label, a, b in zip(labels, series[0].values, series[1].values)]
    return chart, medians


def _in_period(measure, months):
    """A ``Q`` of the rows of ``measure`` for the meetings of ``months`` (first, last; either
    None for open): the whole years in it from the yearly rows, the months at its ends from
    the monthly rows (a period of whole years, the usual date range, reads no monthly row)."""
    start, end = months
    monthly = Q(measure=measure, month__gt=ALL_TIME)
    first_year = int(start[:4]) + (start[5:] != "01") if start else None
    last_year = int(end[:4]) - (end[5:] != "12") if end else None
    if first_year is not None and last_year is not None and first_year > last_year:  # no whole year
        return monthly & Q(month__gte=start, month__lte=end)
    parts = [Q(measure=YEARLY[measure])]
    if first_year is not None:
        parts[0] &= Q(month__gte=f"{first_year:04d}")
        if first_year != int(start[:4]):  # the months before the first whole year
            parts.append(monthly & Q(month__gte=start, month__lte=f"{start[:4]}-12"))
    if last_year is not None:
        parts[0] &= Q(month__lte=f"{last_year:04d}")
        if last_year != int(end[:4]):  # the months after the last whole year
            parts.append(monthly & Q(month__gte=f"{end[:4]}-01", month__lte=end))
    return reduce(or_, parts)


def _ranges(histogram):
    values = [0] * len(DELAY_RANGES)
    for weeks, count in histogram.items():
        days = weeks * 7
        for index, (bound, _label) in enumerate(DELAY_RANGES):
            if bound is None or days <= bound:
                values[index] += count
                break
    return values


def _overdue_rows(rows, today):
    """``rows`` (of ``due``) that fell due before ``today``: the past years' yearly rows, this
    year's past months and this month's past days."""
    year, month = f"{today.year:04d}", month_of(today)
    return rows.filter(
        Q(measure=YEARLY[DUE], month__lt=year)
        | Q(measure=DUE, month__gte=f"{year}-01", month__lt=month)
        | Q(measure=DUE, month=month, bucket__lt=today.day)
    )


def overdue(scope, key, today=None):
    """Open recommendations past their due date, by the year they fell due (dates not applied)."""
    today = today or timezone.localdate()
    rows = _overdue_rows(MonthlyTally.objects.filter(scope=scope, key=key), today)
    by_year = dict(rows.values_list(Substr("month", 1, 4)).annotate(n=Sum("count")).order_by())
    labels = sorted(by_year)
    chart = Chart(
        "overdue",
        _("Overdue recommendations"),
        _("Columns by the year the recommendations fell due: those still open after their due date, today."),
        labels,
        [Series(_("Overdue"), "status-overdue", [by_year[label] for label in labels])],
        table_header=[_("Due in"), _("Overdue")],
    )
    chart.table_rows = [[label, by_year[label]] for label in labels]
    chart.total = sum(by_year.values())
    return chart


def attendance(scope, key, months):
    if scope == "theme":
        return None  # attendance belongs to meetings, themes to recommendations
    by_month = defaultdict(Counter)
    for month, sex, count in _rows(ATTENDANCE, scope, key, months or (None, None)).values_list("month", "status", "count"):
        by_month[month][sex] += count
    labels, values = _periods(by_month)
    names = {FEMALE: _("Women"), MALE: _("Men"), UNSPECIFIED: _("Not specified")}
    series = [Series(names[sex], f"sex-{sex}", [v[sex] for v in values]) for sex in (FEMALE, MALE, UNSPECIFIED)]
    chart = Chart(
        "participation-by-sex",
        _("Participation by sex over time"),
        _("Stacked columns: for each period, the people attending published meetings, women, men and not specified."),
        labels,
        series,
        table_header=[_("Period"), *[s.name for s in series], _("Women (%)")],
    )
    chart.table_rows = []
    for index, label in enumerate(labels):
        women, men, other = (s.values[index] for s in series)
        known = women + men
        chart.table_rows.append([label, women, men, other, round(100 * women / known, 1) if known else "–"])
    return chart


def statistics_charts(scope, key, months):
    """Every chart of the statistics page for one scope (``all`` or one dimension) and period."""
    charts = [status_over_time(scope, key, months)]
    if scope == "all":
        charts += [implemented_by(dimension, months) for dimension in ("organization", "governorate", "theme", "project")]
    delay_chart, medians = delays(scope, key, months)
    charts += [delay_chart, overdue(scope, key)]
    people = attendance(scope, key, months)
    if people is not None:
        charts.append(people)
    return charts, medians


# --- Organisation scorecards ---------------------------------------------------------------


def scorecard(organization):
    """What an organisation's page says of the recommendations addressed to it: by status,
    overdue, its response rate and median time to first update, beside the median of all
    organisations. Two queries (three when the medians of all are not cached)."""
    key = str(organization.pk)
    summary = Tally.objects.status_summary("addressee", key)
    total = sum(count for _status, count in summary)
    rows = MonthlyTally.objects.filter(scope="organization", key=key)
    first, overdue_total = _first_and_overdue(rows, (FIRST,))
    first = first[FIRST]
    answered = sum(first.values())
    return {
        "summary": summary,
        "total": total,
        "overdue": overdue_total,
        "response_rate": round(100 * answered / total) if total else None,
        "median_days": median_weeks(first),
        "all": organisation_medians(),
    }


BENCHMARK_SECONDS = 3600


def organisation_medians(refresh=False):
    """The median over organisations (with recommendations addressed to them) of their response
    rate and of their median days to a first update. Read from every organisation's all-time
    rows, so kept in the cache for an hour (``tallies.rebuild()`` refreshes it)."""
    found = None if refresh else cache.get(BENCHMARK_CACHE_KEY)
    if found is None:
        found = compute_organisation_medians()
        cache.set(BENCHMARK_CACHE_KEY, found, BENCHMARK_SECONDS)
    return found


def compute_organisation_medians():
    public = Organization.objects.published().annotate(text=Cast("pk", CharField())).values("text")
    made, first = Counter(), defaultdict(Counter)
    # One query: what was addressed to each (the Tally rows), and when it was first answered.
    addressed = (
        Tally.objects.filter(subject=Tally.RECOMMENDATIONS, scope="addressee", key__in=public)
        .annotate(measure=Value(MADE), bucket=Value(0))
        .values_list("measure", "key", "bucket", "count")
    )
    answered = MonthlyTally.objects.filter(
        measure=FIRST, scope="organization", month=ALL_TIME, key__in=public
    ).values_list("measure", "key", "bucket", "count")
    for measure, key, bucket, count in addressed.union(answered, all=True):
        if measure == MADE:
            made[key] += count
        else:
            first[key][bucket] += count
    rates = sorted(100 * sum(first[key].values()) / total for key, total in made.items() if total)
    days = sorted(value for value in (median_weeks(first[key]) for key in made) if value is not None)
    return {"response_rate": _median(rates), "median_days": _median(days), "organizations": len(rates)}


def _median(values):
    if not values:
        return None
    middle = len(values) // 2
    value = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return round(value)


def csv_rows(chart):
    return [chart.table_header, *chart.table_rows]


def _first_and_overdue(rows, measures):
    """From the rows of one scope and key, in one query: the all-time delay histograms of
    ``measures`` and how many recommendations are overdue today."""
    today = timezone.localdate()
    overdue_rows = _overdue_rows(rows, today).annotate(kind=Value(DUE), weeks=Value(0)).values("kind", "weeks")
    delays = rows.filter(measure__in=measures, month=ALL_TIME).annotate(kind=F("measure"), weeks=F("bucket"))
    delays = delays.values("kind", "weeks")
    histograms, overdue_total = {measure: Counter() for measure in measures}, 0
    union = overdue_rows.annotate(n=Sum("count")).union(delays.annotate(n=Sum("count")), all=True)
    for kind, weeks, count in union.values_list("kind", "weeks", "n"):
        if kind == DUE:
            overdue_total += count or 0
        else:
            histograms[kind][weeks] += count
    return histograms, overdue_total


def project_figures(project):
    """A project's follow-up figures for its report: meetings, overdue, median delays (two queries)."""
    key = str(project.pk)
    histograms, overdue_total = _first_and_overdue(MonthlyTally.objects.filter(scope="project", key=key), (FIRST, DONE))
    return {
        "meetings": Tally.objects.count_of(Tally.MEETINGS, "project", key),
        "overdue": overdue_total,
        "median_first": median_weeks(histograms[FIRST]),
        "median_done": median_weeks(histograms[DONE]),
    }
