"""The search page's address: /search/ (and /en/search/), included from sanad/urls.py."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
