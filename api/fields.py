"""Fields shared by the API's serializers: both languages side by side, choice labels,
links to the portal's pages, and references to related records."""

from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)  # ("ar", "en"): Arabic first, always filled

TRANSLATED = inline_serializer(
    "Translated",
    {
        "ar": serializers.CharField(help_text="Arabic (the required language; may be empty for optional fields)."),
        "en": serializers.CharField(allow_null=True, help_text="English, or null when there is no English text."),
    },
)
LINKS = inline_serializer(
    "PageLinks",
    {
        "ar": serializers.URLField(help_text="The portal's page in Arabic."),
        "en": serializers.URLField(help_text="The portal's page in English."),
    },
)


def both_languages(instance, field):
    """``{"ar": ..., "en": ...}`` of a translated field: the stored values, never a fallback
    (an English text missing is ``null``, not the Arabic one)."""
    arabic = getattr(instance, f"{field}_ar", None) or ""
    return {"ar": arabic, "en": getattr(instance, f"{field}_en", None) or None}


@lru_cache(maxsize=None)
def choice_labels(choices):
    """``{value: {"ar": label, "en": label}}`` of a TextChoices class (computed once per class)."""
    labels = {}
    for value, label in choices.choices:
        labels[value] = {}
        for language in LANGUAGES:
            with translation.override(language):
                labels[value][language] = str(label)
    return labels


def page_links(request, view_name, **kwargs):
    """The absolute addresses of a portal page in each language (Arabic has no prefix)."""
    links = {}
    for language in LANGUAGES:
        with translation.override(language):
            path = reverse(view_name, kwargs=kwargs)
        links[language] = request.build_absolute_uri(path) if request is not None else path
    return links


@extend_schema_field(TRANSLATED)
class TranslatedField(serializers.Field):
    """A modeltranslation field in both languages: ``{"ar": "...", "en": "..." | null}``."""

    def __init__(self, field=None, **kwargs):
        self.translated = field
        super().__init__(source="*", read_only=True, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.translated = self.translated or field_name

    def to_representation(self, instance):
        return both_languages(instance, self.translated)


@extend_schema_field(TRANSLATED)
class ChoiceLabelField(serializers.Field):
    """The label of a choice field's value in both languages."""

    def __init__(self, choices, field, **kwargs):
        self.choices_class, self.choice_field = choices, field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.choice_field)
        return choice_labels(self.choices_class).get(value, {"ar": value, "en": value})


@extend_schema_field(LINKS)
class PageLinksField(serializers.Field):
    """The record's page on the portal, in Arabic and in English."""

    def __init__(self, view_name, lookup="pk", url_kwarg=None, **kwargs):
        self.view_name, self.lookup, self.url_kwarg = view_name, lookup, url_kwarg or lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return page_links(self.context.get("request"), self.view_name, **{self.url_kwarg: getattr(instance, self.lookup)})


@extend_schema_field(OpenApiTypes.URI)
class ApiLinkField(serializers.HyperlinkedIdentityField):
    """The record's own address in the API."""

    def __init__(self, view_name, **kwargs):
        super().__init__(view_name=view_name, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^[0-2][0-9]:[0-5][0-9]$", "example": "10:00", "nullable": True,
                      "description": "Local time (the site's time zone), HH:MM; null when unknown."})
class LocalTimeField(serializers.TimeField):
    """A meeting's local time as ``HH:MM``: OpenAPI's ``format: time`` demands a UTC offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", allow_null=True, **kwargs)
