"""Filter forms of the public lists.

Each form reads the query string, validates it, and narrows a QuerySet through
the QuerySet's own filter methods. An invalid value never reaches the
database: the field is dropped, the others still apply, and the page explains
what was ignored. Every filter is an ordinary GET parameter, so a filtered list
is a shareable, stable URL.
"""

import html
import re
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils import formats
from django.forms.utils import flatatt
from django.utils.html import format_html, mark_safe
from django.utils.translation import get_language, gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, resolution_order

from . import lookup
from .models import Governorate, Meeting, Organization, Project, Recommendation, StakeholderGroup, Tag, Theme
from search.normalization import normalize
from .pagination import AFTER, BEFORE

# What a slug may look like (Unicode letters for Arabic slugs). Anything else is
# refused before the database sees it — a NUL byte would make PostgreSQL raise.
SLUG_RE = re.compile(r"[-\w]{1,200}")


class Select(forms.Select):
    """``forms.Select`` written out in Python: the same HTML, without rendering two templates
    per option (the filter panels' menus cost a few milliseconds on every list page)."""

    def render(self, name, value, attrs=None, renderer=None):
        # What Select.get_context() and its optgroups() work out, without a dict per option.
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        wanted = set(self.format_value(value))
        parts = [format_html("<select name=\"{}\"{}>", name, flatatt(final_attrs))]
        has_selected = False

        def option(option_value, option_label):
            # What format_html() would write, escaping as conditional_escape() does, without its
            # checks for lazy arguments (a hundred options and more on every list page).
            nonlocal has_selected
            value = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and value in wanted
            has_selected |= selected
            label = option_label.__html__() if hasattr(option_label, "__html__") else html.escape(str(option_label))
            return f'<option value="{html.escape(value)}"{" selected" if selected else ""}>{label}</option>'

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(format_html("<optgroup label=\"{}\">", group_value))
                parts += [option(*choice) for choice in group_label]
                parts.append("</optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every part went through format_html


class MenuIterator(forms.models.ModelChoiceIterator):
    """The menu's options from the columns they show, as tuples: the slug and the name in the
    reader's language, else in Arabic (modeltranslation's fallback, which ``str()`` of these
    models gives). Building a model instance per option cost about a tenth of a list page
    (134 menu options on the meetings list at national size); validation still reads
    whole rows through the field's queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        names = [build_localized_fieldname("name", code) for code in resolution_order(get_language())]
        # Without modeltranslation's rewriting, which would turn each row into dicts and back.
        for slug, *labels in self.queryset.rewrite(False).values_list("slug", *names).iterator():
            # modeltranslation falls back past None and the empty string alike.
            yield (slug, next((label for label in labels if label), ""))


class SlugChoiceField(forms.ModelChoiceField):
    """An optional choice of one object by its slug (its label: the object's name)."""

    widget = Select
    iterator = MenuIterator

    def __init__(self, queryset, *, label, empty_label, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset, to_field_name="slug", label=label, empty_label=empty_label, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not (isinstance(value, str) and SLUG_RE.fullmatch(value)):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class OrganizationInput(forms.TextInput):
    """A text box for an organisation's name, with an (initially empty) ``<datalist>`` of
    suggestions that static/js/lookup.js fills from the lookup endpoint as the reader types.
    Without JavaScript it is a plain text box: a typed name or acronym is still understood."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "auto", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    @staticmethod
    def list_id(attrs):
        return f"{attrs['id']}-suggestions" if attrs and attrs.get("id") else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = self.list_id(widget_attrs)
        if list_id:
            widget_attrs["list"] = list_id
            # Reversed when rendered, so that /en/ pages ask the English look-up.
            widget_attrs["data-lookup-url"] = reverse("meetings:organization_lookup")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = self.list_id(self.build_attrs(self.attrs, attrs))
        if not list_id:
            return html
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class OrganizationFilterField(forms.Field):
    """An optional choice of one published organisation, typed rather than picked from a menu
    (a menu of every organisation costs a query and half a megabyte of HTML per page).

    Accepted: a published organisation's slug (what links such as ``?organization=<slug>``
    carry), or its name or acronym in either language, whatever the case and Arabic spelling
    variants. Several organisations with that name: the reader is asked to choose among the
    suggestions, whose values are then slugs. The value is the Organization, as a
    ModelChoiceField's would be. One query when a value is given, none when it is empty;
    rendering costs nothing more (see meetings/lookup.py).
    """

    widget = OrganizationInput
    default_error_messages = {
        "invalid": _("Type the name of an organisation and choose it from the suggestions."),
        "unknown": _("No published organisation is called “%(name)s”. Choose one from the suggestions."),
        "ambiguous": _("Several organisations are called “%(name)s”. Choose one from the suggestions."),
    }
    # An over-long value is quoted back cut to this length.
    quoted_length = 80

    def __init__(self, *, label, placeholder=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(label=label, **kwargs)
        if placeholder:
            self.widget.attrs["placeholder"] = placeholder
        # (what was submitted, what the input shows for it) once a value resolved.
        self.shown = None

    def _quoted(self, text):
        return text if len(text) <= self.quoted_length else text[: self.quoted_length] + "…"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = lookup.clean_text(value)
        if text is None or len(text) > lookup.MAX_NAME_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not text:
            return None
        slug = text if SLUG_RE.fullmatch(text) else None
        params = {"name": self._quoted(text)}
        if not slug and not normalize(text):
            # Punctuation only: no name to look for.
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params=params)
        candidates = lookup.organization_candidates(text, slug=slug)
        found = lookup.choose(text, candidates, slug=slug)
        if not found:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params=params)
        if len(found) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous", params=params)
        organization = found[0]
        self.shown = (value, lookup.displayed_value(organization, candidates))
        return organization

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.name
        if self.shown and value == self.shown[0]:
            return self.shown[1]
        return value


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

    # Filters whose counts are kept in summary rows (meetings/tallies.py): field -> scope.
    tally_scopes = {}

    def tally_scope(self, *, exclude=()):
        """``(scope, key)`` of the summary rows that count what the filters (but ``exclude``)
        select — ``("all", "")`` without filters — or None when no row counts that
        combination (and the records must be counted)."""
        applied = {name: value for name, value in self.valid_data.items() if name not in exclude}
        if not applied:
            return ("all", "")
        if len(applied) > 1:
            return None
        (name, value), = applied.items()
        if name not in self.tally_scopes:
            return None
        return (self.tally_scopes[name], str(getattr(value, "pk", value)))

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
    tally_scopes = {
        "governorate": "governorate",
        "project": "project",
        "organization": "organization",
        "group": "group",
        "kind": "kind",
        "tag": "tag",
    }

    governorate = SlugChoiceField(
        Governorate.objects.all(), label=_("Governorate"), empty_label=_("All governorates")
    )
    project = SlugChoiceField(Project.objects.published(), label=_("Project"), empty_label=_("All projects"))
    organization = OrganizationFilterField(label=_("Organisation"), placeholder=_("All organisations"))
    group = SlugChoiceField(
        StakeholderGroup.objects.all(), label=_("Stakeholder group"), empty_label=_("All stakeholder groups")
    )
    kind = forms.ChoiceField(
        widget=Select,
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
    tally_scopes = {
        "theme": "theme",
        "kind": "kind",
        "addressee": "addressee",
        "governorate": "governorate",
        "project": "project",
    }

    status = forms.ChoiceField(
        widget=Select,
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Recommendation.Status.choices]
    )
    theme = SlugChoiceField(Theme.objects.published(), label=_("Theme"), empty_label=_("All themes"))
    kind = forms.ChoiceField(
        widget=Select,
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Recommendation.Kind.choices]
    )
    addressee = OrganizationFilterField(label=_("Addressed to"), placeholder=_("All organisations"))
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


class StatisticsFilterForm(FilterForm):
    """The statistics page's filters: one of governorate, project, theme or organisation (the
    summary rows count each alone; meetings/statistics.py), and a range of whole months."""

    dimensions = ("governorate", "project", "theme", "organization")

    governorate = SlugChoiceField(
        Governorate.objects.all(), label=_("Governorate"), empty_label=_("All governorates")
    )
    project = SlugChoiceField(Project.objects.published(), label=_("Project"), empty_label=_("All projects"))
    theme = SlugChoiceField(Theme.objects.published(), label=_("Theme"), empty_label=_("All themes"))
    organization = OrganizationFilterField(label=_("Organisation"), placeholder=_("All organisations"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in self.dimensions if cleaned.get(name)]
        for name in chosen[1:]:
            self.add_error(
                name, _("Choose one of governorate, project, theme or organisation: the statistics combine one of them with the dates.")
            )
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def scope(self):
        """``(scope, key, object)`` of the chosen dimension; ``("all", "", None)`` without one."""
        data = self.valid_data
        for name in self.dimensions:
            if name in data:
                return name, str(data[name].pk), data[name]
        return "all", "", None

    def months(self):
        """The first and last month (``YYYY-MM``) of the chosen dates, either may be None."""
        from .statistics import month_of

        data = self.valid_data
        return tuple(month_of(data[name]) if name in data else None for name in ("date_from", "date_to"))


class OrganizationFilterForm(FilterForm):
    """The organisations' export: all of them, or those of one governorate (its page's list)."""

    filters = {"governorate": "in_governorate"}

    governorate = SlugChoiceField(
        Governorate.objects.all(), label=_("Governorate"), empty_label=_("All governorates")
    )
