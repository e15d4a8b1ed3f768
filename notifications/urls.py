"""Public URLs of the e-mail subscriptions (mounted under i18n_patterns)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("follow/<str:kind>/<str:key>/", views.follow, name="follow"),
    path("subscriptions/<str:token>/confirm/", views.confirm, name="confirm"),
    path("subscriptions/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("subscriptions/<str:token>/resume/", views.resume, name="resume"),
]
