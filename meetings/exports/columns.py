"""What each kind of record exports: its public rows and its columns.

The rows always start from the ``published()`` QuerySet methods (the one rule of what the
public may see); names of related records are joined in the same query and only when the
related record is public too (``Organization.objects.published()``, approved follow-up).
A column's ``value(row, language)`` is what a reader of that language sees; the whole-dataset
download writes translated columns once per language and choices as their stored codes.

A column names what it reads (``reads``: a field, an annotation, or ``relation.field``), so
the writers fetch exactly those values (``values_list``) and hand the columns light rows read
like model instances (``row_builder``): building three or four model instances per row was a
third of an export's time.
"""

from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.db.models import Case, F, OuterRef, Subquery, When
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _

from ..hijri import hijri_text
from ..models import (
    Governorate,
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Project,
    Recommendation,
    RecommendationUpdate,
)
from ..models.base import count_subquery
from ..models.organizations import published_condition
from ..models.searchable import SEARCH_COLUMNS
from .sql import joined_names

TEXT, NUMBER, DATE, URL = "text", "number", "date", "url"
LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    value: Callable  # (row, language) -> what a reader of that language sees
    type: str = TEXT
    translated: bool = False  # the dataset writes one column per language: key_ar, key_en
    code: Callable = None  # the dataset writes this (a choice's stored code) instead
    link: tuple = None  # (URL name, attribute): the address of the row's page
    reads: tuple = ()  # what value() reads on the row: "field", "annotation" or "relation.field"


# Stands for the pk or slug in a reversed address, replaced in each row.
PLACEHOLDER = "0123456789"


def cell_readers(columns, language, root=""):
    """For each column, a function of the row giving its value to a reader of ``language``
    (call under ``translation.override(language)``: the addresses are reversed here)."""
    readers = []
    for column in columns:
        if column.link:
            url_name, lookup = column.link
            template = root + reverse(url_name, kwargs={lookup: PLACEHOLDER})
            readers.append(
                lambda row, template=template, lookup=lookup: template.replace(
                    PLACEHOLDER, iri_to_uri(str(getattr(row, lookup)))
                )
            )
        else:
            readers.append(lambda row, value=column.value: value(row, language))
    return readers


def _in_languages(path):
    return tuple(f"{path}_{language}" for language in LANGUAGES)


class Row:
    """One exported row: its values as attributes, a relation's as a nested Row."""


def read_paths(columns):
    """What ``columns`` read, each once, in their order (the arguments of ``values_list``)."""
    paths = {}
    for column in columns:
        paths.update(dict.fromkeys(column.reads))
    return list(paths)


def row_builder(paths):
    """A function that makes a ``values_list`` tuple of ``paths`` into a Row read as the columns
    read a model instance: ``row.title_ar``, ``row.meeting.governorate.name_ar``."""
    tree = ([], {})  # (the fields of this level as (index, name), {relation: its tree})
    for index, path in enumerate(paths):
        *relations, name = path.split(".")
        node = tree
        for relation in relations:
            node = node[1].setdefault(relation, ([], {}))
        node[0].append((index, name))

    def build(node, values):
        row = Row()
        fields = row.__dict__
        for index, name in node[0]:
            fields[name] = values[index]
        for relation, child in node[1].items():
            fields[relation] = build(child, values)
        return row

    return lambda values: build(tree, values)


def values_of(queryset, columns):
    """``(queryset of tuples of what columns read, the function that makes each a Row)``."""
    paths = read_paths(columns)
    return queryset.values_list(*(path.replace(".", "__") for path in paths)), row_builder(paths)


def text(field, *, label, key=None, type=TEXT):
    """A model field of one language; in English the Arabic text where no English was entered."""

    def value(row, language):
        return getattr(row, f"{field}_{language}", None) or getattr(row, f"{field}_ar", None) or ""

    return Column(key or field.replace("__", "_"), label, value, type, translated=True, reads=_in_languages(field))


