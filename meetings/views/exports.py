"""Downloads of the public lists and of the whole dataset (the work is in meetings/exports/).

Each list export reads the list's own filter form, so a file holds exactly what the page
shows; a filter the page would ignore (with a message) refuses the export with the same
message, since a file silently wider than asked would mislead.
"""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from ..absolute_urls import absolute_url
from ..exports import export_response
from ..exports.pages import refused, source_url
from ..exports.dataset import dataset_info, dataset_path
from ..filters import MeetingFilterForm, OrganizationFilterForm, RecommendationFilterForm
from ..models import Meeting, Organization, Recommendation

LISTS = {
    "meetings": (MeetingFilterForm, Meeting.objects.published, "meetings:meeting_list"),
    "recommendations": (RecommendationFilterForm, Recommendation.objects.published, "meetings:recommendation_list"),
    "organizations": (OrganizationFilterForm, Organization.objects.published, "meetings:organization_list"),
}


def _list_export(request, kind, file_format):
    form_class, published, url_name = LISTS[kind]
    form = form_class(request.GET)
    form.is_valid()
    if form.errors:
        return refused(request, form, reverse(url_name) + form.url_without().rstrip("?"))
    return export_response(
        request, kind, form.apply(published()), file_format, form=form, source=source_url(request, url_name, form)
    )


@require_safe
def meeting_export(request, file_format):
    return _list_export(request, "meetings", file_format)


@require_safe
def recommendation_export(request, file_format):
    return _list_export(request, "recommendations", file_format)


@require_safe
def organization_export(request, file_format):
    return _list_export(request, "organizations", file_format)


@require_safe
@cache_control(no_cache=True)
def open_data(request):
    """Says when the dataset was built, or that it waits for a rebuild: not kept by the page cache
    (a rebuild writes no row that would invalidate it); one file read and three statements."""
    return render(request, "meetings/open_data.html", {"section": "open_data", "dataset": dataset_info()})


@require_safe
def dataset_download(request):
    """The zip built by ``manage.py build_dataset`` (404 until it has been built once, and while a
    record it holds has been withdrawn from the site since)."""
    path = dataset_path()
    info = dataset_info()
    if info is None or info["withdrawn"]:
        raise Http404("The dataset has not been built yet, or waits for a rebuild.")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404("The dataset has not been built yet.") from None
    response = FileResponse(handle, as_attachment=True, filename=path.name, content_type="application/zip")
    response["X-Robots-Tag"] = "noindex"
    return response
