"""The API's addresses, mounted at /api/ outside the language prefixes (docs/api.md)."""

from django.urls import include, path
from rest_framework import routers

from . import views
from .docs import DocsView

app_name = "api"


class Router(routers.DefaultRouter):
    APIRootView = views.ApiRootView


router = Router()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("governorates", views.GovernorateViewSet, basename="governorate")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("tags", views.TagViewSet, basename="tag")
router.register("people", views.PersonViewSet, basename="person")
router.register("popolo/persons", views.PopoloPersonViewSet, basename="popolo-person")
router.register("popolo/organizations", views.PopoloOrganizationViewSet, basename="popolo-organization")
router.register("popolo/posts", views.PopoloPostViewSet, basename="popolo-post")
router.register("popolo/memberships", views.PopoloMembershipViewSet, basename="popolo-membership")
router.register("ocd/events", views.OcdEventViewSet, basename="ocd-event")

urlpatterns = [
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
]
