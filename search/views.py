"""The search page: one box, results of every public kind of record, the list pages' filters."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from .engine import search
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
