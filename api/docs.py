"""The browsable documentation at /api/v1/docs/: Swagger UI from our own static files
(drf-spectacular-sidecar), its start-up script served by the same view (``?script``),
so the page runs under the site's strict Content-Security-Policy (no inline code)."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    title = "Sanad API"


class SchemaJsonView(SpectacularAPIView):
    """The OpenAPI 3 schema, JSON by default (YAML with ``Accept: application/yaml``)."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
