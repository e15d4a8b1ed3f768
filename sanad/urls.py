from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

# Arabic, the default language, has no prefix (/meetings/…); English lives
# under /en/ so that every page has one stable, shareable URL per language.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
    prefix_default_language=False,
)
