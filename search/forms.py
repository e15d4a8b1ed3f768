"""The search page's form: the query, the kind of record, and the filters of the public lists.

It is a :class:`~meetings.filters.FilterForm`: values are validated the same way (a
slug must name a published project or organisation, a date must be a date), an
invalid one is dropped and reported, and the others still apply. The filters reach
the records through the same QuerySet methods as the list pages (search/engine.py).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.filters import ActiveFilter, DateInput, FilterForm, OrganizationFilterField, Select, SlugChoiceField
from meetings.models import Governorate, Project, Recommendation
from .engine import KINDS, MAX_PAGE

# Longer input is cut (query_terms reads at most 200 characters anyway): a pasted page
# of text is searched by its first words rather than refused.
MAX_INPUT_LENGTH = 1000


class SearchForm(FilterForm):
    page_params = ("page",)
    query_fields = ("q", "kind")

    q = forms.CharField(label=_("Search for"), required=False)
    kind = forms.ChoiceField(
        widget=Select,
        label=_("Show"),
        required=False,
        choices=[("", _("All results")), *((kind.name, kind.label) for kind in KINDS.values())],
    )
    governorate = SlugChoiceField(Governorate.objects.all(), label=_("Governorate"), empty_label=_("All governorates"))
    project = SlugChoiceField(Project.objects.published(), label=_("Project"), empty_label=_("All projects"))
    organization = OrganizationFilterField(label=_("Organisation"), placeholder=_("All organisations"))
    status = forms.ChoiceField(
        widget=Select,
        label=_("Recommendation status"),
        required=False,
        choices=[("", _("All statuses")), *Recommendation.Status.choices],
    )
    date_from = forms.DateField(label=_("Meetings from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Meetings until"), required=False, widget=DateInput())

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs.update({"dir": "auto", "autocomplete": "off"})
        self.fields["q"].widget.input_type = "search"

    def clean_q(self):
        return " ".join((self.cleaned_data.get("q") or "")[:MAX_INPUT_LENGTH].split())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    @property
    def query(self):
        return self.valid_data.get("q", "")

    @property
    def chosen_kind(self):
        return self.valid_data.get("kind") or None

    @property
    def filter_values(self):
        """The validated filters, by name (the query and the kind left out)."""
        return {name: value for name, value in self.valid_data.items() if name not in self.query_fields}

    @property
    def visible_filter_fields(self):
        return [self[name] for name in self.fields if name not in self.query_fields]

    def active_filters(self):
        """Each applied filter with a link to the same search without it (the query stays)."""
        return [
            ActiveFilter(str(self.fields[name].label), self.display_value(name, value), self.url_without(name))
            for name, value in self.filter_values.items()
        ]

    @property
    def clear_url(self):
        return self.url_without(*(name for name in self.fields if name not in self.query_fields))

    def page_number(self):
        """The page asked for, as a number from 1 to MAX_PAGE; 1 for anything else."""
        try:
            page = int(self.data.get("page", 1))
        except (TypeError, ValueError):
            return 1
        return page if 1 <= page <= MAX_PAGE else 1
