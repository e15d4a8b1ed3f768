"""The search page's address: /search/ (and /en/search/), included from sanad/urls.py."""

from django.urls import path, re_path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    re_path(r"^search/export\.(?P<file_format>csv|xlsx|json)$", views.search_export, name="export"),
]
