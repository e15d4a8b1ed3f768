"""The search page: one box, results of every public kind of record, the list pages' filters."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from meetings.exports import export_response
from meetings.exports.pages import refused, source_url

from .engine import search
from .exports import search_rows
from .forms import SearchForm


@require_safe
def search_page(request):
    form = SearchForm(request.GET)
    results = search(
        form.query,
        language=get_language(),
        kind=form.chosen_kind,
        filters=form.filter_values,
        page=form.page_number(),
    )
    return render(
        request,
        "search/search.html",
        {
            "section": "search",
            "form": form,
            "results": results,
            "query": form.query,
        },
    )


@require_safe
def search_export(request, file_format):
    """The records of one kind that a search finds (the search page links here per kind)."""
    form = SearchForm(request.GET)
    form.is_valid()
    back_url = reverse("search:search") + form.url_without().rstrip("?")
    if form.errors:
        return refused(request, form, back_url)
    rows = search_rows(form.query, form.chosen_kind, form.filter_values, get_language())
    if rows is None:
        message = _(
            "Choose the kind of records to download (meetings, recommendations, organisations or people) "
            "with filters that apply to it."
        )
        return refused(request, form, back_url, message)
    return export_response(
        request, form.chosen_kind, rows, file_format, form=form, source=source_url(request, "search:search", form)
    )
