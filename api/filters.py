"""The list endpoints' filters: the list pages' own filter forms (meetings/filters.py).

The same parameters, validated by the same fields and applied by the same QuerySet
methods as on the pages. Where a page drops an invalid value and says so, the API
answers 400 with the message in both languages: a client must not mistake an ignored
filter for an empty result."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from meetings.filters import FilterForm, SlugChoiceField
from meetings.models import Governorate, Organization

from .errors import BadRequest
from .fields import LANGUAGES


class OrganizationFilterForm(FilterForm):
    """The organisations' list page has no filters; the API offers the two its headings imply."""

    filters = {"governorate": "in_governorate"}

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", ""), *Organization.Kind.choices])
    governorate = SlugChoiceField(Governorate.objects.all(), label=_("Governorate"), empty_label=None)

    def apply(self, queryset, *, exclude=()):
        kind = self.valid_data.get("kind")
        queryset = super().apply(queryset, exclude=exclude)
        return queryset.filter(kind=kind) if kind else queryset


def filtered(form_class, request, queryset):
    """``queryset`` narrowed by the request's filters; 400 (both languages) for an invalid one."""
    form = form_class(request.query_params)
    if not form.is_valid():
        errors = {}
        for name in form.errors:
            errors[name] = {}
            for language in LANGUAGES:
                with translation.override(language):
                    errors[name][language] = " ".join(error["message"] for error in form.errors.get_json_data()[name])
        raise BadRequest(_("A filter's value is not valid: see errors."), errors=errors)
    return form.apply(queryset)


def parameters(form_class):
    """OpenAPI query parameters for the form's fields (slugs, choices, dates)."""
    result = []
    for name, field in form_class.base_fields.items():
        kind, enum = OpenApiTypes.STR, None
        if isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            enum = [value for value, _label in field.choices if value]
        with translation.override("en"):
            description = str(field.label)
        if isinstance(field, SlugChoiceField):
            description += " (slug)"
        elif isinstance(field, forms.ModelChoiceField) or name in ("organization", "addressee"):
            description += " (slug, or name or acronym in either language)"
        result.append(OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, enum=enum,
                                       description=description))
    return result
