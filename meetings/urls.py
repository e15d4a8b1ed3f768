"""Public URLs of the portal (mounted under i18n_patterns: Arabic at /, English at /en/)."""

from django.urls import path, register_converter

from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "meetings"

urlpatterns = [
]
