"""The statistics page and its CSV files: charts of published records, from the summary rows
(meetings/figures.py), in a fixed number of queries whatever the amount of data."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..figures import csv_rows, statistics_charts
from ..filters import StatisticsFilterForm


def _charts(request):
    form = StatisticsFilterForm(request.GET)
    scope, key, chosen = form.scope()
    start, end = form.months()
    months = None if start is None and end is None else (start, end)
    charts, medians = statistics_charts(scope, key, months)
    return form, chosen, charts, medians


@require_safe
def statistics_page(request):
    form, chosen, charts, medians = _charts(request)
    query = form.url_without()
    for chart in charts:
        chart.csv_url = reverse("meetings:statistics_csv", kwargs={"chart": chart.slug}) + (query if query != "?" else "")
    return render(
        request,
        "meetings/statistics.html",
        {"section": "statistics", "form": form, "chosen": chosen, "charts": charts, "medians": medians},
    )


@require_safe
def statistics_csv(request, chart):
    _form, _chosen, charts, _medians = _charts(request)
    found = next((each for each in charts if each.slug == chart), None)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sanad-{found.slug}.csv"'
    response.write("\ufeff")  # spreadsheets then read the Arabic as UTF-8
    writer = csv.writer(response)
    writer.writerows(csv_rows(found))
    return response
