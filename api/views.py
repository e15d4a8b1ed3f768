"""The API's endpoints: thin, read-only views over the ``published()`` QuerySets.

Each list starts from the same QuerySet as its page (and the same filter form), each
detail from the same QuerySet as the record's page, so that nothing the pages would
refuse can be reached here by changing an id. Every response carries an ETag (a
conditional GET with ``If-None-Match`` answers 304) and headers that let any web page
read it (CORS, read-only).
"""

from django.db.models import OuterRef, Prefetch
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import routers, viewsets
from rest_framework.response import Response

from meetings.filters import MeetingFilterForm, RecommendationFilterForm
from meetings.models import (
    Governorate,
    Meeting,
    Organization,
    Person,
    Position,
    Project,
    Recommendation,
    Tag,
    Theme,
)
from meetings.models.base import count_subquery
from meetings.pagination import Key
from meetings.views.public import MEETING_KEYS, RECOMMENDATION_KEYS

from . import ocd, popolo, serializers
from .docs import SchemaJsonView
from .errors import ERROR
from .filters import OrganizationFilterForm, filtered, parameters

BY_ID = (Key("pk", descending=False),)
CACHE_SECONDS = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After",
    "Access-Control-Max-Age": "86400",
}
ERRORS = {
    400: OpenApiResponse(ERROR, description="A parameter's value is not valid."),
    429: OpenApiResponse(ERROR, description="Too many requests: wait for Retry-After seconds."),
}
NOT_FOUND = {404: OpenApiResponse(ERROR, description="No published record has this id."),
             429: ERRORS[429]}


class PublicApiMixin:
    """ETags, conditional GET, caching and CORS headers for every API response."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        set_response_etag(response)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        if conditional is not response:
            for name, value in CORS_HEADERS.items():
                conditional[name] = value
            conditional["Cache-Control"] = response["Cache-Control"]
        return conditional


class PublicViewSet(PublicApiMixin, viewsets.ReadOnlyModelViewSet):
    """A list (cursor-paginated, filtered like its page) and a detail by id."""

    keys = BY_ID
    filter_form = None
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def list_queryset(self):
        raise NotImplementedError

    def detail_queryset(self):
        return self.list_queryset()

    def get_queryset(self):
        return self.detail_queryset() if self.action == "retrieve" else self.list_queryset()

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        if self.filter_form is not None:
            queryset = filtered(self.filter_form, request, queryset)
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def documented(name, plural, form=None, description=""):
    """The OpenAPI description of a view set's list and detail endpoints."""

    def decorate(cls):
        detail = cls.detail_serializer_class or cls.serializer_class
        return extend_schema_view(
            list=extend_schema(summary=f"List {plural}", description=description,
                               parameters=parameters(form) if form else None,
                               responses={200: cls.serializer_class(many=True), **ERRORS}),
            retrieve=extend_schema(summary=f"One {name}", description=description,
                                   responses={200: detail, **NOT_FOUND}),
        )(cls)

    return decorate


@documented("meeting", "published meetings", MeetingFilterForm,
            "Newest first (date, then id), as on the meetings page, with its filters.")
class MeetingViewSet(PublicViewSet):
    serializer_class = serializers.MeetingSerializer
    detail_serializer_class = serializers.MeetingDetailSerializer
    filter_form = MeetingFilterForm
    keys = MEETING_KEYS

    def list_queryset(self):
        return Meeting.objects.published().for_listing()

    def detail_queryset(self):
        return Meeting.objects.published().for_detail().annotate(
            recommendation_count=count_subquery(Recommendation.objects.filter(meeting=OuterRef("pk")))
        )


@documented("recommendation", "recommendations of published meetings", RecommendationFilterForm,
            "Those of the latest meetings first, in their order within the meeting; with the "
            "recommendations page's filters. The detail adds the follow-up timeline (approved updates only).")
class RecommendationViewSet(PublicViewSet):
    serializer_class = serializers.RecommendationSerializer
    detail_serializer_class = serializers.RecommendationDetailSerializer
    filter_form = RecommendationFilterForm
    keys = RECOMMENDATION_KEYS

    def list_queryset(self):
        return Recommendation.objects.published().for_listing()

    def detail_queryset(self):
        return Recommendation.objects.published().for_detail()