def related_text(path, field, *, key, label):
    """``row.<path>.<field>`` in the language, or empty without the related record."""

    def value(row, language):
        obj = row
        for name in path.split("."):
            obj = getattr(obj, name, None) if obj is not None else None
        if obj is None:
            return ""
        return getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_ar", None) or ""

    return Column(key, label, value, translated=True, reads=_in_languages(f"{path}.{field}"))


def plain(attribute, *, label, key=None, type=TEXT):
    return Column(key or attribute, label, lambda row, language: getattr(row, attribute), type, reads=(attribute,))


def names(attribute, *, label):
    """Names joined in the query (``<attribute>_<language>``, see sql.joined_names)."""
    return Column(
        attribute,
        label,
        lambda row, language: getattr(row, f"{attribute}_{language}") or "",
        translated=True,
        reads=_in_languages(attribute),
    )


def choice(attribute, choices, *, label):
    labels = dict(choices)
    texts = {}  # per language, each label translated once (not once per row)

    def value(row, language):
        if language not in texts:
            with translation.override(language):
                texts[language] = {code: str(text) for code, text in labels.items()}
        code = getattr(row, attribute)
        return texts[language].get(code) or str(code)

    return Column(attribute, label, value, code=lambda row: getattr(row, attribute), reads=(attribute,))


def hijri(attribute, *, label, key):
    def value(row, language):
        day = row
        for name in attribute.split("."):
            day = getattr(day, name)
        return hijri_text(day, language)

    return Column(key, label, value, translated=True, reads=(attribute,))


def address(url_name, *, lookup="pk"):
    """The record's page on the portal (absolute when SITE_URL or the request gives a host);
    the writers build it from one ``reverse()`` per export (see ``cell_readers``)."""
    return Column("url", _("Address"), None, URL, translated=True, link=(url_name, lookup), reads=(lookup,))


def time_text(attribute, *, label):
    return Column(
        attribute,
        label,
        lambda row, language: getattr(row, attribute).strftime("%H:%M") if getattr(row, attribute) else None,
        reads=(attribute,),
    )


def _annotated_names(queryset, subject, group_field, prefix, ordering=("pk",)):
    """``{"<subject>_<language>": Subquery}`` for every language."""
    return {
        f"{subject}_{language}": joined_names(queryset, group_field, prefix, language=language, ordering=ordering)
        for language in LANGUAGES
    }


# Organisations named in a row: the published ones only (the rule of ``published()``, on the join).
PUBLIC_ORGANIZATION = published_condition("organization__")


# --- Meetings ------------------------------------------------------------------------------------


def meeting_rows(queryset=None):
    """``queryset`` (the published meetings, filtered) with what the columns read, newest first."""
    queryset = Meeting.objects.published() if queryset is None else queryset
    organisers = MeetingOrganization.objects.filter(
        PUBLIC_ORGANIZATION, role__in=[MeetingOrganization.Role.ORGANISER, MeetingOrganization.Role.CO_ORGANISER]
    )
    # A published meeting's tags are public (Tag.objects.published()).
    tags = Meeting.tags.through.objects.all()
    translated = ("title", "city", "venue", "summary")
    return (
        queryset.select_related("governorate", "project")
        .only(
            "kind", "date", "start_time", "end_time", "attendance_total", "attendance_women", "attendance_men",
            "governorate", "project",
            *(f"{field}_{language}" for field in translated for language in LANGUAGES),
            *(f"{relation}__name_{language}" for relation in ("governorate", "project") for language in LANGUAGES),
        )
        .annotate(
            **_annotated_names(organisers, "organisers", "meeting", "organization__", ordering=("order", "pk")),
            **_annotated_names(tags, "tags", "meeting", "tag__"),
            recommendation_count=count_subquery(Recommendation.objects.filter(meeting=OuterRef("pk"))),
        )
        .order_by("-date", "-pk")
    )


