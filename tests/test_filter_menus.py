"""The filter panels' menus: only what may be chosen, the chosen one marked, and only the
columns a menu shows read from the database (a project's description is not)."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from meetings.filters import MeetingFilterForm, RecommendationFilterForm, SlugChoiceField
from search.forms import SearchForm
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    shown = factories.project("مشروع المياه", description_ar="وصف طويل " * 200)
    factories.meeting(project=shown, published=True)
    hidden = factories.project("مشروع لم يُنشر له لقاء")
    factories.meeting(project=hidden)  # a draft only
    return shown, hidden


def options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


@pytest.mark.parametrize("form_class", [MeetingFilterForm, SearchForm])
def test_the_project_menu_offers_published_projects_and_marks_the_chosen_one(projects, form_class):
    shown, hidden = projects
    with translation.override("ar"):
        html = str(form_class({"project": shown.slug})["project"])
    found = options(html)
    assert ("", "", "كل المشاريع") in found
    assert (shown.slug, " selected", "مشروع المياه") in found
    assert hidden.slug not in [value for value, _selected, _label in found]
    assert [selected for _value, selected, _label in found].count(" selected") == 1


@pytest.mark.parametrize("language, names", [("ar", ["name_ar"]), ("en", ["name_en", "name_ar"])])
def test_the_menu_reads_the_slug_and_the_names_it_may_show_only(projects, language, names):
    with CaptureQueriesContext(connection) as queries, translation.override(language):
        str(MeetingFilterForm({})["project"])
    menu = [query["sql"] for query in queries.captured_queries if "meetings_project" in query["sql"]]
    assert len(menu) == 1
    selected = menu[0].split(" FROM ", 1)[0]
    assert sorted(re.findall(r'"meetings_project"\."(\w+)"', selected)) == sorted(["slug", *names])


def test_an_english_menu_names_the_projects_in_english_where_they_have_one(projects):
    shown, _hidden = projects
    shown.name_en = "Water project"
    shown.save()
    with translation.override("en"):
        found = options(str(SearchForm({})["project"]))
    assert (shown.slug, "", "Water project") in found


@pytest.mark.parametrize("name_en", ["", None])
def test_an_english_menu_names_a_project_without_an_english_name_in_arabic(projects, name_en):
    shown, _hidden = projects
    shown.name_en = name_en
    shown.save()
    with translation.override("en"):
        found = options(str(MeetingFilterForm({})["project"]))
    assert (shown.slug, "", "مشروع المياه") in found


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("form_class", [MeetingFilterForm, RecommendationFilterForm, SearchForm])
def test_every_menus_labels_are_what_its_objects_are_called(projects, form_class, language):
    """The menus read tuples, not model instances: their labels must still be ``str()`` of the
    objects, in the reader's language with the Arabic fallback."""
    shown, _hidden = projects
    shown.name_en = "Water project"
    shown.save()
    theme = factories.theme("المياه والصرف الصحي", name_en="")
    factories.recommendation(shown.meetings.get(), theme=theme)
    form = form_class({})
    menus = [name for name, field in form.fields.items() if isinstance(field, SlugChoiceField)
             and not isinstance(field.widget, forms.HiddenInput)]
    assert menus
    with translation.override(language):
        for name in menus:
            field = form.fields[name]
            expected = [(obj.slug, "", escape(str(obj))) for obj in field.queryset]
            assert expected, name
            assert options(str(form[name]))[1:] == expected, name
