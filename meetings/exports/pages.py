"""What every export view answers besides the file: its source address, and the refusal page."""

from django.shortcuts import render
from django.urls import reverse

from ..absolute_urls import absolute_url


def source_url(request, url_name, form):
    return absolute_url(reverse(url_name) + form.url_without(), request).rstrip("?")


def refused(request, form, back_url, message=None, open_data_url=None, *, status=400, retry_after=None):
    """The page that says why a download was refused (nothing was read), with ``status``;
    ``retry_after`` (seconds) when trying again later will succeed."""
    response = render(
        request,
        "meetings/export_error.html",
        {"form": form, "back_url": back_url, "message": message, "open_data_url": open_data_url},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