MEETING_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    address("meetings:meeting_detail"),
    text("title", label=_("Title")),
    choice("kind", Meeting.Kind.choices, label=_("Kind of meeting")),
    plain("date", label=_("Date"), type=DATE),
    hijri("date", key="date_hijri", label=_("Hijri date")),
    time_text("start_time", label=_("Start time")),
    time_text("end_time", label=_("End time")),
    related_text("governorate", "name", key="governorate", label=_("Governorate")),
    text("city", label=_("City or district")),
    text("venue", label=_("Venue")),
    related_text("project", "name", key="project", label=_("Project")),
    names("organisers", label=_("Organisers")),
    names("tags", label=_("Tags")),
    plain("attendance_total", label=_("Total attendance"), type=NUMBER),
    plain("attendance_women", label=_("Women attending"), type=NUMBER),
    plain("attendance_men", label=_("Men attending"), type=NUMBER),
    plain("recommendation_count", label=_("Recommendations"), type=NUMBER),
    text("summary", label=_("Summary")),
)


# --- Recommendations -----------------------------------------------------------------------------


def recommendation_rows(queryset=None):
    queryset = Recommendation.objects.published() if queryset is None else queryset
    addressees = Recommendation.addressees.through.objects.filter(PUBLIC_ORGANIZATION)
    latest_approved = RecommendationUpdate.objects.approved().filter(recommendation=OuterRef("pk")).order_by("-date", "-pk")
    meeting_fields = ("date", "governorate", *(f"title_{language}" for language in LANGUAGES))
    return (
        queryset.select_related("meeting", "meeting__governorate", "theme")
        .only(
            "order", "kind", "priority", "status", "progress", "due_date", "theme", "meeting",
            *(f"text_{language}" for language in LANGUAGES),
            *(f"meeting__{field}" for field in meeting_fields),
            *(f"meeting__governorate__name_{language}" for language in LANGUAGES),
            *(f"theme__name_{language}" for language in LANGUAGES),
        )
        .annotate(
            **_annotated_names(addressees, "addressees", "recommendation", "organization__"),
            last_follow_up=Subquery(latest_approved.values("date")[:1]),
        )
        .order_by("-meeting__date", "-meeting_id", "order")
    )


RECOMMENDATION_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    address("meetings:recommendation_detail"),
    plain("meeting_id", label=_("Meeting number"), type=NUMBER),
    related_text("meeting", "title", key="meeting_title", label=_("Meeting")),
    Column("meeting_date", _("Date of the meeting"), lambda row, language: row.meeting.date, DATE, reads=("meeting.date",)),
    hijri("meeting.date", key="meeting_date_hijri", label=_("Hijri date")),
    related_text("meeting.governorate", "name", key="governorate", label=_("Governorate")),
    plain("order", label=_("Number in the meeting"), type=NUMBER),
    text("text", label=_("Text")),
    choice("kind", Recommendation.Kind.choices, label=_("Kind")),
    related_text("theme", "name", key="theme", label=_("Theme")),
    names("addressees", label=_("Addressed to")),
    choice("priority", Recommendation.Priority.choices, label=_("Priority")),
    choice("status", Recommendation.Status.choices, label=_("Status")),
    plain("progress", label=_("Progress (%)"), type=NUMBER),
    plain("due_date", label=_("Due date"), type=DATE),
    plain("last_follow_up", label=_("Latest follow-up"), type=DATE),
)


# --- Organisations --------------------------------------------------------------------------------


def organization_rows(queryset=None):
    queryset = Organization.objects.published() if queryset is None else queryset
    return (
        queryset.with_published_counts()
        .select_related("governorate")
        .defer(*SEARCH_COLUMNS)
        .order_by("kind", "name_ar", "pk")
    )


ORGANIZATION_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    address("meetings:organization_detail", lookup="slug"),
    text("name", label=_("Name")),
    text("acronym", label=_("Short name")),
    choice("kind", Organization.Kind.choices, label=_("Kind")),
    related_text("governorate", "name", key="governorate", label=_("Governorate")),
    plain("website", label=_("Website"), type=URL),
    plain("published_meeting_count", label=_("Meetings"), type=NUMBER),
    plain("published_recommendation_count", label=_("Recommendations addressed to it"), type=NUMBER),
    text("description", label=_("Description")),
)


# --- The dataset's other kinds ------------------------------------------------------------------------


