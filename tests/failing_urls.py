"""The site's URLconf plus a page that fails, to see the 500 page in each language."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from sanad.urls import handler404, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def failing_view(request):
    raise RuntimeError("A deliberate failure for the 500 page test.")


urlpatterns = [
    *i18n_patterns(path("boom/", failing_view), prefix_default_language=False),
    *site_urlpatterns,
]