@documented("organisation", "public organisations", OrganizationFilterForm,
            "Organisations that appear in a published record (never one awaiting confirmation), by id.")
class OrganizationViewSet(PublicViewSet):
    serializer_class = serializers.OrganizationSerializer

    def list_queryset(self):
        return Organization.objects.published().with_published_counts().select_related("governorate", "parent")


@documented("project", "projects of published meetings")
class ProjectViewSet(PublicViewSet):
    serializer_class = serializers.ProjectSerializer

    def list_queryset(self):
        return Project.objects.published().with_published_meeting_counts().prefetch_related("implementers", "donors")


@documented("governorate", "governorates", description="All of Yemen's governorates (public reference data), by id.")
class GovernorateViewSet(PublicViewSet):
    serializer_class = serializers.GovernorateSerializer

    def list_queryset(self):
        return Governorate.objects.with_published_meeting_counts()


@documented("theme", "themes of published recommendations")
class ThemeViewSet(PublicViewSet):
    serializer_class = serializers.ThemeSerializer

    def list_queryset(self):
        return Theme.objects.published()


@documented("tag", "tags of published meetings")
class TagViewSet(PublicViewSet):
    serializer_class = serializers.TagSerializer

    def list_queryset(self):
        return Tag.objects.published()


@documented("person", "public people",
            description="People marked public who took part in a published meeting, with the posts they held "
                        "there. Protected people are never listed, nor reachable by id.")
class PersonViewSet(PublicViewSet):
    serializer_class = serializers.PersonSerializer

    def list_queryset(self):
        posts = Position.objects.published().select_related("organization").order_by("-start_date", "pk")
        return Person.objects.published().prefetch_related(Prefetch("positions", queryset=posts, to_attr="public_posts"))


# --- Popolo and Open Civic Data (api/popolo.py, api/ocd.py) -------------------------------


def standard(name, plural, description, form=None):
    return documented(name, plural, form, description)


def public_posts():
    return Position.objects.published().select_related("organization")


@standard("Popolo person", "public people as Popolo persons", "Public people only (docs/api.md).")
class PopoloPersonViewSet(PublicViewSet):
    serializer_class = popolo.PopoloPersonSerializer

    def list_queryset(self):
        return Person.objects.published()


@standard("Popolo organization", "public organisations as Popolo organizations", "See docs/api.md.")
class PopoloOrganizationViewSet(PublicViewSet):
    serializer_class = popolo.PopoloOrganizationSerializer

    def list_queryset(self):
        return Organization.objects.published().select_related("governorate", "parent")


@standard("Popolo post", "posts of public people as Popolo posts", "Posts held at published meetings.")
class PopoloPostViewSet(PublicViewSet):
    serializer_class = popolo.PopoloPostSerializer

    def list_queryset(self):
        return public_posts()


@standard("Popolo membership", "public people's posts as Popolo memberships", "One per post (docs/api.md).")
class PopoloMembershipViewSet(PublicViewSet):
    serializer_class = popolo.PopoloMembershipSerializer

    def list_queryset(self):
        return public_posts()


@standard("Open Civic Data event", "published meetings as Open Civic Data events",
          "Newest first, with the meetings list's filters; see docs/api.md.", MeetingFilterForm)
class OcdEventViewSet(PublicViewSet):
    serializer_class = ocd.OcdEventSerializer
    keys = MEETING_KEYS
    filter_form = MeetingFilterForm

    def list_queryset(self):
        return Meeting.objects.published().for_detail().prefetch_related("recommendations__theme")


class ApiRootView(PublicApiMixin, routers.APIRootView):
    """The API's entry point: the address of each list."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        return Response({**response.data, **self.extra_links(request)})

    @staticmethod
    def extra_links(request):
        from django.urls import reverse

        names = ("schema", "docs", "popolo-person-list", "popolo-organization-list", "popolo-post-list",
                 "popolo-membership-list", "ocd-event-list")
        return {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in names}


class SchemaView(PublicApiMixin, SchemaJsonView):
    """/api/v1/schema/: the OpenAPI schema, with the same ETag and CORS headers as the data."""