def project_rows(queryset=None):
    queryset = Project.objects.published() if queryset is None else queryset
    implementers = Project.implementers.through.objects.filter(PUBLIC_ORGANIZATION)
    donors = Project.donors.through.objects.filter(PUBLIC_ORGANIZATION)
    return (
        queryset.with_published_meeting_counts()
        .annotate(
            **_annotated_names(implementers, "implementers", "project", "organization__"),
            **_annotated_names(donors, "donors", "project", "organization__"),
        )
        .order_by("name_ar", "pk")
    )


PROJECT_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    address("meetings:project_detail", lookup="slug"),
    text("name", label=_("Name")),
    plain("start_date", label=_("Start date"), type=DATE),
    plain("end_date", label=_("End date"), type=DATE),
    plain("website", label=_("Website"), type=URL),
    names("implementers", label=_("Implementing organisations")),
    names("donors", label=_("Donors")),
    plain("published_meeting_count", label=_("Meetings"), type=NUMBER),
    text("description", label=_("Description")),
)


def governorate_rows(queryset=None):
    queryset = Governorate.objects.all() if queryset is None else queryset
    return queryset.with_published_meeting_counts().order_by("code")


GOVERNORATE_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    address("meetings:governorate_detail", lookup="slug"),
    plain("code", label=_("ISO 3166-2 code")),
    text("name", label=_("Name")),
    plain("published_meeting_count", label=_("Meetings"), type=NUMBER),
)


def person_rows(queryset=None):
    """Public people who took part in a published meeting (protected people never)."""
    queryset = Person.objects.published() if queryset is None else queryset
    return (
        queryset.defer(*SEARCH_COLUMNS, "notes")
        .annotate(published_meeting_count=count_subquery(Participation.objects.published().filter(person=OuterRef("pk"))))
        .order_by("name_ar", "pk")
    )


PERSON_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    text("name", label=_("Name")),
    plain("published_meeting_count", label=_("Meetings"), type=NUMBER),
)


def follow_up_rows(queryset=None):
    """Approved follow-up of published recommendations; the meeting where it was discussed only
    when that meeting is published."""
    queryset = RecommendationUpdate.objects.public() if queryset is None else queryset
    return (
        queryset.annotate(
            public_meeting_id=Case(When(meeting__status=Meeting.Status.PUBLISHED, then=F("meeting_id")))
        )
        .only("recommendation_id", "date", "status", "progress", "evidence_url",
              *(f"note_{language}" for language in LANGUAGES))
        .order_by("recommendation_id", "date", "pk")
    )


FOLLOW_UP_COLUMNS = (
    plain("pk", key="id", label=_("Number"), type=NUMBER),
    plain("recommendation_id", label=_("Recommendation number"), type=NUMBER),
    plain("date", label=_("Date"), type=DATE),
    hijri("date", key="date_hijri", label=_("Hijri date")),
    choice("status", Recommendation.Status.choices, label=_("Status")),
    plain("progress", label=_("Progress (%)"), type=NUMBER),
    text("note", label=_("Note")),
    plain("evidence_url", label=_("Evidence link"), type=URL),
    plain("public_meeting_id", key="meeting_id", label=_("Follow-up meeting number"), type=NUMBER),
)


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: object
    rows: Callable  # (queryset or None) -> the rows with what the columns read
    columns: tuple


KINDS = {
    kind.name: kind
    for kind in (
        ExportKind("meetings", _("Meetings"), meeting_rows, MEETING_COLUMNS),
        ExportKind("recommendations", _("Recommendations"), recommendation_rows, RECOMMENDATION_COLUMNS),
        ExportKind("organizations", _("Organisations"), organization_rows, ORGANIZATION_COLUMNS),
        ExportKind("projects", _("Projects"), project_rows, PROJECT_COLUMNS),
        ExportKind("governorates", _("Governorates"), governorate_rows, GOVERNORATE_COLUMNS),
        ExportKind("people", _("People"), person_rows, PERSON_COLUMNS),
        ExportKind("follow_up", _("Follow-up"), follow_up_rows, FOLLOW_UP_COLUMNS),
    )
}
