"""Filter forms of the public lists.

Each form reads the query string, validates it, and narrows a QuerySet through
the QuerySet's own filter methods. An invalid value never reaches the
database: the field is dropped, the others still apply, and the page explains
what was ignored. Every filter is an ordinary GET parameter, so a filtered list
is a shareable, stable URL.
"""

import re
from dataclasses import dataclass

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import Governorate, Meeting, Organization, Project, Recommendation, StakeholderGroup, Tag, Theme
from .pagination import AFTER, BEFORE

# What a slug may look like (Unicode letters for Arabic slugs). Anything else is
# refused before the database sees it — a NUL byte would make PostgreSQL raise.
SLUG_RE = re.compile(r"[-\w]{1,200}")


class SlugChoiceField(forms.ModelChoiceField):
    """An optional choice of one object by its slug."""

    def __init__(self, queryset, *, label, empty_label, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset, to_field_name="slug", label=label, empty_label=empty_label, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not (isinstance(value, str) and SLUG_RE.fullmatch(value)):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_url: str


class FilterForm(forms.Form):
    """Base for the public filter forms.

    ``filters`` maps a field name to the QuerySet method that applies it.
    """

    filters = {}
    # Parameters that belong to the page rather than to the filters: a change of
    # filter starts again from the first page.
    page_params = (AFTER, BEFORE)

    def __init__(self, data, **kwargs):
        # Always bound, so that an empty query string is simply "no filters".
        super().__init__(data, **kwargs)

    @property
    def valid_data(self):
        """The values that passed validation; invalid ones are left out (and reported)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def apply(self, queryset, *, exclude=()):
        for name, value in self.valid_data.items():
            if name in self.filters and name not in exclude:
                queryset = getattr(queryset, self.filters[name])(value)
        return queryset

    def display_value(self, name, value):
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            return str(dict(field.choices).get(value, value))
        if isinstance(field, forms.DateField):
            return formats.date_format(value)
        return str(value)

    def url_without(self, *names):
        """This page's query string without the given parameters (and without the page cursor)."""
        query = self.data.copy()
        for name in (*names, *self.page_params):
            query.pop(name, None)
        for name in list(query):
            if not any(query.getlist(name)):
                query.pop(name)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    def active_filters(self):
        """Each applied filter, with a link to the same list without it."""
        return [
            ActiveFilter(str(self.fields[name].label), self.display_value(name, value), self.url_without(name))
            for name, value in self.valid_data.items()
        ]

    @property
    def clear_url(self):
        return self.url_without(*self.fields)

    @property
    def visible_filter_fields(self):
        return [field for field in self if not field.is_hidden]

    @property
    def active_hidden_fields(self):
        """Hidden filters (set by a link, e.g. a tag) are resubmitted only when they hold a value."""
        return [field for field in self if field.is_hidden and field.value()]


class MeetingFilterForm(FilterForm):
    filters = {
        "governorate": "in_governorate",
        "project": "in_project",
        "organization": "with_organization",
        "group": "with_stakeholder_group",
        "kind": "of_kind",
        "tag": "with_tag",
    }

    governorate = SlugChoiceField(
        Governorate.objects.all(), label=_("Governorate"), empty_label=_("All governorates")
    )
    project = SlugChoiceField(Project.objects.published(), label=_("Project"), empty_label=_("All projects"))
    organization = SlugChoiceField(
        Organization.objects.published(), label=_("Organisation"), empty_label=_("All organisations")
    )
    group = SlugChoiceField(
        StakeholderGroup.objects.all(), label=_("Stakeholder group"), empty_label=_("All stakeholder groups")
    )
    kind = forms.ChoiceField(
        label=_("Kind of meeting"), required=False, choices=[("", _("All kinds")), *Meeting.Kind.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    # Set by the links of a tag page; not a control of its own.
    tag = SlugChoiceField(Tag.objects.published(), label=_("Tag"), empty_label=None, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def apply(self, queryset, *, exclude=()):
        data = self.valid_data
        return super().apply(queryset, exclude=exclude).between(data.get("date_from"), data.get("date_to"))


class RecommendationFilterForm(FilterForm):
    filters = {
        "status": "with_status",
        "theme": "about",
        "kind": "of_kind",
        "addressee": "addressed_to",
        "governorate": "in_governorate",
        "project": "in_project",
    }

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Recommendation.Status.choices]
    )
    theme = SlugChoiceField(Theme.objects.published(), label=_("Theme"), empty_label=_("All themes"))
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Recommendation.Kind.choices]
    )
    addressee = SlugChoiceField(
        Organization.objects.published(), label=_("Addressed to"), empty_label=_("All organisations")
    )
    governorate = SlugChoiceField(
        Governorate.objects.all(), label=_("Governorate"), empty_label=_("All governorates")
    )
    project = SlugChoiceField(Project.objects.published(), label=_("Project"), empty_label=_("All projects"))

    def status_links(self, summary):
        """The status summary bar: each status with its count and a link that filters by it."""
        current = self.valid_data.get("status")
        base = self.url_without("status")
        joiner = "&" if base != "?" else ""
        return [
            {
                "status": status,
                "count": count,
                "url": f"{base}{joiner}status={status.value}",
                "current": status.value == current,
            }
            for status, count in summary
        ]
